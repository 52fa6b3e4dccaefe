package cli

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestDefaultOutputName(t *testing.T) {
	// wabt writes next to the current directory, not next to the input.
	tests := map[string]string{
		"a.wat":         "a.wasm",
		"dir/a.wast":    "a.wasm",
		"a.txt":         "a.wasm",
		"a":             "a.wasm",
		".wat":          ".wasm",
		"a.wat.bak":     "a.wat.wasm",
		"a.b.wat":       "a.b.wasm",
		"x/y.z/mod":     "mod.wasm",
		"x/y.z/mod.wat": "mod.wasm",
		"/abs/m.wat":    "m.wasm",
	}
	for in, want := range tests {
		if got := defaultOutputName(in, ".wasm"); got != want {
			t.Errorf("defaultOutputName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriteOutputReplacesAtomically(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.wasm")
	if err := os.WriteFile(out, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := writeOutput(out, []byte("new contents"), nil); err != nil {
		t.Fatalf("writeOutput: %v", err)
	}
	got, err := os.ReadFile(out)
	if err != nil || string(got) != "new contents" {
		t.Fatalf("after writeOutput the file holds %q (err %v)", got, err)
	}
	info, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("permissions changed to %v, want the previous 0600", perm)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestWriteOutputNewFileIsWorldReadable(t *testing.T) {
	out := filepath.Join(t.TempDir(), "new.wasm")
	if err := writeOutput(out, []byte("x"), nil); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o644 {
		t.Errorf("new output has permissions %v, want 0644", perm)
	}
}

func TestWriteOutputStdout(t *testing.T) {
	var buf bytes.Buffer
	if err := writeOutput("-", []byte("bytes"), &buf); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "bytes" {
		t.Errorf("stdout got %q", buf.String())
	}
}

func TestWriteOutputDevice(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no /dev/null")
	}
	// Renaming over /dev/null would replace the device: it must be
	// written in place and stay a device.
	if err := writeOutput(os.DevNull, []byte("x"), nil); err != nil {
		t.Fatalf("writing to %s: %v", os.DevNull, err)
	}
	info, err := os.Stat(os.DevNull)
	if err != nil || info.Mode().IsRegular() {
		t.Fatalf("%s is no longer a device: %v %v", os.DevNull, info.Mode(), err)
	}
}

func TestWriteOutputErrors(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{dir, filepath.Join(dir, "missing", "out.wasm")} {
		err := writeOutput(name, []byte("x"), nil)
		if err == nil || !strings.HasPrefix(err.Error(), "unable to write file: "+name) {
			t.Errorf("writeOutput(%q) = %v, want an \"unable to write file\" error", name, err)
		}
	}
}

func TestReadInput(t *testing.T) {
	name, data, err := readInput("-", strings.NewReader("(module)"))
	if err != nil || name != "<stdin>" || string(data) != "(module)" {
		t.Errorf("readInput(-) = %q, %q, %v", name, data, err)
	}
	missing := filepath.Join(t.TempDir(), "missing.wat")
	_, _, err = readInput(missing, nil)
	if err == nil || err.Error() != "unable to read file: "+missing+": no such file or directory" {
		t.Errorf("readInput(missing) error = %v", err)
	}
}

func TestListSections(t *testing.T) {
	wasm := []byte{
		0, 'a', 's', 'm', 1, 0, 0, 0,
		1, 4, 1, 0x60, 0, 0, // type section: one func type [] -> []
		0, 5, 4, 'n', 'a', 'm', 'e', // custom "name", empty payload
	}
	secs, err := listSections(wasm)
	if err != nil {
		t.Fatal(err)
	}
	want := []section{{id: 1, offset: 10, size: 4}, {id: 0, name: "name", offset: 16, size: 5}}
	if len(secs) != len(want) {
		t.Fatalf("got %d sections, want %d: %+v", len(secs), len(want), secs)
	}
	for i := range want {
		if secs[i] != want[i] {
			t.Errorf("section %d = %+v, want %+v", i, secs[i], want[i])
		}
	}
	if _, err := listSections(append(wasm, 1, 9, 0)); err == nil {
		t.Error("a section running past the end was accepted")
	}
	var buf bytes.Buffer
	printSections(&buf, wasm)
	if !strings.Contains(buf.String(), "Type") || !strings.Contains(buf.String(), `Custom "name"`) {
		t.Errorf("printSections output lacks section names:\n%s", buf.String())
	}
}

func TestRecoverInternal(t *testing.T) {
	var stderr bytes.Buffer
	tool := func() (code int) {
		defer recoverInternal("tool", &stderr, &code)
		panic("boom")
	}
	if code := tool(); code != 2 {
		t.Errorf("exit code %d after a panic, want 2", code)
	}
	if !strings.HasPrefix(stderr.String(), "tool: internal error: boom\nThis is a bug in watt") {
		t.Errorf("stderr = %q", stderr.String())
	}
}

func TestWriteOutputThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	target, link := filepath.Join(dir, "target.wasm"), filepath.Join(dir, "link.wasm")
	if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	if err := writeOutput(link, []byte("new"), nil); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Lstat(link); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symlink was replaced: %v %v", info.Mode(), err)
	}
	if got, _ := os.ReadFile(target); string(got) != "new" {
		t.Errorf("target holds %q, want \"new\"", got)
	}
}

func TestWriteOutputWithProducerError(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.wat")
	if err := os.WriteFile(out, []byte("previous"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := writeOutputWith(out, nil, func(w io.Writer) error {
		w.Write([]byte("partial"))
		return boom
	})
	if err != boom {
		t.Errorf("error = %v, want the producer's error unchanged", err)
	}
	if got, _ := os.ReadFile(out); string(got) != "previous" {
		t.Errorf("output changed to %q", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}

	// On stdout what was produced stays: it is a stream.
	var stdout bytes.Buffer
	if err := writeOutputWith("-", &stdout, func(w io.Writer) error {
		w.Write([]byte("partial"))
		return boom
	}); err != boom || stdout.String() != "partial" {
		t.Errorf("stdout: err %v, got %q", err, stdout.String())
	}
}

// failingWriter fails every write, like a full disk or a closed pipe.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

func TestWriteOutputWithWriteError(t *testing.T) {
	err := writeOutputWith("-", failingWriter{}, func(w io.Writer) error {
		_, err := w.Write(make([]byte, 1<<17)) // more than the buffer
		return err
	})
	if err == nil || err.Error() != "unable to write file: <stdout>: no space left on device" {
		t.Errorf("error = %v", err)
	}
}
