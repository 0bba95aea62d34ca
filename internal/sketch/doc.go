// Package sketch is a count-min sketch for counting behavior profiles: a
// table of Rows x Cols saturating 64-bit counters that answers "how many
// times was this key added?" with an estimate that is never below the true
// count, and is above it by at most Eps*N (N the sum of all additions) with
// probability at least 1-Gamma.
//
// # Hashing
//
// A key is hashed once, with a fast 64-bit hash keyed by the sketch's seed;
// the Rows column indexes are derived from that one hash by double hashing
// (Kirsch and Mitzenmacher) and a multiply-shift range reduction, so the
// cost does not grow with the key length times the row count. Callers that
// count and then estimate the same key hash it once with [Sketch.Hash] and
// pass the hash to [Sketch.AddHash], [Sketch.EstimateHash] and
// [Sketch.AddEstimateHash]. A hash is only meaningful for sketches with the
// same seed.
//
// Deriving the rows from one hash has a known cost: two keys whose hashes
// put them in the same column in two rows tend to share columns in the
// other rows too, so a pair of keys collides in every row with probability
// of order 1/Cols^2 rather than 1/Cols^Rows. Among a million distinct keys
// at the default 7 x 27183, 41 pairs shared all seven counters in one
// measurement (680 shared the first two, as chance predicts). That is small
// beside the over-count that the load of many keys brings, which the
// accuracy tests measure.
//
// The seed is drawn from crypto/rand when a sketch is created and is stored
// in its encoding, so that nobody who knows this code, but not the seed, can
// compute in advance a rare key whose counters coincide with a frequent
// one. The hash is not a cryptographic PRF: it raises the cost of such an
// attack, it does not rule out an adversary who can observe many estimates.
//
// # Update rules
//
// [Conservative] (the default) increments only the counters holding the
// current minimum; it never underestimates either and over-counts much less
// on skewed streams. [Plain] increments every row; it is the textbook rule
// and the only one under which merging equals counting the concatenated
// stream.
//
// # Concurrency
//
// A Sketch has no lock. The methods fall into four groups, and the rules
// are about overlapping calls on the same Sketch.
//
//   - Immutable: [Sketch.Hash], [Sketch.HashString], [Sketch.Shape],
//     [Sketch.Seed], [Sketch.Mode], [Sketch.ConcurrentReads] and
//     [Sketch.EncodedSize] read nothing that changes after creation. They
//     may overlap any call but [Sketch.UnmarshalBinary].
//   - Writers: the Add and AddEstimate methods, [Sketch.Reset],
//     [Sketch.Halve] and [Sketch.Merge] (on its receiver). Writers must not
//     overlap each other: one goroutine counts, or the caller serializes
//     them. The plugin's event path is single-threaded, which is the
//     intended use.
//   - Readers: the Estimate methods, [Sketch.FillRatio],
//     [Sketch.AppendBinary], [Sketch.MarshalBinary], [Sketch.Clone], and
//     [Sketch.Merge] on its argument. Readers may overlap each other
//     freely. They may overlap a writer only if the sketch was created with
//     [WithConcurrentReads]; without it, a reader running beside a writer
//     is a data race (the race detector reports it) and must not happen.
//   - Exclusive: [Sketch.UnmarshalBinary] replaces the whole sketch and
//     must not overlap any other call on it.
//
// Readers always load counters with atomic loads, which are plain MOVs on
// amd64 and cost nothing. [WithConcurrentReads] changes the writers only:
// they then store each changed counter with an atomic store, which on
// amd64 is an XCHG, a locked instruction of a few nanoseconds rather than a
// plain MOV; the conservative update stores only the counters it raises.
// That price is why the option is off by default. Without it, snapshot on
// the counting goroutine with [Sketch.Clone], which copies the counters
// into an independent sketch that any goroutine may then encode.
//
// What an overlapping reader sees: each counter it reads has a value that
// counter held at some instant during the read, never a torn one, but the
// table is not read at one instant. While only additions happen (the Add
// methods and Merge), counters only grow, so an estimate read by an
// overlapping reader, and an estimate from a snapshot taken by one, lies
// between the key's estimate when the read began and its estimate when it
// ended, and one reader's successive estimates of a key never decrease. An
// overlapping Halve or Reset can leave a snapshot holding some counters
// before the step and some after it. An encoding taken while counting is
// always valid: its checksum covers the bytes as written.
package sketch
