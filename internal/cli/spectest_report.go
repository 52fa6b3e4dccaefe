package cli

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"
)

// reporter prints spectest-interp's results as files finish.
type reporter interface {
	file(r *fileReport)
	total(passed, failed int, elapsed time.Duration)
}

// textReporter prints, for each file as it finishes, its failures and a
// "file: N passed, N failed" line; then the total. quiet leaves out the
// lines of files without failures.
type textReporter struct {
	w     io.Writer
	quiet bool
}

func (t *textReporter) file(r *fileReport) {
	printFileFailures(t.w, r)
	if !t.quiet || r.Failed > 0 {
		fmt.Fprintf(t.w, "%s: %d passed, %d failed\n", r.File, r.Passed, r.Failed)
	}
}

func (t *textReporter) total(passed, failed int, _ time.Duration) {
	fmt.Fprintf(t.w, "total: %d passed, %d failed\n", passed, failed)
}

func printFileFailures(w io.Writer, r *fileReport) {
	if r.Error != "" {
		fmt.Fprintln(w, r.Error)
	}
	for _, c := range r.Commands {
		if c.Failed {
			fmt.Fprintln(w, c.Text)
		}
	}
}

// progressReporter is the terminal's: failures (with their file's line) as
// they come, and one progress line rewritten in place.
type progressReporter struct {
	w              io.Writer
	files, done    int
	passed, failed int
}

const clearLine = "\r\x1b[K"

func (p *progressReporter) file(r *fileReport) {
	p.done++
	p.passed += r.Passed
	p.failed += r.Failed
	if r.Failed > 0 {
		io.WriteString(p.w, clearLine)
		printFileFailures(p.w, r)
		fmt.Fprintf(p.w, "%s: %d passed, %d failed\n", r.File, r.Passed, r.Failed)
	}
	fmt.Fprintf(p.w, "%s[%d/%d files] %d passed, %d failed", clearLine, p.done, p.files, p.passed, p.failed)
}

func (p *progressReporter) total(passed, failed int, _ time.Duration) {
	fmt.Fprintf(p.w, "%stotal: %d passed, %d failed\n", clearLine, passed, failed)
}

// nopReporter prints nothing (the JUnit report is on stdout).
type nopReporter struct{}

func (nopReporter) file(*fileReport)              {}
func (nopReporter) total(int, int, time.Duration) {}

// isTerminal reports whether w is a terminal (a character device other
// than /dev/null), where progress can be drawn. TERM=dumb turns it off.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("TERM") == "dumb" {
		return false
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	if null, err := os.Stat(os.DevNull); err == nil && os.SameFile(fi, null) {
		return false
	}
	return true
}

// jsonReporter prints JSON lines: a "command" record per command and a
// "file" record per file (as each file finishes), then a "total" record.
// Times are in nanoseconds.
type jsonReporter struct {
	w   io.Writer
	enc *json.Encoder
}

type jsonCommandRecord struct {
	Type       string `json:"type"` // "command"
	File       string `json:"file"`
	Line       int    `json:"line"`
	Column     int    `json:"column"`
	Command    string `json:"command"`
	Run        int    `json:"run,omitempty"` // with --repeat
	Passed     bool   `json:"passed"`
	Message    string `json:"message,omitempty"`
	Text       string `json:"text,omitempty"` // file:line:col: message
	DurationNS int64  `json:"duration_ns"`
}

type jsonFileRecord struct {
	Type       string `json:"type"` // "file"
	File       string `json:"file"`
	Passed     int    `json:"passed"`
	Failed     int    `json:"failed"`
	Error      string `json:"error,omitempty"` // the file did not load
	DurationNS int64  `json:"duration_ns"`
}

type jsonTotalRecord struct {
	Type       string `json:"type"` // "total"
	Passed     int    `json:"passed"`
	Failed     int    `json:"failed"`
	DurationNS int64  `json:"duration_ns"`
}

func (j *jsonReporter) encode(v any) {
	if j.enc == nil {
		j.enc = json.NewEncoder(j.w)
	}
	_ = j.enc.Encode(v)
}

func (j *jsonReporter) file(r *fileReport) {
	for _, c := range r.Commands {
		rec := jsonCommandRecord{Type: "command", File: r.File, Line: c.Line, Column: c.Column, Command: c.Command,
			Passed: !c.Failed, Message: c.Message, Text: c.Text, DurationNS: c.Duration.Nanoseconds()}
		if len(r.Commands) > 0 && r.Commands[len(r.Commands)-1].Run > 1 {
			rec.Run = c.Run
		}
		j.encode(rec)
	}
	j.encode(jsonFileRecord{Type: "file", File: r.File, Passed: r.Passed, Failed: r.Failed, Error: r.Error,
		DurationNS: r.Duration.Nanoseconds()})
}

func (j *jsonReporter) total(passed, failed int, elapsed time.Duration) {
	j.encode(jsonTotalRecord{Type: "total", Passed: passed, Failed: failed, DurationNS: elapsed.Nanoseconds()})
}

// JUnit XML, in the layout CI systems read (Ant's junit task, as Jenkins,
// GitLab and GitHub's test reporters understand it): one <testsuite> per
// file, one <testcase> per command, named by its line and command, with
// the file and line as attributes and the time in seconds; a failed
// command holds a <failure>, a file that did not load one <testcase> with
// an <error>.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Hostname  string      `xml:"hostname,attr"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr"`
	Line      int           `xml:"line,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func junitSeconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', 6, 64)
}

// writeJUnit writes the report of all files, in the order given.
func writeJUnit(w io.Writer, reports []fileReport, elapsed time.Duration) error {
	host, _ := os.Hostname()
	if host == "" {
		host = "localhost"
	}
	doc := junitSuites{Name: "spectest-interp", Time: junitSeconds(elapsed)}
	for i := range reports {
		r := &reports[i]
		s := junitSuite{Name: r.File, Time: junitSeconds(r.Duration), Hostname: host,
			Timestamp: r.Start.UTC().Format("2006-01-02T15:04:05")}
		multiRun := len(r.Commands) > 0 && r.Commands[len(r.Commands)-1].Run > 1
		for _, c := range r.Commands {
			name := fmt.Sprintf("%s:%d %s", r.File, c.Line, c.Command)
			if multiRun {
				name += fmt.Sprintf(" (run %d)", c.Run)
			}
			tc := junitCase{Name: name, Classname: r.File, File: r.File, Line: c.Line, Time: junitSeconds(c.Duration)}
			if c.Failed {
				tc.Failure = &junitProblem{Message: c.Message, Type: c.Command, Text: c.Text}
				s.Failures++
			}
			s.Cases = append(s.Cases, tc)
		}
		if r.Error != "" {
			s.Cases = append(s.Cases, junitCase{Name: r.File + " (load)", Classname: r.File, File: r.File, Line: 1,
				Time: junitSeconds(r.Duration), Error: &junitProblem{Message: firstLine(r.Error), Type: "load", Text: r.Error}})
			s.Errors++
		}
		s.Tests = len(s.Cases)
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Suites = append(doc.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func firstLine(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}
