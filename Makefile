# anomalydetection: a Falco plugin in Go.
#
#   make          build libanomalydetection.so
#   make demo     build it and run it in the in-repo host on the built-in workload
#   make test     vet, then every test with -race and cgo pointer checks
#   make bench    benchmarks (sketch, profiles, the plugin through the C ABI)
#   make fuzz     a short run of every fuzz target
#   make lint     gofmt, go vet, staticcheck
#   make check    lint + test
#   make readme   regenerate the README fields table from plugin_get_fields

GO      ?= go
LIB     := libanomalydetection.so
# The plugin must load on old distributions too: no newer glibc symbols
# than the build machine's, and no cgo pointer mistakes in tests.
BUILDFLAGS ?= -trimpath
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
FUZZTIME ?= 15s
BENCHCOUNT ?= 6

.PHONY: build demo test bench bench-abi fuzz lint check readme clean

build: $(LIB)

$(LIB): $(shell find plugin internal -name '*.go' -o -name '*.c' -o -name '*.h' | grep -v _test.go) go.mod
	$(GO) build $(BUILDFLAGS) -buildmode=c-shared -o $(LIB) ./plugin
	rm -f libanomalydetection.h

demo: $(LIB)
	$(GO) run ./cmd/addemo -lib ./$(LIB)

# Tests run with glibc's heap checks on and freed memory filled, so that
# a C write into freed memory is likely to abort the run.
test:
	$(GO) vet ./...
	MALLOC_PERTURB_=165 GLIBC_TUNABLES=glibc.malloc.check=3 \
	  GOEXPERIMENT=cgocheck2 $(GO) test -race -count=1 ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem -count=$(BENCHCOUNT) ./internal/sketch ./internal/profile ./internal/event ./e2e

bench-abi:
	$(GO) test -run '^$$' -bench . -benchmem -count=$(BENCHCOUNT) ./e2e

fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "fuzz $$pkg $$f"; \
	    $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

lint:
	@test -z "$$(gofmt -l .)" || { gofmt -l .; exit 1; }
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

check: lint test

readme: $(LIB)
	$(GO) run ./cmd/adreadme -lib ./$(LIB) -readme README.md

clean:
	rm -f $(LIB) libanomalydetection.h
