package wat

import (
	"bytes"
	"errors"
	"math/rand"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/internal/testsuite"

	"github.com/watt-wasm/watt/ir"
)

const parseDeepNest = 100000

// blockDepth measures the nesting of the first instruction's chain of
// single-instruction bodies, iteratively.
func parseBlockDepth(body []ir.Instr) int {
	d := 0
	for len(body) > 0 {
		d++
		in := &body[len(body)-1]
		if in.Op != ir.OpBlock && in.Op != ir.OpLoop && in.Op != ir.OpIf {
			return d
		}
		body = in.Body
	}
	return d
}

func TestDeeplyNestedBlocks(t *testing.T) {
	folded := "(func " + strings.Repeat("(block ", parseDeepNest) + "(br 99999)" + strings.Repeat(")", parseDeepNest) + ")"
	flat := "(func " + strings.Repeat("block ", parseDeepNest) + "br 99999 " + strings.Repeat("end ", parseDeepNest) + ")"
	labelled := "(func " + strings.Repeat("loop $l ", parseDeepNest) + "br $l " + strings.Repeat("end $l ", parseDeepNest) + ")"
	for name, src := range map[string]string{"folded": folded, "flat": flat, "labelled": labelled} {
		m, err := ParseModule(ir.NewSource(name, []byte(src), false), parseThreadsOn)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if d := parseBlockDepth(m.Funcs[0].Body); d != parseDeepNest+1 {
			t.Errorf("%s: depth %d, want %d", name, d, parseDeepNest+1)
		}
	}
	// The innermost labelled br refers to the innermost loop.
	m, _ := ParseModule(ir.NewSource("l", []byte(labelled), false), parseThreadsOn)
	body := m.Funcs[0].Body
	for len(body) == 1 && body[0].Op == ir.OpLoop {
		body = body[0].Body
	}
	if body[0].Op != ir.OpBr || body[0].Index != 0 {
		t.Errorf("innermost br = %v %d", body[0].Op, body[0].Index)
	}
}

func TestDeeplyNestedOperands(t *testing.T) {
	src := "(func (result i32) " + strings.Repeat("(i32.eqz ", parseDeepNest) + "(i32.const 0)" + strings.Repeat(")", parseDeepNest) + ")"
	m, err := ParseModule(ir.NewSource("ops", []byte(src), false), parseThreadsOn)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(m.Funcs[0].Body); n != parseDeepNest+1 {
		t.Errorf("%d instructions, want %d", n, parseDeepNest+1)
	}
	// Unclosed deep nesting is an error, not a crash.
	_, err = ParseModule(ir.NewSource("open", []byte("(func "+strings.Repeat("(block ", parseDeepNest)), false), parseThreadsOn)
	if err == nil {
		t.Error("unclosed nest parsed")
	}
}

// TestHugeStringLiteral checks that a large data string is decoded with
// memory proportional to its size: the parser allocates at most about
// the literal's length once more (documented bound: 2x the input in all,
// counting the input itself). A 1 GB literal behaves the same, scaled.
func TestHugeStringLiteral(t *testing.T) {
	const size = 32 << 20
	var b bytes.Buffer
	b.WriteString(`(memory 1) (data (i32.const 0) "`)
	chunk := strings.Repeat("abcdefg\\00", 16) // 160 bytes of text, 128 decoded
	chunks := 0
	for ; b.Len() < size; chunks++ {
		b.WriteString(chunk)
	}
	b.WriteString(`")`)
	src := b.Bytes()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m, err := ParseModule(ir.NewSource("big", src, false), parseThreadsOn)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(m.Datas[0].Init); got != chunks*128 {
		t.Errorf("decoded %d bytes, want %d", got, chunks*128)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; !raceDetector && alloc > uint64(len(src))*11/10 {
		t.Errorf("parsing a %d-byte literal allocated %d bytes, want at most 1.1x", len(src), alloc)
	}
	// An unterminated huge string is a clean error.
	_, err = ParseModule(ir.NewSource("big", src[:len(src)-2], false), parseThreadsOn)
	if err == nil || !strings.Contains(err.Error(), "unexpected end of input") {
		t.Errorf("unterminated literal: %v", err)
	}
}

// checkParseError requires err to be nil or a positioned malformed error
// inside the source.
func parseCheckError(t *testing.T, name string, src []byte, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var list ir.ErrorList
	if !errors.As(err, &list) || len(list) == 0 {
		t.Fatalf("%s: error %T %v is not an ir.ErrorList", name, err, err)
	}
	e := list[0]
	if e.Kind != ir.Malformed || !e.Pos.IsValid() || e.Pos.Offset() > len(src) || e.Msg == "" {
		t.Fatalf("%s: bad error %+v", name, e)
	}
}

func TestRandomInputs(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	alphabet := []byte("()$\";. \n\tabcdefghijklmnopqrstuvwxyz0123456789_+-=:\\xpnfuin\x00\xff")
	words := []string{"(module", "(func", "(block", "(if", "(then", "(else", "end", "(param", "(result",
		"i32", "i32.const", "f64.const", "v128.const", "i32x4", "(memory", "(data", "(elem", "(table",
		"funcref", "(export", "\"x\"", "$a", "0x1p3", "nan:0x1", ")", ")", ")", "(;", ";)", ";;\n",
		"offset=4", "align=8", "(assert_return", "(invoke", "(thread", "(wait", "(module quote"}
	for i := 0; i < 3000; i++ {
		var b []byte
		n := rng.Intn(200)
		if i%2 == 0 {
			for j := 0; j < n; j++ {
				b = append(b, alphabet[rng.Intn(len(alphabet))])
			}
		} else {
			for j := 0; j < n/4; j++ {
				b = append(b, words[rng.Intn(len(words))]...)
				b = append(b, ' ')
			}
		}
		_, err := ParseModule(ir.NewSource("rand", b, false), parseThreadsOn)
		parseCheckError(t, string(b), b, err)
		_, err = ParseScript(ir.NewSource("rand", b, false), parseThreadsOn)
		parseCheckError(t, string(b), b, err)
	}
}

// TestTruncatedSuiteFiles cuts suite scripts at many points: every cut
// parses or fails with a positioned error, never panics or hangs.
func TestTruncatedSuiteFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	dir := testsuite.Dir(t)
	for _, name := range []string{"threads/atomic.wast", "simd/simd_const.wast", "elem.wast", "names.wast"} {
		data, err := os.ReadFile(dir + "/" + name)
		if errors.Is(err, os.ErrNotExist) {
			continue // a suite checkout laid out differently
		}
		if err != nil {
			t.Fatal(err)
		}
		step := max(1, len(data)/80)
		for cut := 0; cut < len(data); cut += step {
			b := data[:cut]
			_, err := ParseScript(ir.NewSource(name, b, false), parseThreadsOn)
			parseCheckError(t, name, b, err)
			// Flip one byte too.
			c := bytes.Clone(data)
			c[cut] ^= 0x28
			_, err = ParseScript(ir.NewSource(name, c, false), parseThreadsOn)
			parseCheckError(t, name, c, err)
		}
	}
}
