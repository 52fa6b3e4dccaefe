# watt: build, test and tooling. `make test` is the whole test suite; CI
# runs .ci/run, which installs wabt if needed and then runs `make test`.

GO        ?= go
BIN       ?= bin
FUZZTIME  ?= 10s
# Minimising each new corpus entry takes up to 60s by default, which would
# eat a short run; keep it brief.
FUZZMINIMIZETIME ?= 2s
BENCHRUNS ?= 5

.PHONY: all build test vet generate check-generated bench bench-tools bench-interp fuzz clean

all: build vet test

# Compile everything and put the tools (wat2wasm, wasm2wat, wasm-validate,
# wasm-objdump, wasm-strip, wat-desugar, wast2json, wasm-interp,
# spectest-interp, wasm-litmus) in $(BIN)/.
build:
	$(GO) build ./...
	$(GO) build -o $(BIN)/ ./cmd/...

test:
	$(GO) test ./...

vet:
	$(GO) vet ./...
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi

generate:
	$(GO) generate ./...

# Fails if a checked-in generated file (ir/op_gen.go) is stale.
check-generated: generate
	git diff --exit-code -- $$(git grep -l '^// Code generated .* DO NOT EDIT\.$$' -- '*.go')

# Benchmarks (see BENCHMARKS.md): watt's tools against wabt's on large
# generated inputs (inputs and results in bench/out/, git-ignored), and the
# interpreter against wazero and wabt's wasm-interp (bench/interp is its own
# module so that watt never depends on wazero).
bench: bench-tools bench-interp

bench-tools:
	$(GO) run ./bench -runs $(BENCHRUNS) -out bench/out

bench-interp:
	cd bench/interp && $(GO) run . -runs $(BENCHRUNS)

# Run every native fuzz target for $(FUZZTIME) each (go test -fuzz takes one
# target in one package at a time).
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
		for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "== $$pkg $$target"; \
			$(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) $$pkg; \
		done; \
	done

clean:
	rm -rf $(BIN) bench/out
