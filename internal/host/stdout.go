package host

import (
	"fmt"
	"os"
	"sync"
	"syscall"
)

// stdoutCapture points the process's fd 1 at a temporary file while any
// plugin call is running, so bytes a plugin writes to stdout (where Falco
// prints alerts) are caught and reported. The window is process-wide and
// reference-counted: concurrent calls share it, and bytes written during
// overlapping calls are reported to each of them.
//
// Only calls into the plugin are covered. A background goroutine or thread
// of the plugin that writes between calls is not caught, and other
// goroutines of the test binary that write to stdout during a call (for
// example t.Log of a parallel test under -v) are attributed to the plugin.
var stdoutCapture struct {
	mu    sync.Mutex
	depth int
	saved int
	file  *os.File
	fd    int
}

// stdoutEnter opens (or joins) the capture window and returns the capture
// file's size at entry.
func stdoutEnter() (int64, error) {
	c := &stdoutCapture
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.file == nil {
		f, err := os.CreateTemp("", "adhost-stdout-*")
		if err != nil {
			return 0, fmt.Errorf("stdout capture: %w", err)
		}
		// The open descriptor keeps the file alive.
		os.Remove(f.Name())
		c.file = f
		c.fd = int(f.Fd())
	}
	if c.depth == 0 {
		c.saved = stdoutBegin(c.fd)
		if c.saved < 0 {
			return 0, fmt.Errorf("stdout capture: dup2 failed")
		}
	}
	c.depth++
	var st syscall.Stat_t
	if err := syscall.Fstat(c.fd, &st); err != nil {
		return 0, fmt.Errorf("stdout capture: %w", err)
	}
	return st.Size, nil
}

// stdoutLeave closes the window if this was the last call in it and
// returns what was written to stdout since start.
func stdoutLeave(start int64) string {
	c := &stdoutCapture
	c.mu.Lock()
	defer c.mu.Unlock()
	c.depth--
	var size int64
	if c.depth == 0 {
		size = stdoutEnd(c.saved, c.fd)
	} else {
		var st syscall.Stat_t
		if syscall.Fstat(c.fd, &st) == nil {
			size = st.Size
		}
	}
	if size <= start {
		return ""
	}
	n := min(size-start, 512)
	buf := make([]byte, n)
	k, _ := c.file.ReadAt(buf, start)
	return string(buf[:k])
}
