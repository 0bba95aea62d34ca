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
// The methods fall into four groups.
//
//   - Immutable: [Sketch.Hash], [Sketch.HashString], [Sketch.Shape],
//     [Sketch.Seed], [Sketch.Mode], [Sketch.ConcurrentReads] and
//     [Sketch.EncodedSize] read nothing that changes after creation and
//     may be called from any goroutine at any time.
//   - Writers: the Add and AddEstimate methods, [Sketch.Reset],
//     [Sketch.Halve] and [Sketch.Merge] (on its receiver). One goroutine at
//     a time; the plugin's event path is single-threaded, which is the
//     intended use.
//   - Readers: the Estimate methods, [Sketch.FillRatio],
//     [Sketch.AppendBinary], [Sketch.MarshalBinary], [Sketch.Clone], and
//     [Sketch.Merge] on its argument. Readers may always run concurrently
//     with each other. They may run concurrently with the writer only if
//     the sketch was created with [WithConcurrentReads]; otherwise call them
//     on the writer's goroutine (a [Sketch.Clone] taken there is an
//     independent sketch that any goroutine may then encode).
//   - Exclusive: [Sketch.UnmarshalBinary] replaces the whole sketch and
//     must not overlap any other call on the same sketch.
//
// With [WithConcurrentReads] the writer stores counters with
// atomic.StoreUint64 and readers load them with atomic.LoadUint64. On amd64
// the atomic store is an XCHG, a locked instruction, not a plain MOV: it
// costs a few nanoseconds per changed counter, which is why the option is
// off by default. A reader that runs while counting goes on sees every
// counter at some value it held during the read, not one instant of the
// whole table: while only additions happen, a snapshot's estimate for a key
// lies between the key's estimate when the snapshot began and its estimate
// when it ended.
package sketch
