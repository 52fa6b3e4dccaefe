package spectest

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"
	"sync"

	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
)

// HostModule builds the `spectest` module that the official scripts import:
// print functions, the four globals (666 / 666.6), a 10..20 funcref table
// (and its i64-indexed twin table64), a 1..2 page memory and the threads
// proposal's 1..2 page shared memory. The
// print functions write to out (which may be nil) as the reference
// interpreter does, one call per line.
func HostModule(store *interp.Store, out io.Writer) (interp.ImportMap, error) {
	var mu sync.Mutex // print may be called from many threads at once
	printer := func(ft ir.FuncType) *interp.Function {
		return store.NewHostFunc(ft, func(_ context.Context, args []interp.Value) ([]interp.Value, error) {
			if out == nil {
				return nil, nil
			}
			parts := make([]string, len(args))
			for i, a := range args {
				parts[i] = formatPrinted(a)
			}
			mu.Lock()
			defer mu.Unlock()
			_, err := fmt.Fprintln(out, strings.Join(parts, " "))
			return nil, err
		})
	}
	fields := map[string]interp.Extern{
		"print":         printer(ir.FuncType{}),
		"print_i32":     printer(ir.FuncType{Params: []ir.ValType{ir.I32}}),
		"print_i64":     printer(ir.FuncType{Params: []ir.ValType{ir.I64}}),
		"print_f32":     printer(ir.FuncType{Params: []ir.ValType{ir.F32}}),
		"print_f64":     printer(ir.FuncType{Params: []ir.ValType{ir.F64}}),
		"print_i32_f32": printer(ir.FuncType{Params: []ir.ValType{ir.I32, ir.F32}}),
		"print_f64_f64": printer(ir.FuncType{Params: []ir.ValType{ir.F64, ir.F64}}),
	}
	globals := []struct {
		name string
		v    interp.Value
	}{
		{"global_i32", interp.I32(666)},
		{"global_i64", interp.I64(666)},
		{"global_f32", interp.F32(666.6)},
		{"global_f64", interp.F64(666.6)},
	}
	for _, g := range globals {
		gl, err := interp.NewGlobal(ir.GlobalType{Type: g.v.Type}, g.v)
		if err != nil {
			return nil, err
		}
		fields[g.name] = gl
	}
	table, err := interp.NewTable(ir.TableType{Elem: ir.FuncRef, Limits: ir.Limits{Min: 10, Max: 20, HasMax: true}}, interp.NullRef(ir.FuncRef))
	if err != nil {
		return nil, err
	}
	fields["table"] = table
	table64, err := interp.NewTable(ir.TableType{Elem: ir.FuncRef, Limits: ir.Limits{Min: 10, Max: 20, HasMax: true, Is64: true}}, interp.NullRef(ir.FuncRef))
	if err != nil {
		return nil, err
	}
	fields["table64"] = table64
	mem, err := interp.NewMemory(ir.MemoryType{Limits: ir.Limits{Min: 1, Max: 2, HasMax: true}})
	if err != nil {
		return nil, err
	}
	fields["memory"] = mem
	shared, err := interp.NewMemory(ir.MemoryType{Limits: ir.Limits{Min: 1, Max: 2, HasMax: true}, Shared: true})
	if err != nil {
		return nil, err
	}
	fields["shared_memory"] = shared
	return interp.ImportMap{"spectest": fields}, nil
}

// formatPrinted formats a printed argument like the reference interpreter:
// "42 : i32".
func formatPrinted(v interp.Value) string {
	switch v.Type {
	case ir.I32:
		return fmt.Sprintf("%d : i32", v.Int32())
	case ir.I64:
		return fmt.Sprintf("%d : i64", v.Int64())
	case ir.F32:
		return fmt.Sprintf("%v : f32", float64(math.Float32frombits(uint32(v.Lo))))
	case ir.F64:
		return fmt.Sprintf("%v : f64", v.Float64())
	}
	return v.String()
}
