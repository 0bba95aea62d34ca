package abi

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestStderrLogger(t *testing.T) {
	var out bytes.Buffer
	log := slog.New(newHandler(nil, nil, &out, slog.LevelInfo)).With("component", "test")
	log.Info("sketch ready", "rows", 7, "cols", 27183)
	log.Debug("not shown")
	log.Warn("degraded", "why", "two words")

	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := []string{
		`[anomalydetection] INFO sketch ready component=test rows=7 cols=27183`,
		`[anomalydetection] WARN degraded component=test why="two words"`,
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d lines: %q", len(lines), out.String())
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d = %q, want %q", i, lines[i], want[i])
		}
	}
}
