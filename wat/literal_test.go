package wat

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestLiteralInt(t *testing.T) {
	tests := []struct {
		in   string
		bits uint
		want uint64
		err  string
	}{
		{"0", 32, 0, ""},
		{"42", 32, 42, ""},
		{"+42", 32, 42, ""},
		{"-1", 32, 0xffffffff, ""},
		{"0xffffffff", 32, 0xffffffff, ""},
		{"4294967295", 32, 0xffffffff, ""},
		{"-2147483648", 32, 0x80000000, ""},
		{"-0x8000_0000", 32, 0x80000000, ""},
		{"1_000_000", 32, 1000000, ""},
		{"0xdead_BEEF", 32, 0xdeadbeef, ""},
		{"4294967296", 32, 0, "constant out of range"},
		{"-2147483649", 32, 0, "constant out of range"},
		{"+4294967295", 32, 0xffffffff, ""},
		{"+4294967296", 32, 0, "constant out of range"},
		{"0x100000000", 32, 0, "constant out of range"},
		{"18446744073709551615", 64, math.MaxUint64, ""},
		{"-9223372036854775808", 64, 1 << 63, ""},
		{"18446744073709551616", 64, 0, "constant out of range"},
		{"-9223372036854775809", 64, 0, "constant out of range"},
		{"99999999999999999999999", 64, 0, "constant out of range"},
		{"-128", 8, 0x80, ""},
		{"255", 8, 0xff, ""},
		{"256", 8, 0, "constant out of range"},
		{"0x", 32, 0, "unexpected token"},
		{"1x", 32, 0, "unexpected token"},
		{"0xg", 32, 0, "unexpected token"},
		{"_1", 32, 0, "unexpected token"},
		{"1_", 32, 0, "unexpected token"},
		{"1__0", 32, 0, "unexpected token"},
		{"0x_1", 32, 0, "unexpected token"},
		{"-", 32, 0, "unexpected token"},
		{"", 32, 0, "unexpected token"},
	}
	for _, tt := range tests {
		got, err := literalInt([]byte(tt.in), tt.bits)
		if got != tt.want || err != tt.err {
			t.Errorf("literalInt(%q, %d) = %#x, %q; want %#x, %q", tt.in, tt.bits, got, err, tt.want, tt.err)
		}
	}
}

