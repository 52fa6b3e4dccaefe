module github.com/watt-wasm/watt/bench/interp

go 1.26

require (
	github.com/tetratelabs/wazero v1.12.0
	github.com/watt-wasm/watt v0.0.0
)

require golang.org/x/sys v0.44.0 // indirect

replace github.com/watt-wasm/watt => ../..
