package litmus

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const sbText = `WASM SB
{ x=0; y=0; }
 P0              | P1              ;
 i32.store x 1   | i32.store y 1   ;
 r0 = i32.load y | r1 = i32.load x ;
exists (0:r0=0 /\ 1:r1=0)
`

// sbHistogram is a histogram with made-up counts, one forbidden.
func sbHistogram(t *testing.T) *Histogram {
	lt := mustParse(t, sbText)
	h := newHistogram(lt, mustModel(t, lt))
	h.Add(Outcome{0, 1}, 600)
	h.Add(Outcome{1, 0}, 390)
	h.Add(Outcome{0, 0}, 8)
	h.Add(Outcome{2, 0}, 2)
	h.Runs = 1000
	return h
}

func TestHistogramPrint(t *testing.T) {
	h := sbHistogram(t)
	var b bytes.Buffer
	h.Print(&b, true)
	want := `SB: 1000 runs in 0s
  outcome        count         %  verdict
  0:r0=0 1:r1=1    600   60.000%  SC
  0:r0=1 1:r1=0    390   39.000%  SC
  0:r0=1 1:r1=1      0    0.000%  SC
  0:r0=0 1:r1=0      8    0.800%  allowed (racy non-atomic)
      race: P0: i32.store x 1  /  P1: r1 = i32.load x
      race: P0: r0 = i32.load y  /  P1: i32.store y 1
  0:r0=2 1:r1=0      2    0.200%  forbidden
  exists (0:r0=0 /\ 1:r1=0): 8 of 1000 runs (0.800%); model: not SC; allowed (racy non-atomic)
  FORBIDDEN: 2 of 1000 runs gave outcomes the memory model forbids
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if h.ByVerdict(SC) != 990 || h.ByVerdict(Racy) != 8 || h.Forbidden() != 2 || h.CondCount() != 8 {
		t.Errorf("sums %d %d %d %d", h.ByVerdict(SC), h.ByVerdict(Racy), h.Forbidden(), h.CondCount())
	}
	// Model only.
	h.Runs = 0
	b.Reset()
	h.Print(&b, false)
	if !strings.Contains(b.String(), "SB: model only (no runs)") || !strings.Contains(b.String(), "exists (0:r0=0 /\\ 1:r1=0): model: not SC; allowed (racy non-atomic)") {
		t.Errorf("model only:\n%s", b.String())
	}
}

// svgElem is what the test looks at in the SVG.
type svgElem struct {
	name  string
	attrs map[string]string
	text  string
}

func parseSVG(t *testing.T, data []byte) []svgElem {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	var out []svgElem
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			e := svgElem{name: tok.Name.Local, attrs: map[string]string{}}
			for _, a := range tok.Attr {
				e.attrs[a.Name.Local] = a.Value
			}
			out = append(out, e)
		case xml.CharData:
			if len(out) > 0 {
				out[len(out)-1].text += string(tok)
			}
		}
	}
	return out
}

func TestSVG(t *testing.T) {
	h := sbHistogram(t)
	var b bytes.Buffer
	if err := WriteSVG(&b, []*Histogram{h}, "note <here>"); err != nil {
		t.Fatal(err)
	}
	elems := parseSVG(t, b.Bytes())
	if elems[0].name != "svg" {
		t.Fatalf("root is %s", elems[0].name)
	}
	// One filled bar per outcome seen, in its verdict's colour; the unseen
	// SC outcome is drawn dashed.
	bars := map[string]int{}
	dashed := 0
	texts := map[string]bool{}
	for _, e := range elems {
		if e.name == "rect" && e.attrs["fill"] == "none" {
			dashed++
		} else if e.name == "rect" && e.attrs["height"] == "15" {
			bars[e.attrs["fill"]]++
		}
		if e.name == "text" {
			texts[strings.TrimSpace(e.text)] = true
		}
	}
	want := map[string]int{verdictColor[SC]: 2, verdictColor[Racy]: 1, verdictColor[Forbidden]: 1}
	if diff := cmp.Diff(want, bars); diff != "" || dashed != 1 {
		t.Errorf("bars (-want +got):\n%s (dashed %d)", diff, dashed)
	}
	for _, s := range []string{"SB — 1,000 runs", "note <here>", "0:r0=0 1:r1=0", "600", "60.000%", "forbidden", "not seen (SC)"} {
		if !texts[s] {
			t.Errorf("no text %q", s)
		}
	}
	// Same input, same bytes.
	var again bytes.Buffer
	_ = WriteSVG(&again, []*Histogram{h}, "note <here>")
	if !bytes.Equal(b.Bytes(), again.Bytes()) {
		t.Error("SVG output is not deterministic")
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567"} {
		if got := thousands(n); got != want {
			t.Errorf("%d: %s", n, got)
		}
	}
}

// The forbidden outcomes a question asks about are listed even when no run
// produced them, so the histogram shows what the model rules out.
func TestHistogramQuestionRows(t *testing.T) {
	lt := mustParse(t, `WASM MP_atomic
{ x=0; y=0; }
 P0                   | P1                     ;
 i32.atomic.store x 1 | r0 = i32.atomic.load y ;
 i32.atomic.store y 1 | r1 = i32.atomic.load x ;
exists (1:r0=1 /\ 1:r1=0)
`)
	h := newHistogram(lt, mustModel(t, lt))
	rows := h.Rows()
	last := rows[len(rows)-1]
	if len(rows) != 4 || lt.Format(last.Outcome) != "1:r0=1 1:r1=0" || last.Verdict != Forbidden || last.Count != 0 {
		t.Errorf("rows %+v", rows)
	}
	if h.Forbidden() != 0 {
		t.Errorf("%d forbidden runs before any run", h.Forbidden())
	}
}