func TestLiteralFloat(t *testing.T) {
	tests := []struct {
		in   string
		bits int
		want uint64
		err  string
	}{
		{"0", 32, 0, ""},
		{"-0", 32, 0x80000000, ""},
		{"1", 32, 0x3f800000, ""},
		{"1.5", 64, 0x3ff8000000000000, ""},
		{"1.", 64, 0x3ff0000000000000, ""},
		{"1e3", 64, math.Float64bits(1000), ""},
		{"1E+3", 64, math.Float64bits(1000), ""},
		{"1_000.000_1", 64, math.Float64bits(1000.0001), ""},
		{"0x1p3", 64, math.Float64bits(8), ""},
		{"0x1.8", 64, math.Float64bits(1.5), ""},
		{"0x1.8P-1", 64, math.Float64bits(0.75), ""},
		{"0xA.8p0", 32, uint64(math.Float32bits(10.5)), ""},
		{"inf", 32, 0x7f800000, ""},
		{"-inf", 64, 0xfff0000000000000, ""},
		{"nan", 32, 0x7fc00000, ""},
		{"-nan", 64, 0xfff8000000000000, ""},
		{"nan:0x1", 32, 0x7f800001, ""},
		{"+nan:0x7f_ffff", 32, 0x7fffffff, ""},
		{"nan:0xf_ffff_ffff_ffff", 64, 0x7fffffffffffffff, ""},
		{"nan:0x0", 32, 0, "constant out of range"},
		{"nan:0x80_0000", 32, 0, "constant out of range"},
		{"nan:1", 32, 0, "unexpected token"},
		// Round to nearest, ties to even, directly to f32 (no double
		// rounding through f64).
		{"0x1.000001p0", 32, 0x3f800000, ""},               // tie, rounds to even (down)
		{"0x1.000003p0", 32, 0x3f800002, ""},               // tie, rounds to even (up)
		{"0x1.00000100000000000001p0", 32, 0x3f800001, ""}, // just above the tie
		{"1.000000059604644775390625", 32, 0x3f800000, ""}, // decimal tie to even
		{"1.00000005960464477539062500001", 32, 0x3f800001, ""},
		{"0x1.fffffefffffffffffp127", 32, 0x7f7fffff, ""},
		{"0x1p-149", 32, 1, ""},
		{"0x1p-150", 32, 0, ""}, // tie between 0 and the smallest subnormal: even is 0
		{"0x1.000000000000000001p-150", 32, 1, ""},
		{"0x1p-1074", 64, 1, ""},
		// A leading hex digit above 1 shifts where rounding happens
		// (wabt 1.0.32 gets these wrong; the spec wants them rounded).
		{"0xc.0596ebp29", 32, 0x4fc0596f, ""},
		{"0x2.000003p0", 32, 0x40000001, ""},
		{"0xd.cea66dfb32856p439", 64, 0x5b9b9d4cdbf6650b, ""},
		{"4.9406564584124654e-324", 64, 1, ""},
		{"1e39", 32, 0, "constant out of range"},
		{"0x1p128", 32, 0, "constant out of range"},
		{"0x1.ffffffp127", 32, 0, "constant out of range"},
		{"1e309", 64, 0, "constant out of range"},
		{"0x1p1024", 64, 0, "constant out of range"},
		{".0", 32, 0, "unexpected token"},
		{"0e", 32, 0, "unexpected token"},
		{"0.0e-", 32, 0, "unexpected token"},
		{"0x", 32, 0, "unexpected token"},
		{"0x.", 32, 0, "unexpected token"},
		{"0x0.g", 32, 0, "unexpected token"},
		{"0x0p", 32, 0, "unexpected token"},
		{"0x0pA", 32, 0, "unexpected token"},
		{"1x", 32, 0, "unexpected token"},
		{"infinity", 32, 0, "unexpected token"},
		{"1__0", 32, 0, "unexpected token"},
	}
	for _, tt := range tests {
		got, err := literalFloat([]byte(tt.in), tt.bits)
		if got != tt.want || err != tt.err {
			t.Errorf("literalFloat(%q, %d) = %#x, %q; want %#x, %q", tt.in, tt.bits, got, err, tt.want, tt.err)
		}
	}
}

func TestLiteralFloatLongDecimal(t *testing.T) {
	// The largest f64 written out in full, plus a long tail of zeros.
	max := "179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368"
	got, err := literalFloat([]byte(max+".000000000000000000000000000000"), 64)
	if err != "" || got != math.Float64bits(math.MaxFloat64) {
		t.Errorf("max f64 = %#x, %q", got, err)
	}
}

