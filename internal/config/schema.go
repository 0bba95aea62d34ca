package config

// Schema returns the JSON Schema (draft 7) of the init configuration, for
// plugin_get_init_schema. libsinsp validates the configuration against it
// with valijson before init, so it refuses structural mistakes (wrong
// types, unknown keys, missing required keys) with valijson's message; the
// value checks it cannot express (list lengths, names, event codes, exact
// ranges) are left to Parse.
//
// The schema is permissive where Falco's YAML conversion changes types:
// integers are "number" (they may arrive as 3.6e6), event codes are
// "number" or "string", and every optional value may be null (an empty
// YAML map or list arrives as null). It uses only keywords that valijson
// has supported since v0.6 and declares no defaults, which valijson would
// not apply anyway. The returned string is a constant.
func Schema() string { return schema }

const schema = `{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "anomalydetection init_config",
  "description": "Configuration of the anomalydetection plugin. Leave it out, or leave out count_min_sketch, to keep the plugin disabled.",
  "type": ["object", "null"],
  "additionalProperties": false,
  "properties": {
    "count_min_sketch": {
      "description": "Count-min sketches that count behavior profiles, one sketch per profile.",
      "type": ["object", "null"],
      "additionalProperties": false,
      "properties": {
        "enabled": {
          "description": "Turns counting on. Defaults to false: set it to true explicitly. While false, nothing is counted and the anomaly.count_min_sketch fields have no value, but the other options are still validated.",
          "type": ["boolean", "null"]
        },
        "update_mode": {
          "description": "How an event updates its sketch: conservative (the default) raises only the counters holding the current minimum, which overestimates less; plain increments one counter per row, as the C++ prototype did.",
          "type": ["string", "null"],
          "enum": ["conservative", "plain", null]
        },
        "n_sketches": {
          "description": "Number of sketches, which is the number of behavior profiles. Optional: when given, behavior_profiles, gamma_eps and rows_cols must each have exactly this many items. An integer of at least 1.",
          "type": ["number", "null"],
          "minimum": 1
        },
        "gamma_eps": {
          "description": "Accuracy of each sketch as [gamma, eps], item i for profile i. gamma (error probability) sets the rows, eps (relative error) the columns; both strictly between 0 and 1. Without gamma_eps and rows_cols every profile gets [0.001, 0.0001].",
          "type": ["array", "null"],
          "items": {
            "description": "A [gamma, eps] pair.",
            "type": "array",
            "minItems": 2,
            "maxItems": 2,
            "items": {
              "description": "gamma, then eps: a number strictly between 0 and 1.",
              "type": "number",
              "minimum": 0,
              "maximum": 1
            }
          }
        },
        "rows_cols": {
          "description": "Explicit shape of each sketch as [rows, cols], item i for profile i. Supersedes gamma_eps when present.",
          "type": ["array", "null"],
          "items": {
            "description": "A [rows, cols] pair.",
            "type": "array",
            "minItems": 2,
            "maxItems": 2,
            "items": {
              "description": "rows, then cols: an integer of at least 1.",
              "type": "number",
              "minimum": 1
            }
          }
        },
        "behavior_profiles": {
          "description": "What to count. Profile i feeds sketch i and is read by anomaly.count_min_sketch[i] and anomaly.count_min_sketch.profile[i], or by its name in place of i. Required when enabled is true.",
          "type": ["array", "null"],
          "items": {
            "description": "One behavior profile.",
            "type": "object",
            "additionalProperties": false,
            "required": ["fields", "event_codes"],
            "properties": {
              "name": {
                "description": "Optional unique name of the profile, usable in place of its index in field arguments. A letter or _ followed by letters, digits, _, . or -.",
                "type": ["string", "null"],
                "pattern": "^[A-Za-z_][A-Za-z0-9_.-]*$"
              },
              "fields": {
                "description": "The sinsp-style fields whose values form the behavior profile, such as \"%container.id %proc.name %proc.aname[2] %fd.name\".",
                "type": "string",
                "minLength": 1
              },
              "event_codes": {
                "description": "Syscall exit events the profile is counted on: syscall names such as execve, execveat, clone, openat, or raw PPME exit event codes such as 293, as numbers or decimal strings. Enter events are refused.",
                "type": "array",
                "minItems": 1,
                "items": {
                  "description": "A syscall name, or a PPME exit event code as a number or a decimal string.",
                  "type": ["number", "string"]
                }
              },
              "reset_timer_ms": {
                "description": "Period in milliseconds after which the profile's sketch is cleared. 0 or absent means never; otherwise an integer of at least 101.",
                "type": ["number", "null"],
                "minimum": 0
              }
            }
          }
        }
      }
    }
  }
}`
