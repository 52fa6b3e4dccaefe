package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
)

// wabtVersion is the wabt release whose behaviour the tools reproduce.
const wabtVersion = "1.0.32"

// versionString is what --version prints: the wabt version first, so
// scripts that parse it keep working, then watt's own.
func versionString() string {
	v := "devel"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	return fmt.Sprintf("%s (watt %s)", wabtVersion, v)
}

// stdinName is the file name that means standard input.
const stdinName = "-"

// readInput reads the named file, or stdin for "-". The returned name is
// what error messages show.
func readInput(name string, stdin io.Reader) (display string, data []byte, err error) {
	if name == stdinName {
		data, err = io.ReadAll(stdin)
		if err != nil {
			return "<stdin>", nil, fmt.Errorf("unable to read standard input: %v", err)
		}
		return "<stdin>", data, nil
	}
	data, err = os.ReadFile(name)
	if err != nil {
		return name, nil, fmt.Errorf("unable to read file: %s: %v", name, unwrapPathError(err))
	}
	return name, data, nil
}

// unwrapPathError drops the "open NAME:" prefix the caller already prints.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// writeOutput writes data to name ("-" = stdout); see writeOutputWith.
func writeOutput(name string, data []byte, stdout io.Writer) error {
	return writeOutputWith(name, stdout, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// writeOutputWith streams what produce writes to name ("-" = stdout), so a
// large output (wasm2wat's text) is never held in memory whole. A regular
// file is written to a temporary file in the same directory and renamed over
// the target only when produce succeeded and everything was written: a
// failed or interrupted run never leaves a truncated output or clobbers the
// previous one. Devices and pipes (/dev/null, a FIFO) are written in place,
// since renaming over them would replace the device node. On stdout, output
// already written stays written.
//
// An error from produce is returned unchanged; a write failure is
// "unable to write file: NAME: reason".
func writeOutputWith(name string, stdout io.Writer, produce func(io.Writer) error) error {
	var (
		dst            io.Writer = stdout
		finish, cancel           = func() error { return nil }, func() {}
	)
	display := "<stdout>"
	if name != stdinName {
		f, fin, can, err := openOutput(name)
		if err != nil {
			return fmt.Errorf("unable to write file: %s: %v", name, unwrapPathError(err))
		}
		dst, finish, cancel, display = f, fin, can, name
	}
	ew := &errWriter{w: dst}
	bw := bufio.NewWriterSize(ew, 1<<16)
	err := produce(bw)
	if err == nil {
		err = bw.Flush()
	}
	if ew.err != nil {
		err = fmt.Errorf("unable to write file: %s: %v", display, unwrapPathError(ew.err))
	}
	if err != nil {
		if name == stdinName {
			bw.Flush() // keep what was produced, as a stream would
		}
		cancel()
		return err
	}
	if err := finish(); err != nil {
		return fmt.Errorf("unable to write file: %s: %v", display, unwrapPathError(err))
	}
	return nil
}

// openOutput opens name for writing: in place for devices and pipes, else
// as a temporary file next to it that finish renames over name (keeping an
// existing file's permissions) and cancel removes.
func openOutput(name string) (f *os.File, finish func() error, cancel func(), err error) {
	// Write through a symlink, as opening the file would, instead of
	// replacing the link with a regular file.
	if target, err := filepath.EvalSymlinks(name); err == nil {
		name = target
	}
	info, statErr := os.Stat(name)
	if statErr == nil && info.IsDir() {
		return nil, nil, nil, errors.New("is a directory")
	}
	if statErr == nil && !info.Mode().IsRegular() {
		f, err := os.OpenFile(name, os.O_WRONLY, 0)
		if err != nil {
			return nil, nil, nil, err
		}
		return f, f.Close, func() { f.Close() }, nil
	}
	mode := fs.FileMode(0o644)
	if statErr == nil {
		mode = info.Mode().Perm()
	}
	dir, base := filepath.Split(name)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return nil, nil, nil, err
	}
	cancel = func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}
	finish = func() error {
		err := tmp.Chmod(mode)
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(tmp.Name(), name)
		}
		if err != nil {
			os.Remove(tmp.Name())
		}
		return err
	}
	return tmp, finish, cancel, nil
}

// errWriter remembers the first write error, so a failure of the output
// itself can be told apart from an error of whatever produced the data.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	if err != nil {
		e.err = err
	}
	return n, err
}

// defaultOutputName derives an output name from the input's as wabt does:
// the input's base name, from its last '.' on replaced by ext, in the
// current directory: "dir/x.wat" becomes "x.wasm", "a.b.wat" "a.b.wasm",
// "noext" "noext.wasm" and ".hidden" just ".wasm".
func defaultOutputName(input, ext string) string {
	base := input
	if i := strings.LastIndexAny(base, `/\`); i >= 0 {
		base = base[i+1:]
	}
	if i := strings.LastIndexByte(base, '.'); i >= 0 {
		base = base[:i]
	}
	return base + ext
}

// recoverInternal turns a panic inside a tool into an error message and
// exit status 2 instead of a crash: a panic is a bug in watt (bad input
// must give an error, never a panic), so the message asks for a report and
// includes the stack. Use as: defer recoverInternal(name, stderr, &code).
func recoverInternal(tool string, stderr io.Writer, code *int) {
	r := recover()
	if r == nil {
		return
	}
	fmt.Fprintf(stderr, "%s: internal error: %v\nThis is a bug in watt; please report it with the input.\n%s",
		tool, r, debug.Stack())
	*code = 2
}
