package wasi

import (
	"bytes"
	"compress/gzip"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/binary"
	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
)

// Programs built by real toolchains: a freestanding C wasi-threads command
// (clang), a wasi-libc C program (clang + Debian's wasi-libc) and a
// GOOS=wasip1 Go program. Each is built at test time when its toolchain is
// present; the C ones fall back to the small binaries committed next to
// their sources, and the test skips, saying what to install, when neither
// is available.

func compileBinary(t testing.TB, path string) *interp.Module {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f := ir.Wasm2Features().With(ir.FeatureThreads, true)
	src := ir.NewSource(path, data, true)
	m, err := binary.Decode(src, f)
	if err != nil {
		t.Fatalf("%s", ir.Format(err))
	}
	cm, err := interp.Compile(m, src, f)
	if err != nil {
		t.Fatalf("%s", ir.Format(err))
	}
	return cm
}

// buildC runs dir/build.sh into a temp dir and returns the named output;
// without clang (or wasi-libc, when needs says so) it falls back to the
// committed binary, or skips.
func buildC(t *testing.T, dir, out string, wasiLibc bool) string {
	t.Helper()
	committed := filepath.Join(dir, out)
	missing := toolchainMissing(wasiLibc)
	if missing == "" {
		tmp := t.TempDir()
		cmd := exec.Command("sh", filepath.Join(dir, "build.sh"), tmp)
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s/build.sh: %v\n%s", dir, err, msg)
		}
		return filepath.Join(tmp, out)
	}
	if _, err := os.Stat(committed); err == nil {
		t.Logf("%s; using the committed %s", missing, committed)
		return committed
	}
	t.Skipf("%s (and no committed %s)", missing, committed)
	return ""
}

// toolchainMissing says what is missing to build the C programs, or "".
func toolchainMissing(wasiLibc bool) string {
	if _, err := exec.LookPath("clang"); err != nil {
		return "clang is not installed (apt-get install clang lld)"
	}
	if _, err := exec.LookPath("wasm-ld"); err != nil {
		return "wasm-ld is not installed (apt-get install lld)"
	}
	if !wasiLibc {
		return ""
	}
	out, err := exec.Command("clang", "--target=wasm32-wasi", "-print-libgcc-file-name").Output()
	if err != nil {
		return "clang cannot target wasm32-wasi"
	}
	if _, err := os.Stat(strings.TrimSpace(string(out))); err != nil {
		return "clang's wasm32 builtins are not installed (apt-get install libclang-rt-14-dev-wasm32)"
	}
	for _, p := range []string{"/usr/lib/wasm32-wasi/libc.a", "/usr/share/wasi-sysroot/lib/wasm32-wasi/libc.a"} {
		if _, err := os.Stat(p); err == nil {
			return ""
		}
	}
	return "wasi-libc is not installed (apt-get install wasi-libc)"
}

// TestCThreads: a freestanding C command spawns ten threads that print,
// lock a futex mutex and count; the totals must be exact.
func TestCThreads(t *testing.T) {
	wasm := buildC(t, "../testdata/wasi/threads", "threads.wasm", false)
	r := run(t, compileBinary(t, wasm), Config{Args: []string{"threads"}})
	if r.status != 0 || r.err != nil {
		t.Fatalf("status %d, err %v\n%s", r.status, r.err, r.stdout)
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != 11 {
		t.Fatalf("want 11 lines, got:\n%s", r.stdout)
	}
	threadLines := append([]string(nil), lines[:10]...)
	sort.Strings(threadLines)
	for i, l := range threadLines {
		if want := "in thread " + string(rune('0'+i)); l != want {
			t.Errorf("line %q, want %q (lines in any order)", l, want)
		}
	}
	if want := "count: 10000 atomic: 10000 tids and per-thread data ok"; lines[10] != want {
		t.Errorf("last line %q, want %q", lines[10], want)
	}
}

// TestCHello: printf, args, environment, stdin and the sandboxed file
// system through wasi-libc.
func TestCHello(t *testing.T) {
	wasm := buildC(t, "../testdata/wasi/hello", "hello.wasm", true)
	dir := t.TempDir()
	r := run(t, compileBinary(t, wasm), Config{
		Args:  []string{"hello", "watt"},
		Env:   []string{"WHO=tester"},
		Stdin: strings.NewReader("a line of input\n"),
		Dirs:  []Dir{{Host: dir, Guest: "/sandbox"}},
	})
	want := `hello, watt! argc=2
WHO=tester
stdin: a line of input
read back 18 bytes: 12 squared is 144
size 18
entry note.txt
escape refused: Capabilities insufficient
absolute path refused: Capabilities insufficient
`
	if r.status != 0 || r.err != nil || r.stdout != want {
		t.Fatalf("status %d, err %v, stdout:\n%s\nwant:\n%s", r.status, r.err, r.stdout, want)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("the program left %d entries in its directory", len(ents))
	}
}

// TestGoGzip: a GOOS=wasip1 Go program gzips stdin on goroutines; the
// output must decompress to the input.
func TestGoGzip(t *testing.T) {
	if raceEnabled {
		// Go's wasip1 programs are single-threaded: the race detector adds
		// nothing here but minutes of interpreting the Go runtime.
		t.Skip("skipped under the race detector")
	}
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		t.Skipf("no go command at %s", goTool)
	}
	wasm := filepath.Join(t.TempDir(), "gzip.wasm")
	cmd := exec.Command(goTool, "build", "-o", wasm, "./testdata/wasi/gzip")
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// Two and a bit chunks of compressible text.
	var in bytes.Buffer
	rng := rand.New(rand.NewPCG(1, 2))
	words := regexp.MustCompile(`\s+`).Split("the quick brown fox jumps over the lazy dog watt runs threads", -1)
	for in.Len() < 150_000 { // three chunks
		in.WriteString(words[rng.IntN(len(words))])
		in.WriteByte(" \n"[rng.IntN(2)])
	}
	r := run(t, compileBinary(t, wasm), Config{Args: []string{"gzip"}, Stdin: bytes.NewReader(in.Bytes())})
	if r.status != 0 || r.err != nil {
		t.Fatalf("status %d, err %v, stderr %s", r.status, r.err, r.stderr)
	}
	zr, err := gzip.NewReader(strings.NewReader(r.stdout))
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, in.Bytes()) {
		t.Fatalf("decompressed %d bytes differ from the %d input bytes", len(got), in.Len())
	}
	if len(r.stdout) >= in.Len() {
		t.Errorf("compressed %d bytes to %d", in.Len(), len(r.stdout))
	}
}
