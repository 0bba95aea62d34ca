package main

// Static plugin information, returned before any instance exists.
const (
	pluginName        = "anomalydetection"
	pluginVersion     = "0.2.0"
	pluginDescription = "Counts behavior profiles of syscall events in count-min sketches, " +
		"so that rules can match rare or frequent behavior."
	pluginContact = "https://github.com/falco-anomalydetection/anomalydetection"

	// requiredAPI is the plugin API of Falco 0.37 (libs 0.14). Newer hosts
	// accept it too; what they add is used only after detection (see
	// internal/abi.DetectGen).
	requiredAPI = "3.2.0"

	// requiredSchema is the syscall event schema the plugin reads. Hosts
	// of API 3.12 (Falco 0.42+) refuse syscall plugins without it; older
	// hosts never ask. The plugin reads only parameters whose index and
	// type are the same in schemas 2.x, 3.x and 4.x, and honours nparams
	// for the ones newer drivers appended.
	requiredSchema = "4.0.0"

	// eventSources is the only source the plugin works on.
	eventSources = `["syscall"]`
)
