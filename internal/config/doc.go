// Package config decodes the plugin's init configuration into a validated
// Config and publishes the JSON Schema that describes it.
//
// Falco reads init_config from falco.yaml. A YAML map is turned into a JSON
// string with nlohmann's dump; a YAML string is passed as written. libsinsp
// then validates the string against Schema (draft 7, with valijson, which
// does not apply defaults) and hands it to plugin_init, where Parse turns
// it into a Config. Parse applies the defaults and every check the schema
// cannot express, so a configuration Parse accepts always passes the
// schema, and the schema refuses every structural mistake (wrong types,
// unknown keys) before init is reached.
//
// # Compatibility with the C++ prototype
//
// The keys of the upstream C++ plugin are accepted unchanged, so its users
// switch by changing library_path. What the prototype accepted silently
// and then mishandled (unknown keys, list lengths that disagree, shapes of
// zero, short reset timers, unknown fields) is an init error here; what it
// made hard (raw PPME codes, a mandatory n_sketches) has friendlier forms.
//
// # Options
//
// Every option lives under count_min_sketch. An absent, empty or null
// init_config, or one without count_min_sketch, leaves the plugin
// disabled. A JSON null anywhere counts as "not given", because Falco
// turns an empty YAML map or list into null.
//
// count_min_sketch.enabled (boolean, default false): turns the sketches
// on. It must be set to true explicitly, as in the prototype. While it is
// false nothing is counted and the anomaly.* fields have no value, but
// every other option present is still validated, so a typo is found
// before the day the plugin is switched on. enabled: true requires
// behavior_profiles.
//
// count_min_sketch.update_mode (string, default "conservative"): how an
// event updates its sketch. "conservative" raises only the counters that
// hold the current minimum (conservative update), which never
// underestimates and overestimates less than "plain", the textbook
// count-min update that increments one counter per row, as the prototype
// did.
//
// count_min_sketch.n_sketches (integer >= 1, optional): the number of
// sketches, one per behavior profile. When given, behavior_profiles,
// gamma_eps and rows_cols (those present) must each have exactly this many
// items. When omitted, the number of behavior profiles is used, and
// gamma_eps and rows_cols, if present, must have as many items.
//
// count_min_sketch.gamma_eps (list of [gamma, eps] pairs, optional): the
// accuracy of each sketch, item i for profile i. gamma is the probability
// that an estimate is off by more than eps times the number of events
// counted; it sets the number of rows, ceil(ln(1/gamma)). eps sets the
// number of columns, ceil(e/eps). Both must be finite and strictly between
// 0 and 1. When both gamma_eps and rows_cols are omitted, every profile
// gets gamma 0.001 and eps 0.0001 (7 rows of 27183 columns).
//
// count_min_sketch.rows_cols (list of [rows, cols] pairs, optional): the
// exact shape of each sketch, item i for profile i. Both are integers of
// at least 1. When present it supersedes gamma_eps entirely (a Note says
// so). The total size is checked when the sketches are built.
//
// count_min_sketch.behavior_profiles (list of objects): what to count.
// Profile i feeds sketch i and is read by the fields
// anomaly.count_min_sketch[i] and anomaly.count_min_sketch.profile[i], or
// by name as anomaly.count_min_sketch[name]. Each profile has:
//
//   - fields (string, required): the sinsp-style fields whose values,
//     joined, form the behavior profile, such as
//     "%container.id %proc.name %proc.aname[2] %fd.name". Which fields
//     exist and whether each can be evaluated on every listed event is
//     checked by the profile compiler, through the ProfileCheck that the
//     caller hands to Parse.
//   - event_codes (list, required, not empty): the syscall exit events on
//     which the profile is counted. Each item is a syscall name such as
//     "execve", "execveat", "clone", "openat" (mapped to the current exit
//     event), a raw PPME event code as in the prototype (293), or such a
//     code as a decimal string ("293"). Enter events and events the plugin
//     does not support are refused; duplicates are dropped.
//   - reset_timer_ms (integer, optional, default 0): when greater than 0,
//     the profile's sketch is cleared every reset_timer_ms milliseconds.
//     0 means never. Values from 1 to 100 are refused, where the
//     prototype silently turned them into "never".
//   - name (string, optional): a name for the profile, unique among the
//     profiles, made of a letter or _ followed by letters, digits, _, .
//     or -. A name made only of digits is refused, since it would read as
//     an index.
//
// # Number forms
//
// Falco's YAML conversion may deliver an integer as a float (3.6e6 for
// 3600000) and a quoted number as a number. Integer options therefore
// accept any JSON number with no fractional part; 1.5 is refused. A
// limitation of that conversion that Parse cannot undo: a profile name
// that the conversion reads as a number or a boolean (such as "1e3" or
// "true") arrives as one and is refused as not a string; pass init_config
// as a JSON string to keep such a name.
package config
