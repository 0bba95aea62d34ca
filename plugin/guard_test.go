package main

import (
	"errors"
	"strings"
	"testing"
)

// TestGuardTurnsPanicsIntoFailures checks the mechanism every export
// uses: a panic becomes the failure code and the instance's last error.
func TestGuardTurnsPanicsIntoFailures(t *testing.T) {
	inst := &instance{errBuf: cmalloc(1024)}
	defer cfree(inst.errBuf)
	rc := func() (rc int32) {
		defer guard("parse_event", func(msg string) { rc = int32(inst.failed(msg)) })
		var fields []int
		return int32(fields[len(fields)+1]) // out of range: panics
	}()
	if rc != 1 {
		t.Errorf("rc = %d, want 1 (failure)", rc)
	}
	if got := goString(inst.lastError()); !strings.Contains(got, "internal error in plugin_parse_event") {
		t.Errorf("last error = %q", got)
	}

	var err error
	func() {
		defer guard("init", func(msg string) { err = errors.New(msg) })
		panic("boom")
	}()
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("init panic gave %v", err)
	}
}

// TestDestroyForgetsTheHandle: destroy frees the C handle; the instance
// must not keep it, or release (which clears cache pointers in it) writes
// into freed memory.
func TestDestroyForgetsTheHandle(t *testing.T) {
	inst := &instance{errBuf: cmalloc(1024)}
	h, err := register(inst)
	if err != nil {
		t.Fatal(err)
	}
	if lookup(h) != inst {
		t.Fatal("registered instance not found")
	}
	destroyInstance(h)
	if inst.h != nil || inst.handle != nil {
		t.Errorf("instance still points to its freed handle")
	}
}