func TestLiteralString(t *testing.T) {
	tests := []struct{ in, want string }{
		{`""`, ""},
		{`"abc"`, "abc"},
		{`"\t\n\r\"\'\\"`, "\t\n\r\"'\\"},
		{`"\00\ff\7F"`, "\x00\xff\x7f"},
		{`"\u{0}\u{41}\u{10FFFF}"`, "\x00A\U0010ffff"},
		{`"\u{1_F600}"`, "😀"},
		{`"héllo ☃"`, "héllo ☃"},
	}
	for _, tt := range tests {
		if got := string(literalString(nil, []byte(tt.in))); got != tt.want {
			t.Errorf("literalString(%s) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestScanStringErrors(t *testing.T) {
	tests := []struct{ in, err string }{
		{`"abc`, "unexpected end of input in string"},
		{"\"a\nb\"", "unexpected end of line in string"},
		{"\"a\x01\"", "illegal control character in string"},
		{`"\q"`, "illegal escape"},
		{`"\f"`, "illegal escape"},
		{`"\u{D800}"`, "illegal escape"},
		{`"\u{110000}"`, "illegal escape"},
		{`"\u{}"`, "illegal escape"},
		{`"\u41"`, "illegal escape"},
		{"\"\xff\"", "malformed UTF-8 encoding"},
		{"\"\xed\xa0\x80\"", "malformed UTF-8 encoding"}, // encoded surrogate
	}
	for _, tt := range tests {
		s := scanner{src: []byte(tt.in)}
		tok := s.next()
		if tok.kind != scanError || !strings.HasPrefix(s.errMsg, tt.err) {
			t.Errorf("scan %q: kind %d msg %q, want error %q", tt.in, tok.kind, s.errMsg, tt.err)
		}
	}
}

func TestScanTokens(t *testing.T) {
	src := `(module $m ;; line comment
	  (; block (; nested ;) comment ;) "str\"ing" 0x1_0 -1.5 nan:0x1 offset=4 data"a" $"q\41" $"a"b (@x "s" (y)) )`
	want := []struct {
		kind scanKind
		text string
	}{
		{scanLParen, "("}, {scanKeyword, "module"}, {scanID, "$m"},
		{scanString, `"str\"ing"`}, {scanNumber, "0x1_0"}, {scanNumber, "-1.5"},
		{scanKeyword, "nan:0x1"}, {scanKeyword, "offset=4"}, {scanReserved, `data"a"`},
		{scanID, `$"q\41"`}, {scanReserved, `$"a"b`}, {scanRParen, ")"}, {scanEOF, ""},
	}
	s := scanner{src: []byte(src)}
	for i, w := range want {
		tok := s.next()
		if got := src[tok.start:tok.end]; tok.kind != w.kind || got != w.text {
			t.Fatalf("token %d = %d %q, want %d %q", i, tok.kind, got, w.kind, w.text)
		}
	}
	for _, bad := range []string{"(; unclosed", "(; (; ;)", "\x01", "é", "[", "{", "$", `$""`, "$\"a\nb\"", "(@", "(@x", "(@x \x01)"} {
		s := scanner{src: []byte(bad)}
		if tok := s.next(); tok.kind != scanError {
			t.Errorf("scan %q: kind %d, want an error", bad, tok.kind)
		}
	}
}

// TestScanSkipForm compares the skipper with a byte-by-byte one on random
// text of the bytes it stops at, some of it around the ends of its search
// windows.
func TestScanSkipForm(t *testing.T) {
	ref := func(src []byte, i int) (int, bool, bool) {
		depth, annot := 1, false
		for i < len(src) {
			switch c := src[i]; {
			case c == '(' && i+1 < len(src) && src[i+1] == ';':
				end, ok := scanBlockComment(src, i)
				if !ok {
					return len(src), false, annot
				}
				i = end
				continue
			case c == '(':
				annot = annot || i+1 < len(src) && src[i+1] == '@'
				depth++
			case c == ')':
				if depth--; depth == 0 {
					return i + 1, true, annot
				}
			case c == ';' && i+1 < len(src) && src[i+1] == ';':
				for i < len(src) && src[i] != '\n' && src[i] != '\r' {
					i++
				}
				continue
			case c == '"':
				i++
				for i < len(src) && src[i] != '"' {
					if src[i] == '\n' {
						return i, false, annot
					}
					if src[i] == '\\' {
						i++
					}
					i++
				}
				if i >= len(src) {
					return len(src), false, annot
				}
			}
			i++
		}
		return len(src), false, annot
	}
	rng := rand.New(rand.NewPCG(3, 4))
	const alphabet = "()();;\"\\@ a\n\r"
	for n := range 3000 {
		size := rng.IntN(64)
		if n%10 == 0 {
			size = scanSkipWindow*2 + rng.IntN(64) - 32
		}
		src := make([]byte, size)
		for i := range src {
			if n%10 == 0 && rng.IntN(8) != 0 {
				src[i] = 'x' // long runs without stops
				continue
			}
			src[i] = alphabet[rng.IntN(len(alphabet))]
		}
		for i := 0; i <= len(src); i += 1 + len(src)/8 {
			e1, ok1, a1 := scanSkipFormAnnot(src, i)
			e2, ok2, a2 := ref(src, i)
			if e1 != e2 || ok1 != ok2 || a1 != a2 {
				t.Fatalf("%q from %d: %d %v %v, want %d %v %v", src, i, e1, ok1, a1, e2, ok2, a2)
			}
		}
	}
}
