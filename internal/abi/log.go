package abi

/*
#include <stdlib.h>
#include "bridge.h"
*/
import "C"

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"unsafe"
)

// NewLogger returns a logger that forwards each record to the host's log
// callback fn (with owner) when fn is not nil, and otherwise writes it to
// stderr with an "[anomalydetection] " prefix. It never writes to stdout,
// where Falco prints alerts. The callback must stay valid for as long as
// the logger is used: callers stop logging through it at destroy.
func NewLogger(fn, owner unsafe.Pointer, level slog.Leveler) *slog.Logger {
	return slog.New(newHandler(fn, owner, os.Stderr, level))
}

type handler struct {
	mu    *sync.Mutex
	buf   *bytes.Buffer
	text  slog.Handler
	fn    unsafe.Pointer
	owner unsafe.Pointer
	w     io.Writer
	level slog.Leveler
}

func newHandler(fn, owner unsafe.Pointer, w io.Writer, level slog.Leveler) *handler {
	buf := new(bytes.Buffer)
	return &handler{
		mu:  new(sync.Mutex),
		buf: buf,
		text: slog.NewTextHandler(buf, &slog.HandlerOptions{
			Level: slog.LevelDebug,
			ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
				if len(groups) == 0 && (a.Key == slog.TimeKey || a.Key == slog.LevelKey ||
					a.Key == slog.MessageKey) {
					return slog.Attr{}
				}
				return a
			},
		}),
		fn: fn, owner: owner, w: w, level: level,
	}
}

func (h *handler) Enabled(_ context.Context, l slog.Level) bool {
	return l >= h.level.Level()
}

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.buf.Reset()
	if err := h.text.Handle(ctx, r); err != nil {
		return err
	}
	line := r.Message
	if attrs := strings.TrimSuffix(h.buf.String(), "\n"); attrs != "" {
		line += " " + attrs
	}
	if h.fn == nil {
		_, err := io.WriteString(h.w, "[anomalydetection] "+r.Level.String()+" "+line+"\n")
		return err
	}
	cs := C.CString(line)
	defer C.free(unsafe.Pointer(cs))
	C.ad_log(C.abi_log_fn(h.fn), h.owner, cs, severity(r.Level))
	return nil
}

func severity(l slog.Level) C.abi_log_sev {
	switch {
	case l >= slog.LevelError:
		return C.ABI_LOG_ERROR
	case l >= slog.LevelWarn:
		return C.ABI_LOG_WARNING
	case l >= slog.LevelInfo:
		return C.ABI_LOG_INFO
	default:
		return C.ABI_LOG_DEBUG
	}
}

func (h *handler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.text = h.text.WithAttrs(as)
	return &c
}

func (h *handler) WithGroup(name string) slog.Handler {
	c := *h
	c.text = h.text.WithGroup(name)
	return &c
}
