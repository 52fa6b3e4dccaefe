// Package cli implements watt's command-line tools. Each tool is one function
// with the signature of a main that does not exit, so tests can run it
// in-process and the cmd/ mains stay one line long.
//
// Options are parsed the way wabt parses them (GNU style), so scripts written
// for wabt keep working: "--output=FILE", "--output FILE", "-o FILE",
// "-oFILE", grouped short flags ("-vv"), "--" to end options, and "-" as a
// file name meaning standard input.
package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/watt-wasm/watt/ir"
)

// option is one command-line option.
type option struct {
	short   byte   // 'o' for -o; 0 if the option has no short form
	long    string // "output" for --output
	metavar string // argument name shown in help; "" if the option takes none
	help    string
	hidden  bool // accepted but not listed by --help
	// alias marks another spelling of an option (--enable-simd where wabt
	// lists --disable-simd): accepted when written in full, never as a
	// prefix, so it cannot make a prefix that is unique in wabt ambiguous.
	alias bool
	// extra marks an option wabt's tool does not have: a prefix selects it
	// only when no wabt option has that prefix, so "--run" still means
	// wasm-interp's --run-all-exports as in wabt.
	extra bool
	// set is called with the option's argument ("" for flags).
	set func(arg string) error
}

// command describes one tool: its help text, options and positional
// arguments.
type command struct {
	name        string // "wat2wasm"
	usage       string // "[options] filename"
	description string // paragraph under the usage line
	examples    string // preformatted example lines
	opts        []option
	// positional receives each non-option argument in order; an error
	// (e.g. "unexpected argument") stops parsing.
	positional func(arg string) error

	stdout, stderr io.Writer

	args []string // what parse was given, for --version -v
}

// errHelp reports that --help or --version was handled: exit 0 without
// doing anything else.
type errHelp struct{}

func (errHelp) Error() string { return "help requested" }

// usageError is a command-line mistake; it is printed with a hint to --help.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

// parse processes args. It returns (true, 0) when the tool should go on,
// otherwise (false, exit code) after printing help, version or an error.
func (c *command) parse(args []string) (ok bool, code int) {
	c.args = args
	err := c.parseArgs(args)
	switch e := err.(type) {
	case nil:
		return true, 0
	case errHelp:
		return false, 0
	case usageError:
		fmt.Fprintf(c.stderr, "%s: %s\nTry '--help' for more information.\n", c.name, e.msg)
		return false, 1
	default:
		fmt.Fprintf(c.stderr, "%s: %v\n", c.name, err)
		return false, 1
	}
}

func (c *command) parseArgs(args []string) error {
	for i := 0; i < len(args); i++ {
		arg := args[i]
		// next consumes the following argument as the value of opt.
		next := func(opt string) (string, error) {
			if i+1 >= len(args) {
				return "", usagef("option '%s' requires argument", opt)
			}
			i++
			return args[i], nil
		}
		switch {
		case arg == "--":
			for _, rest := range args[i+1:] {
				if err := c.positional(rest); err != nil {
					return err
				}
			}
			return nil
		case strings.HasPrefix(arg, "--"):
			opt, value, hasValue, err := c.matchLong(arg)
			if err != nil {
				return err
			}
			if opt.metavar == "" {
				if hasValue {
					return usagef("unknown option '%s'", arg)
				}
			} else if !hasValue {
				v, err := next("--" + opt.long)
				if err != nil {
					return err
				}
				value = v
			}
			if err := opt.set(value); err != nil {
				return err
			}
		case len(arg) > 1 && arg[0] == '-':
			// One or more short options: "-v", "-vv", "-o FILE", "-oFILE".
			for j := 1; j < len(arg); j++ {
				opt := c.lookupShort(arg[j])
				if opt == nil {
					return usagef("unknown option '-%c'", arg[j])
				}
				if opt.metavar == "" {
					if err := opt.set(""); err != nil {
						return err
					}
					continue
				}
				value := arg[j+1:]
				if value == "" {
					v, err := next("-" + string(arg[j]))
					if err != nil {
						return err
					}
					value = v
				}
				if err := opt.set(value); err != nil {
					return err
				}
				break
			}
		default:
			if err := c.positional(arg); err != nil {
				return err
			}
		}
	}
	return nil
}

