module github.com/watt-wasm/watt

go 1.26
