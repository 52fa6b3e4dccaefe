package wat

import (
	"math"
	"strconv"

	"github.com/watt-wasm/watt/ir"
)

// f32 writes an f32.const immediate as wabt does: the exact value as a hex
// float, then a comment with C's %g of it ("0x1p+0 (;=1;)").
func (p *printer) f32(v uint32) {
	p.num = ir.AppendHexFloat(p.num[:0], uint64(v), 23, 8)
	p.putBytes(p.num)
	p.num = append(p.num[:0], "(;="...)
	p.num = printAppendG(p.num, float64(math.Float32frombits(v)))
	p.num = append(p.num, ";)"...)
	p.putBytes(p.num)
}

func (p *printer) f64(v uint64) {
	p.num = ir.AppendHexFloat(p.num[:0], v, 52, 11)
	p.putBytes(p.num)
	p.num = append(p.num[:0], "(;="...)
	p.num = printAppendG(p.num, math.Float64frombits(v))
	p.num = append(p.num, ";)"...)
	p.putBytes(p.num)
}

// printAppendG formats f as C's printf("%g"): six significant digits,
// trailing zeros dropped, "inf", "nan", "-nan".
func printAppendG(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		if math.Signbit(f) {
			return append(b, "-nan"...)
		}
		return append(b, "nan"...)
	case math.IsInf(f, 1):
		return append(b, "inf"...)
	case math.IsInf(f, -1):
		return append(b, "-inf"...)
	}
	return strconv.AppendFloat(b, f, 'g', 6, 64)
}
