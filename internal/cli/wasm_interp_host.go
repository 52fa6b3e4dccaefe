package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
)

// hostImports provides wasm-interp's own imports: host.print
// (--host-print) and zero-returning dummies for everything else
// (--dummy-import-func). Functions are made per import, with the type the
// module declares, and cached so every instance links the same ones.
type hostImports struct {
	store        *interp.Store
	mod          *interp.Module
	out          io.Writer
	print, dummy bool
	made         map[[2]string]*interp.Function
}

func (h *hostImports) resolver() interp.Imports {
	if !h.print && !h.dummy {
		return nil
	}
	h.made = map[[2]string]*interp.Function{}
	for _, im := range h.mod.IR.Imports {
		if im.Kind != ir.ExternFunc {
			continue
		}
		isPrint := h.print && im.Module == "host" && im.Name == "print"
		if !isPrint && !h.dummy {
			continue
		}
		ft := h.mod.IR.Types[im.Func].FuncType
		h.made[[2]string{im.Module, im.Name}] = h.store.NewHostFunc(ft, h.logCall(im.Module+"."+im.Name, ft))
	}
	return interp.ImportFunc(func(module, name string) (interp.Extern, bool) {
		f, ok := h.made[[2]string{module, name}]
		return f, ok
	})
}

// logCall prints "called host mod.name(args) => results" and returns zero
// values, as wabt's host.print and dummy imports do.
func (h *hostImports) logCall(name string, ft ir.FuncType) interp.HostFunc {
	return func(ctx context.Context, args []interp.Value) ([]interp.Value, error) {
		res := make([]interp.Value, len(ft.Results))
		for i, t := range ft.Results {
			res[i] = interp.Zero(t)
		}
		arrow := " =>"
		if len(res) > 0 {
			arrow += " " + formatValues(res)
		}
		fmt.Fprintf(h.out, "called host %s(%s)%s\n", name, formatValues(args), arrow)
		return res, nil
	}
}
