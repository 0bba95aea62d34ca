package config_test

import (
	"fmt"

	"github.com/falco-anomalydetection/anomalydetection/internal/config"
)

// The falco.yaml below reaches the plugin as the JSON string in raw.
//
//	init_config:
//	  count_min_sketch:
//	    enabled: true
//	    behavior_profiles:
//	      - name: shell_spawns
//	        fields: "%container.id %proc.name %proc.pname"
//	        event_codes: [execve, execveat]
//	        reset_timer_ms: 3600000
func ExampleParse() {
	raw := `{"count_min_sketch": {"enabled": true, "behavior_profiles": [
		{"name": "shell_spawns", "fields": "%container.id %proc.name %proc.pname",
		 "event_codes": ["execve", "execveat"], "reset_timer_ms": 3.6e6}]}}`

	cfg, err := config.Parse(raw, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	p := cfg.Profiles[0]
	fmt.Println(cfg.Enabled, cfg.UpdateMode, p.Name, p.EventCodes, p.ResetTimerMS)
	fmt.Println(p.Gamma, p.Eps, p.ShapePath)
	// Output:
	// true conservative shell_spawns [293 331] 3600000
	// 0.001 0.0001 count_min_sketch.behavior_profiles[0]
}

func ExampleParse_error() {
	raw := `{"count_min_sketch": {"enabled": true, "behavior_profiles": [
		{"fields": "%proc.name", "event_codes": [292]}]}}`

	_, err := config.Parse(raw, nil)
	fmt.Println(err)
	// Output:
	// count_min_sketch.behavior_profiles[0].event_codes[0]: 292 is the enter event of execve; use its exit event 293 or the name "execve"
}
