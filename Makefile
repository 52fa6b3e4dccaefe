# watt: build, test and tooling. `make test` is the whole test suite; CI
# runs .ci/run, which installs wabt if needed and then runs `make test`.

GO        ?= go
BIN       ?= bin
FUZZTIME  ?= 10s
# Minimising each new corpus entry takes up to 60s by default, which would
# eat a short run; keep it brief.
FUZZMINIMIZETIME ?= 2s
BENCHRUNS ?= 3

.PHONY: all build test vet generate check-generated bench fuzz clean

all: build vet test

# Compile everything and put the tools (wat2wasm, wasm2wat, wasm-validate,
# wasm-interp, spectest-interp) in $(BIN)/.
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

# Compare watt's tools with wabt's on large generated inputs (see
# BENCHMARKS.md). Inputs and results go to bench/out/ (git-ignored).
bench:
	$(GO) run ./bench -runs $(BENCHRUNS) -out bench/out

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
