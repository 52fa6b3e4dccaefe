package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/watt-wasm/watt/ir"
)

// testCommand builds a command with one flag, one valued option, the
// feature options and a single positional file, recording what it sees.
func testCommand() (c *command, got *parsed) {
	got = &parsed{features: ir.DefaultFeatures()}
	var stdout, stderr bytes.Buffer
	c = &command{
		name: "tool", usage: "[options] filename", description: "does things",
		positional: singleFile(&got.file),
		stdout:     &stdout, stderr: &stderr,
	}
	c.opts = c.commonOptions(&got.verbose)
	c.opts = append(c.opts, featureOptions(&got.features)...)
	c.opts = append(c.opts,
		option{short: 'o', long: "output", metavar: "FILE", help: "output",
			set: func(v string) error { got.output = v; return nil }},
		option{short: 'f', long: "fold", help: "fold",
			set: func(string) error { got.fold = true; return nil }},
	)
	return c, got
}

type parsed struct {
	file, output string
	verbose      int
	fold         bool
	features     ir.Features
}

func TestParseAccepted(t *testing.T) {
	threads := ir.DefaultFeatures().With(ir.FeatureThreads, true)
	tests := []struct {
		args []string
		want parsed
	}{
		{[]string{"a.wat"}, parsed{file: "a.wat", features: ir.DefaultFeatures()}},
		{[]string{"a.wat", "-o", "b"}, parsed{file: "a.wat", output: "b", features: ir.DefaultFeatures()}},
		{[]string{"-ob", "a.wat"}, parsed{file: "a.wat", output: "b", features: ir.DefaultFeatures()}},
		{[]string{"--output=b", "a.wat"}, parsed{file: "a.wat", output: "b", features: ir.DefaultFeatures()}},
		{[]string{"--output", "b", "a.wat"}, parsed{file: "a.wat", output: "b", features: ir.DefaultFeatures()}},
		{[]string{"-o", "-", "-"}, parsed{file: "-", output: "-", features: ir.DefaultFeatures()}},
		{[]string{"-vvf", "a"}, parsed{file: "a", verbose: 2, fold: true, features: ir.DefaultFeatures()}},
		{[]string{"-vfo", "out", "a"}, parsed{file: "a", output: "out", verbose: 1, fold: true, features: ir.DefaultFeatures()}},
		{[]string{"--", "-v"}, parsed{file: "-v", features: ir.DefaultFeatures()}},
		{[]string{"--enable-threads", "a"}, parsed{file: "a", features: threads}},
		{[]string{"--enable-threads", "--disable-threads", "a"}, parsed{file: "a", features: ir.DefaultFeatures()}},
		{[]string{"--disable-simd", "a"}, parsed{file: "a", features: ir.DefaultFeatures().With(ir.FeatureSIMD, false)}},
		// The spelling wabt does not list is accepted too.
		{[]string{"--enable-simd", "a"}, parsed{file: "a", features: ir.DefaultFeatures()}},
		{[]string{"--enable-all", "a"}, parsed{file: "a", features: ir.AllFeaturesOn()}},
		{[]string{"--enable-all", "--disable-gc", "a"}, parsed{file: "a", features: ir.AllFeaturesOn().With(ir.FeatureGC, false)}},
		// Unique prefixes of long options, as in wabt.
		{[]string{"--enable-thr", "a"}, parsed{file: "a", features: threads}},
		{[]string{"--out", "b", "a"}, parsed{file: "a", output: "b", features: ir.DefaultFeatures()}},
		{[]string{"--verb", "--fo", "a"}, parsed{file: "a", verbose: 1, fold: true, features: ir.DefaultFeatures()}},
		// A hidden second spelling never takes part in prefix matching:
		// "--enable-le" is --enable-legacy-exceptions (off by default),
		// although --enable-legacy-names (on by default) exists too. (In
		// wabt, with 2.0 defaults, "--enable-mu" is --enable-multi-memory
		// that way; with 3.0 defaults all three --enable-mu… are hidden.)
		{[]string{"--enable-le", "a"}, parsed{file: "a", features: ir.DefaultFeatures().With(ir.FeatureLegacyExceptions, true)}},
	}
	for _, tt := range tests {
		c, got := testCommand()
		ok, code := c.parse(tt.args)
		if !ok || code != 0 {
			t.Errorf("parse(%q) = %v, %d; stderr: %s", tt.args, ok, code, c.stderr)
			continue
		}
		if diff := cmp.Diff(tt.want, *got, cmp.AllowUnexported(parsed{})); diff != "" {
			t.Errorf("parse(%q) mismatch (-want +got):\n%s", tt.args, diff)
		}
	}
}