// matchLong finds the option a "--name" or "--name=value" argument means,
// as wabt's option parser does: the full name, or else a prefix of exactly
// one option's name ("--enable-thr", "--debug-name"); a prefix of several is
// ambiguous. A value after "=" needs the full name (wabt reports
// "--out=FILE" as unknown). Aliases match only in full; watt's extra
// options match a prefix only when no wabt option does.
func (c *command) matchLong(arg string) (opt *option, value string, hasValue bool, err error) {
	name, value, hasValue := strings.Cut(arg[2:], "=")
	for i := range c.opts {
		if c.opts[i].long == name {
			return &c.opts[i], value, hasValue, nil
		}
	}
	if hasValue || name == "" {
		return nil, "", false, usagef("unknown option '%s'", arg)
	}
	var wabtMatches, extraMatches []*option
	for i := range c.opts {
		o := &c.opts[i]
		if o.alias || !strings.HasPrefix(o.long, name) {
			continue
		}
		if o.extra {
			extraMatches = append(extraMatches, o)
		} else {
			wabtMatches = append(wabtMatches, o)
		}
	}
	matches := wabtMatches
	if len(matches) == 0 {
		matches = extraMatches
	}
	switch len(matches) {
	case 0:
		return nil, "", false, usagef("unknown option '%s'", arg)
	case 1:
		return matches[0], "", false, nil
	}
	return nil, "", false, usagef("ambiguous option '%s'", arg)
}

func (c *command) lookupShort(b byte) *option {
	for i := range c.opts {
		if c.opts[i].short == b && b != 0 {
			return &c.opts[i]
		}
	}
	return nil
}

// printHelp writes wabt's help layout: usage, description, examples and
// one aligned line per option.
func (c *command) printHelp() {
	w := c.stdout
	fmt.Fprintf(w, "usage: %s %s\n\n", c.name, c.usage)
	fmt.Fprintf(w, "%s\n", indent(c.description, "  "))
	if c.examples != "" {
		fmt.Fprintf(w, "\nexamples:\n%s\n", indent(c.examples, "  "))
	}
	fmt.Fprintf(w, "\noptions:\n")
	for _, o := range c.opts {
		if o.hidden {
			continue
		}
		var left strings.Builder
		if o.short != 0 {
			fmt.Fprintf(&left, "  -%c, ", o.short)
		} else {
			left.WriteString("      ")
		}
		left.WriteString("--" + o.long)
		if o.metavar != "" {
			left.WriteString("=" + o.metavar)
		}
		fmt.Fprintf(w, "%-47s%s\n", left.String(), o.help)
	}
}

// indent prefixes every non-empty line of s.
func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n")
}

// commonOptions are --help, --version and -v/--verbose, first in every
// tool's option list as in wabt.
func (c *command) commonOptions(verbose *int) []option {
	return []option{
		{long: "help", help: "Print this help message", set: func(string) error {
			c.printHelp()
			return errHelp{}
		}},
		{long: "version", help: "Print version information", set: func(string) error {
			// wabt's version alone, as scripts expect; with -v (before
			// or after) watt's own too.
			if *verbose > 0 || c.wantsVerbose() {
				fmt.Fprintln(c.stdout, versionString())
			} else {
				fmt.Fprintln(c.stdout, wabtVersion)
			}
			return errHelp{}
		}},
		{short: 'v', long: "verbose", help: "Use multiple times for more info", set: func(string) error {
			*verbose++
			return nil
		}},
	}
}

