package litmus

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"
)

// Verdict colours, shared by the bars and the legend.
var verdictColor = [...]string{
	SC:        "#3a8d3f",
	Racy:      "#e0a020",
	Forbidden: "#d0312d",
}

// SVG geometry, in pixels.
const (
	svgWidth   = 820
	svgPad     = 16
	svgRowH    = 22
	svgBarH    = 15
	svgCharW   = 7.3 // 12px monospace
	svgNumberW = 150 // count and percentage column
)

// WriteSVG draws histograms as horizontal bar charts, one under the other:
// a bar per outcome, its length the count on a log scale (rare weak
// outcomes stay visible next to common ones), coloured by verdict, with the
// count and percentage at the right. note, if not empty, is printed under
// the titles (machine, options). The output depends only on its inputs.
func WriteSVG(w io.Writer, hs []*Histogram, note string) error {
	var body strings.Builder
	y := svgPad
	for _, h := range hs {
		y = drawChart(&body, h, note, y) + svgPad
	}
	y = drawLegend(&body, y)
	height := y + svgPad
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">`+"\n",
		svgWidth, height, svgWidth, height)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", svgWidth, height)
	b.WriteString(body.String())
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func esc(s string) string { return html.EscapeString(s) }

// drawChart draws one histogram starting at y and returns the y below it.
func drawChart(b *strings.Builder, h *Histogram, note string, y int) int {
	t := h.Test
	rows := h.Rows()
	title := t.Name
	if h.Runs > 0 {
		title += fmt.Sprintf(" — %s runs", thousands(h.Runs))
	} else {
		title += " — allowed outcomes (model only)"
	}
	fmt.Fprintf(b, `<text x="%d" y="%d" font-size="16" font-weight="bold">%s</text>`+"\n", svgPad, y+16, esc(title))
	y += 24
	if note != "" {
		fmt.Fprintf(b, `<text x="%d" y="%d" fill="#555555">%s</text>`+"\n", svgPad, y+12, esc(note))
		y += 18
	}
	if t.Cond != nil {
		q := fmt.Sprintf("%s: %s runs; model: %s", t.Cond.Format(t), thousands(h.CondCount()), h.Model.CondVerdict())
		fmt.Fprintf(b, `<text x="%d" y="%d" fill="#555555">%s</text>`+"\n", svgPad, y+12, esc(q))
		y += 18
	}
	y += 6
	labelW := 0
	for _, r := range rows {
		labelW = max(labelW, len(t.Format(r.Outcome)))
	}
	x0 := svgPad + int(math.Ceil(float64(labelW)*svgCharW)) + 12
	barW := svgWidth - svgPad - svgNumberW - x0
	if barW < 120 {
		barW = 120
	}
	top := y
	scale := math.Log10(float64(h.Runs) + 1)
	// Decade gridlines: 1, 10, 100, … runs.
	if h.Runs > 0 {
		for p := 1; p <= h.Runs; p *= 10 {
			x := x0 + int(float64(barW)*math.Log10(float64(p)+1)/scale)
			fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#e4e4e4"/>`+"\n", x, top-2, x, top+len(rows)*svgRowH)
			fmt.Fprintf(b, `<text x="%d" y="%d" font-size="10" fill="#888888" text-anchor="middle">%s</text>`+"\n",
				x, top+len(rows)*svgRowH+12, shortCount(p))
		}
	}
	for _, r := range rows {
		color := verdictColor[r.Verdict]
		fmt.Fprintf(b, `<text x="%d" y="%d" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace">%s</text>`+"\n",
			svgPad, y+svgBarH-3, esc(t.Format(r.Outcome)))
		switch {
		case h.Runs == 0:
			fmt.Fprintf(b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"/>`+"\n", x0, y, svgBarH, svgBarH, color)
			fmt.Fprintf(b, `<text x="%d" y="%d" fill="#555555">%s</text>`+"\n", x0+svgBarH+8, y+svgBarH-3, esc(r.Verdict.String()))
		case r.Count == 0:
			fmt.Fprintf(b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="%s" stroke-dasharray="3,2"/>`+"\n",
				x0, y, 24, svgBarH-1, color)
			fmt.Fprintf(b, `<text x="%d" y="%d" fill="#777777" font-style="italic">not seen (%s)</text>`+"\n",
				x0+32, y+svgBarH-3, esc(r.Verdict.String()))
		default:
			wpx := max(2, int(math.Round(float64(barW)*math.Log10(float64(r.Count)+1)/scale)))
			fmt.Fprintf(b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%s: %s</title></rect>`+"\n",
				x0, y, wpx, svgBarH, color, esc(t.Format(r.Outcome)), esc(r.Verdict.String()))
		}
		if h.Runs > 0 {
			fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="end" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace">%s</text>`+"\n",
				svgWidth-svgPad-70, y+svgBarH-3, thousands(r.Count))
			fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="end" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" fill="#555555">%s</text>`+"\n",
				svgWidth-svgPad, y+svgBarH-3, percent(r.Count, h.Runs))
		}
		y += svgRowH
	}
	if h.Runs > 0 {
		y += 16 // gridline labels
	}
	return y
}

func drawLegend(b *strings.Builder, y int) int {
	x := svgPad
	for v, label := range []string{"SC", "allowed: racy non-atomic (not SC)", "forbidden"} {
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="12" height="12" fill="%s"/>`+"\n", x, y, verdictColor[v])
		fmt.Fprintf(b, `<text x="%d" y="%d">%s</text>`+"\n", x+17, y+10, esc(label))
		x += 17 + int(float64(len(label))*6.6) + 24
	}
	fmt.Fprintf(b, `<text x="%d" y="%d" fill="#888888" text-anchor="end">bar length: log scale</text>`+"\n", svgWidth-svgPad, y+10)
	return y + 14
}

// thousands formats n with comma separators.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func shortCount(n int) string {
	switch {
	case n >= 1_000_000:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n >= 1000:
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}