func TestParseRejected(t *testing.T) {
	tests := []struct {
		args []string
		msg  string
	}{
		{[]string{"--bogus", "a"}, "tool: unknown option '--bogus'\n"},
		{[]string{"-x", "a"}, "tool: unknown option '-x'\n"},
		{[]string{"a", "-o"}, "tool: option '-o' requires argument\n"},
		{[]string{"a", "--output"}, "tool: option '--output' requires argument\n"},
		{[]string{"--fold=yes", "a"}, "tool: unknown option '--fold=yes'\n"},
		// Prefixes, as wabt's option parser takes them.
		{[]string{"--enable", "a"}, "tool: ambiguous option '--enable'\n"},
		{[]string{"--out=b", "a"}, "tool: unknown option '--out=b'\n"},
		{[]string{"--", "a", "b"}, "tool: unexpected argument 'b'\n"},
		{[]string{"--=x", "a"}, "tool: unknown option '--=x'\n"},
		{[]string{"a", "b"}, "tool: unexpected argument 'b'\n"},
		{[]string{"--enable-nonsense", "a"}, "tool: unknown option '--enable-nonsense'\n"},
	}
	for _, tt := range tests {
		c, _ := testCommand()
		ok, code := c.parse(tt.args)
		if ok || code != 1 {
			t.Errorf("parse(%q) = %v, %d; want false, 1", tt.args, ok, code)
		}
		want := tt.msg + "Try '--help' for more information.\n"
		if got := c.stderr.(*bytes.Buffer).String(); got != want {
			t.Errorf("parse(%q) stderr = %q, want %q", tt.args, got, want)
		}
	}
}

func TestHelpListsFeatureFlagsAsWabtDoes(t *testing.T) {
	c, _ := testCommand()
	ok, code := c.parse([]string{"a", "--help"})
	if ok || code != 0 {
		t.Fatalf("--help: parse = %v, %d; want false, 0", ok, code)
	}
	help := c.stdout.(*bytes.Buffer).String()
	if !strings.HasPrefix(help, "usage: tool [options] filename\n") {
		t.Errorf("help does not start with the usage line:\n%s", help)
	}
	for _, fi := range ir.AllFeatures {
		listed, unlisted := "--enable-"+fi.Name, "--disable-"+fi.Name
		if fi.Default {
			listed, unlisted = unlisted, listed
		}
		if !strings.Contains(help, "      "+listed+" ") {
			t.Errorf("help does not list %s", listed)
		}
		if strings.Contains(help, unlisted+" ") {
			t.Errorf("help lists %s, which wabt does not", unlisted)
		}
	}
	if !strings.Contains(help, "  -o, --output=FILE ") {
		t.Errorf("help does not show -o, --output=FILE:\n%s", help)
	}
}

func TestVersion(t *testing.T) {
	for _, tt := range []struct {
		args []string
		watt bool
	}{
		{[]string{"--version"}, false},
		{[]string{"--version", "a.wat"}, false},
		{[]string{"--version", "-v"}, true},
		{[]string{"-v", "--version"}, true},
		{[]string{"--version", "-vf"}, true},
		{[]string{"--version", "--verb"}, true},
		{[]string{"--version", "--", "-v"}, false},
	} {
		c, _ := testCommand()
		if ok, code := c.parse(tt.args); ok || code != 0 {
			t.Fatalf("%q: parse = %v, %d; want false, 0", tt.args, ok, code)
		}
		got := c.stdout.(*bytes.Buffer).String()
		if !tt.watt {
			if got != "1.0.32\n" {
				t.Errorf("%q printed %q, want wabt's \"1.0.32\\n\"", tt.args, got)
			}
		} else if !strings.HasPrefix(got, "1.0.32 (watt ") || !strings.HasSuffix(got, ")\n") {
			t.Errorf("%q printed %q, want \"1.0.32 (watt <version>)\"", tt.args, got)
		}
	}
}

// TestExtraOptionsDoNotShadowWabtPrefixes: a prefix that selects one of
// wabt's options still does when watt adds an option with that prefix.
func TestExtraOptionsDoNotShadowWabtPrefixes(t *testing.T) {
	var all, one, rep bool
	c := &command{name: "tool", positional: func(string) error { return nil },
		stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}
	c.opts = []option{
		{long: "run-all-exports", set: func(string) error { all = true; return nil }},
		{long: "run-export", metavar: "NAME", extra: true, set: func(string) error { one = true; return nil }},
		{long: "repeat", metavar: "N", extra: true, set: func(string) error { rep = true; return nil }},
		{long: "reload", extra: true, set: func(string) error { return nil }},
	}
	if ok, _ := c.parse([]string{"--run", "--repe", "3"}); !ok || !all || one || !rep {
		t.Errorf("--run --repe 3: ok=%v run-all-exports=%v run-export=%v repeat=%v; want --run as wabt's --run-all-exports",
			ok, all, one, rep)
	}
	if ok, _ := c.parse([]string{"--re"}); ok {
		t.Errorf("--re: accepted, want ambiguous between watt's --repeat and --reload")
	}
}