// wantsVerbose reports whether the arguments ask for -v anywhere before
// "--": "-v", "--verbose" or a group of short flags holding a v.
func (c *command) wantsVerbose() bool {
	for _, a := range c.args {
		switch {
		case a == "--":
			return false
		case strings.HasPrefix(a, "--"):
			if o, _, _, err := c.matchLong(a); err == nil && o.long == "verbose" {
				return true
			}
		case len(a) > 1 && a[0] == '-':
			for j := 1; j < len(a); j++ {
				o := c.lookupShort(a[j])
				if o == nil || o.metavar != "" {
					break
				}
				if o.long == "verbose" {
					return true
				}
			}
		}
	}
	return false
}

// featureOptions returns one option per feature, listed as wabt lists them:
// "--enable-X" for features off by default, "--disable-X" for those on. The
// other spelling is accepted too (hidden), so "--enable-simd" is harmless.
func featureOptions(f *ir.Features) []option {
	var opts []option
	for _, fi := range ir.AllFeatures {
		enable := option{long: "enable-" + fi.Name, help: "Enable " + fi.Help, hidden: fi.Default, alias: fi.Default,
			set: func(string) error { *f = featureDependencies(f.With(fi.Feature, true)); return nil }}
		disable := option{long: "disable-" + fi.Name, help: "Disable " + fi.Help, hidden: !fi.Default, alias: !fi.Default,
			set: func(string) error { *f = featureDependencies(f.With(fi.Feature, false)); return nil }}
		if fi.Default {
			opts = append(opts, disable, enable)
		} else {
			opts = append(opts, enable, disable)
		}
	}
	opts = append(opts, option{long: "enable-all", help: "Enable all features",
		set: func(string) error { *f = ir.AllFeaturesOn(); return nil }})
	opts = append(opts, option{long: "features", metavar: "LIST", extra: true,
		help: "Set features from a comma-separated list: wasm1, wasm2 or wasm3 (a standard's set), all, X (enable), -X (disable)",
		set: func(v string) error {
			g, err := parseFeatureList(*f, v)
			if err == nil {
				*f = g
			}
			return err
		}})
	return opts
}

// parseFeatureList applies a --features list to f: the presets replace
// the set (wasm2 is what the threads proposal's suite is written for:
// `--features=wasm2,threads`), names switch one feature on, -names off,
// each followed by wabt's dependency rules as the --enable/--disable
// flags are.
func parseFeatureList(f ir.Features, list string) (ir.Features, error) {
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		switch item {
		case "":
			continue
		case "wasm1":
			f = ir.Features(ir.FeatureMutableGlobals | ir.FeatureLegacyNames)
			continue
		case "wasm2":
			f = ir.Wasm2Features()
			continue
		case "wasm3":
			f = ir.DefaultFeatures()
			continue
		case "all":
			f = ir.AllFeaturesOn()
			continue
		}
		name, on := strings.CutPrefix(item, "-")
		x, ok := ir.LookupFeature(name)
		if !ok {
			return f, usagef("unknown feature '%s' in --features (known: wasm1, wasm2, wasm3, all, %s)", name, featureNames())
		}
		f = featureDependencies(f.With(x, !on))
	}
	return f, nil
}

func featureNames() string {
	names := make([]string, len(ir.AllFeatures))
	for i, fi := range ir.AllFeatures {
		names[i] = fi.Name
	}
	return strings.Join(names, ", ")
}

// featureDependencies applies wabt's rules between features after each
// flag (its Features::UpdateDependencies): exceptions and function
// references turn reference types on, and reference types need bulk
// memory, so --disable-bulk-memory turns them off.
func featureDependencies(f ir.Features) ir.Features {
	if f.Has(ir.FeatureExceptions) || f.Has(ir.FeatureFunctionReferences) {
		f = f.With(ir.FeatureReferenceTypes, true)
	}
	if !f.Has(ir.FeatureBulkMemory) {
		f = f.With(ir.FeatureReferenceTypes, false)
	}
	return f
}

// singleFile returns a positional handler accepting exactly one file name.
func singleFile(dst *string) func(string) error {
	return func(arg string) error {
		if *dst != "" {
			return usagef("unexpected argument '%s'", arg)
		}
		*dst = arg
		return nil
	}
}
