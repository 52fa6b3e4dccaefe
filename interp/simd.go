package interp

// simd executes the SIMD instructions.
func (t *thread) simd(in *instr, l []uint64, inst *Instance, fc *funcCode) {
	panic(t.trapAt(t.pc, "interp: SIMD not implemented yet"))
}
