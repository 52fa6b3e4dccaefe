package cli

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/internal/testsuite"
)

// xmlNode is a generic element tree, for checking the report's structure
// independently of the types that wrote it.
type xmlNode struct {
	name     string
	attrs    map[string]string
	children []*xmlNode
	text     strings.Builder
}

func parseXMLTree(data []byte) (*xmlNode, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	var root *xmlNode
	var stack []*xmlNode
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &xmlNode{name: tok.Name.Local, attrs: map[string]string{}}
			for _, a := range tok.Attr {
				if _, dup := n.attrs[a.Name.Local]; dup {
					return nil, fmt.Errorf("<%s>: duplicate attribute %s", n.name, a.Name.Local)
				}
				n.attrs[a.Name.Local] = a.Value
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			} else if root != nil {
				return nil, fmt.Errorf("second root element <%s>", n.name)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(tok)
			} else if len(bytes.TrimSpace(tok)) > 0 {
				return nil, fmt.Errorf("text outside the root element: %q", tok)
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("no root element")
	}
	return root, nil
}

// junitCheck checks a JUnit XML report against the structure of the JUnit
// schema CI systems read (Ant's junit task as Jenkins, GitLab and GitHub
// take it): <testsuites> holding only <testsuite>s; a testsuite's required
// attributes name, tests, failures, errors, skipped, time, timestamp and
// hostname, holding only <testcase>s; a testcase's name, classname and
// time, and at most one <failure> or <error> with message and type. Counts
// must agree with the elements and times be non-negative decimals. It
// returns the failed test cases.
type junitFailed struct {
	suite, name, file, line, message, text string
}

