//go:build !linux

package binary

import "github.com/watt-wasm/watt/ir"

// prepareSlab is a no-op where the Linux memory advice is not available.
func prepareSlab([]ir.Instr) {}
