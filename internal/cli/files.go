package cli

import (
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

// writeOutput writes data to name ("-" = stdout). A regular file is
// written to a temporary file in the same directory and renamed over the
// target only when complete, so a failed or interrupted run never leaves a
// truncated output or clobbers the previous one. Devices and pipes
// (/dev/null, a FIFO) are written in place, since renaming over them would
// replace the device node.
func writeOutput(name string, data []byte, stdout io.Writer) error {
	if name == stdinName {
		_, err := stdout.Write(data)
		return err
	}
	// Write through a symlink, as opening the file would, instead of
	// replacing the link with a regular file.
	if target, err := filepath.EvalSymlinks(name); err == nil {
		name = target
	}
	info, err := os.Stat(name)
	if err == nil && !info.Mode().IsRegular() {
		if info.IsDir() {
			return fmt.Errorf("unable to write file: %s: is a directory", name)
		}
		f, err := os.OpenFile(name, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("unable to write file: %s: %v", name, unwrapPathError(err))
		}
		_, werr := f.Write(data)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return fmt.Errorf("unable to write file: %s: %v", name, werr)
		}
		return nil
	}
	mode := fs.FileMode(0o644)
	if err == nil {
		mode = info.Mode().Perm() // keep the existing file's permissions
	}
	dir, base := filepath.Split(name)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return fmt.Errorf("unable to write file: %s: %v", name, unwrapPathError(err))
	}
	tmpName := tmp.Name()
	_, werr := tmp.Write(data)
	if werr == nil {
		werr = tmp.Chmod(mode)
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmpName, name)
	}
	if werr != nil {
		os.Remove(tmpName)
		return fmt.Errorf("unable to write file: %s: %v", name, unwrapPathError(werr))
	}
	return nil
}

// defaultOutputName derives wat2wasm's output name from its input:
// "x.wat" and "x.wast" become "x.wasm", anything else gets ".wasm" appended.
// The file goes next to its input, as with wabt.
func defaultOutputName(input, ext string) string {
	for _, old := range []string{".wat", ".wast"} {
		if strings.HasSuffix(input, old) && len(input) > len(old) {
			return strings.TrimSuffix(input, old) + ext
		}
	}
	return input + ext
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