var (
	junitInt       = regexp.MustCompile(`^[0-9]+$`)
	junitDecimal   = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)
	junitTimestamp = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$`)
)

func junitCheck(t *testing.T, data []byte) (suites, cases int, failed []junitFailed) {
	t.Helper()
	if !bytes.HasPrefix(data, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
		t.Errorf("report does not start with an XML declaration: %.60q", data)
	}
	root, err := parseXMLTree(data)
	if err != nil {
		t.Fatalf("report is not well-formed XML: %v", err)
	}
	errorf := func(format string, args ...any) {
		t.Helper()
		if t.Failed() {
			return // one structural error is enough to read
		}
		t.Errorf(format, args...)
	}
	attrs := func(n *xmlNode, required map[string]*regexp.Regexp, optional map[string]*regexp.Regexp) {
		t.Helper()
		for a, re := range required {
			v, ok := n.attrs[a]
			if !ok {
				errorf("<%s %q> lacks required attribute %s", n.name, n.attrs["name"], a)
			} else if re != nil && !re.MatchString(v) {
				errorf("<%s %q>: %s=%q is not of the right form", n.name, n.attrs["name"], a, v)
			}
		}
		for a, v := range n.attrs {
			if _, ok := required[a]; ok {
				continue
			}
			re, ok := optional[a]
			if !ok {
				errorf("<%s %q> has an attribute the schema does not have: %s", n.name, n.attrs["name"], a)
			} else if re != nil && !re.MatchString(v) {
				errorf("<%s %q>: %s=%q is not of the right form", n.name, n.attrs["name"], a, v)
			}
		}
	}
	count := func(n *xmlNode, a string) int {
		v, _ := strconv.Atoi(n.attrs[a])
		return v
	}
	if root.name != "testsuites" {
		t.Fatalf("root element <%s>, want <testsuites>", root.name)
	}
	attrs(root, nil, map[string]*regexp.Regexp{"name": nil, "tests": junitInt, "failures": junitInt,
		"errors": junitInt, "time": junitDecimal, "disabled": junitInt})
	var totalTests, totalFailures, totalErrors int
	for _, s := range root.children {
		if s.name != "testsuite" {
			errorf("<testsuites> holds <%s>, want only <testsuite>", s.name)
			continue
		}
		suites++
		attrs(s, map[string]*regexp.Regexp{"name": nil, "tests": junitInt, "failures": junitInt, "errors": junitInt,
			"skipped": junitInt, "time": junitDecimal, "timestamp": junitTimestamp, "hostname": nil},
			map[string]*regexp.Regexp{"id": nil, "package": nil, "disabled": junitInt})
		var tests, failures, errs int
		for _, c := range s.children {
			if c.name != "testcase" {
				errorf("<testsuite %q> holds <%s>, want only <testcase>", s.attrs["name"], c.name)
				continue
			}
			tests++
			attrs(c, map[string]*regexp.Regexp{"name": nil, "classname": nil, "time": junitDecimal},
				map[string]*regexp.Regexp{"file": nil, "line": junitInt, "assertions": junitInt, "status": nil})
			if len(c.children) > 1 {
				errorf("<testcase %q> holds %d elements, want at most one failure or error", c.attrs["name"], len(c.children))
			}
			for _, p := range c.children {
				switch p.name {
				case "failure":
					failures++
					failed = append(failed, junitFailed{suite: s.attrs["name"], name: c.attrs["name"], file: c.attrs["file"],
						line: c.attrs["line"], message: p.attrs["message"], text: p.text.String()})
				case "error":
					errs++
				default:
					errorf("<testcase %q> holds <%s>", c.attrs["name"], p.name)
					continue
				}
				attrs(p, map[string]*regexp.Regexp{"message": nil, "type": nil}, nil)
				if len(p.children) > 0 {
					errorf("<%s> of <testcase %q> holds elements", p.name, c.attrs["name"])
				}
			}
		}
		if count(s, "tests") != tests || count(s, "failures") != failures || count(s, "errors") != errs {
			errorf("<testsuite %q> says tests=%s failures=%s errors=%s, holds %d, %d, %d",
				s.attrs["name"], s.attrs["tests"], s.attrs["failures"], s.attrs["errors"], tests, failures, errs)
		}
		totalTests += tests
		totalFailures += failures
		totalErrors += errs
	}
	if count(root, "tests") != totalTests || count(root, "failures") != totalFailures || count(root, "errors") != totalErrors {
		errorf("<testsuites> says tests=%s failures=%s errors=%s, holds %d, %d, %d",
			root.attrs["tests"], root.attrs["failures"], root.attrs["errors"], totalTests, totalFailures, totalErrors)
	}
	return suites, totalTests, failed
}

// TestJUnitSuite runs the whole threads suite with --junit: the report is
// well-formed, one testsuite per file and one testcase per command, none
// failed.
func TestJUnitSuite(t *testing.T) {
	files := testsuite.Files(t)
	if testing.Short() {
		files = files[:10]
	}
	report := filepath.Join(t.TempDir(), "report.xml")
	var stdout, stderr bytes.Buffer
	code := SpectestInterp(append([]string{"--features=wasm2,threads", "--no-round-trip", "--junit", report}, files...), nil, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("spectest-interp exited %d:\n%s%s", code, lastLines(stdout.String(), 20), stderr.String())
	}
	m := regexp.MustCompile(`(?m)^total: (\d+) passed, 0 failed$`).FindStringSubmatch(stdout.String())
	if m == nil {
		t.Fatalf("no total line:\n%s", lastLines(stdout.String(), 5))
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	suites, cases, failed := junitCheck(t, data)
	if suites != len(files) {
		t.Errorf("%d testsuites for %d files", suites, len(files))
	}
	if want, _ := strconv.Atoi(m[1]); cases != want {
		t.Errorf("%d testcases, want one per command: %d", cases, want)
	}
	if len(failed) > 0 {
		t.Errorf("failed test cases: %v", failed)
	}
}

// TestJUnitFailure: one failing command is one failed testcase, with its
// file, line and message.
func TestJUnitFailure(t *testing.T) {
	dir := t.TempDir()
	wast := filepath.Join(dir, "bad.wast")
	err := os.WriteFile(wast, []byte(`(module (func (export "f") (result i32) (i32.const 1)))
(assert_return (invoke "f") (i32.const 1))

(assert_return (invoke "f") (i32.const 2))
(assert_trap (invoke "f") "unreachable")
`), 0o666)
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := SpectestInterp([]string{"--junit", "-", wast}, nil, &stdout, &stderr); code != 2 {
		t.Fatalf("exit status %d, want 2 (two failures); stderr:\n%s", code, stderr.String())
	}
	suites, cases, failed := junitCheck(t, stdout.Bytes())
	if suites != 1 || cases != 4 || len(failed) != 2 {
		t.Fatalf("%d suites, %d cases, %d failed; want 1, 4, 2:\n%s", suites, cases, len(failed), stdout.String())
	}
	f := failed[0]
	if f.suite != wast || f.file != wast || f.line != "4" || f.name != wast+":4 assert_return" {
		t.Errorf("failed case %+v, want file %s line 4", f, wast)
	}
	if !strings.HasPrefix(f.text, wast+":4:1: ") || !strings.Contains(f.message, "want i32:2") {
		t.Errorf("failure text %q message %q, want the position and the message", f.text, f.message)
	}
	if failed[1].line != "5" || !strings.Contains(failed[1].message, "unreachable") {
		t.Errorf("second failure %+v, want line 5 about the missing trap", failed[1])
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n") + "\n"
}
