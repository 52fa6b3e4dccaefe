package validate

import "github.com/watt-wasm/watt/ir"

// checkConst validates a constant expression (global or table initialiser,
// segment offset or element) that must produce one value of type t and
// sees the first nglobals globals.
func (mc *moduleChecker) checkConst(expr []ir.Instr, t ir.ValType, pos ir.Pos, nglobals int) {
	if err := mc.fc.checkConst(expr, t, pos, nglobals); err != nil {
		mc.errs.Add(err)
	}
}

// checkConst first requires every instruction to be constant, as the
// reference interpreter does, then types the expression like a function body
// with result [t].
func (c *funcChecker) checkConst(expr []ir.Instr, t ir.ValType, pos ir.Pos, nglobals int) *ir.Error {
	c.reset(pos, nil, true)
	c.results = c.oneType(t)
	c.constGlobals = nglobals
	for i := range expr {
		in := &expr[i]
		if in.Op == ir.OpGlobalGet {
			if _, ok := c.global(in); !ok {
				return c.err
			}
			continue
		}
		if !c.isConstOp(in.Op) {
			c.failf(in, "constant expression required: %s is not constant", in.Op)
			return c.err
		}
	}
	c.pushFrame(kindConst, nil, c.results, expr, nil, nil)
	c.run()
	return c.err
}

// isConstOp reports whether op may appear in a constant expression.
// global.get is constant when its global is immutable (see global).
func (c *funcChecker) isConstOp(op ir.Op) bool {
	switch op {
	case ir.OpI32Const, ir.OpI64Const, ir.OpF32Const, ir.OpF64Const, ir.OpV128Const,
		ir.OpRefNull, ir.OpRefFunc, ir.OpGlobalGet:
		return true
	case ir.OpI32Add, ir.OpI32Sub, ir.OpI32Mul, ir.OpI64Add, ir.OpI64Sub, ir.OpI64Mul:
		return c.mc.features.Has(ir.FeatureExtendedConst)
	case ir.OpRefI31, ir.OpStructNew, ir.OpStructNewDefault, ir.OpArrayNew, ir.OpArrayNewDefault,
		ir.OpArrayNewFixed, ir.OpAnyConvertExtern, ir.OpExternConvertAny:
		return c.mc.features.Has(ir.FeatureGC)
	}
	return false
}
