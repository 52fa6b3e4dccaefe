package validate_test

import (
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/internal/testsuite"

	"github.com/watt-wasm/watt/binary"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/validate"
	"github.com/watt-wasm/watt/wat"
)

// wabtDeviations are wasm-validate 1.0.32 errors for modules the spec
// accepts; a disagreement carrying one of them is not ours.
var wabtDeviations = []string{
	// wabt's reader only allows ref.null/ref.func in passive element
	// segments; the spec allows any constant expression (global.get).
	"expected ref.null or ref.func in passive element segment",
}

// mutate changes a few instructions of body at random: another opcode, or
// another index, alignment or lane, so that most mutants become invalid in
// some way.
func mutate(r *rand.Rand, body []ir.Instr) {
	for i := range body {
		in := &body[i]
		switch r.Intn(20) {
		case 0:
			in.Op = ir.Op(r.Intn(int(ir.NumOps)))
			for in.Op == ir.OpElse || in.Op == ir.OpEnd {
				in.Op = ir.Op(r.Intn(int(ir.NumOps)))
			}
		case 1:
			in.Index = uint32(r.Intn(4))
		case 2:
			in.Mem.Align = uint32(r.Intn(5))
		case 3:
			in.Lane = byte(r.Intn(20))
		case 4:
			in.Index2 = uint32(r.Intn(3))
		}
		mutate(r, in.Body)
		mutate(r, in.ElseBody())
	}
}

// TestDifferentialWabt mutates the suite's valid modules, encodes them and
// checks that binary.Decode + validate.Module accept exactly the mutants
// wabt's wasm-validate accepts.
func TestDifferentialWabt(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns wasm-validate for every mutant")
	}
	files := testsuite.Files(t)
	if _, err := exec.LookPath("wasm-validate"); err != nil {
		t.Skip("wasm-validate (wabt) not on PATH")
	}
	const mutants = 400
	r := rand.New(rand.NewSource(1))
	r.Shuffle(len(files), func(i, j int) { files[i], files[j] = files[j], files[i] })
	dir := t.TempDir()
	n, rejected := 0, 0
	for _, file := range files {
		if n >= mutants {
			break
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		// Parse once per mutant: the parse is a deep copy to mutate.
		parse := func() []wat.Command {
			s, err := wat.ParseScript(ir.NewSource(file, data, false), suiteFeatures)
			if err != nil {
				return nil
			}
			return s.Commands
		}
		cmds := parse()
		for ci, c := range cmds {
			if mc, ok := c.(*wat.ModuleCommand); !ok || mc.Module == nil || len(mc.Module.Funcs) == 0 || n >= mutants {
				continue
			}
			m := parse()[ci].(*wat.ModuleCommand).Module
			for fi := range m.Funcs {
				mutate(r, m.Funcs[fi].Body)
			}
			b, err := binary.Encode(m, binary.EncodeOptions{})
			if err != nil {
				continue
			}
			n++
			path := filepath.Join(dir, "m"+strconv.Itoa(n)+".wasm")
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			out, werr := exec.Command("wasm-validate", "--enable-threads", path).CombinedOutput()
			if ee, ok := werr.(*exec.ExitError); werr != nil && (!ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "error")) {
				// wasm-validate did not run to a verdict (fork failure
				// under load, signal): no comparison for this mutant.
				t.Logf("wasm-validate: %v: %s", werr, firstLine(string(out)))
				continue
			}
			src := ir.NewSource(path, b, true)
			got, err := binary.Decode(src, suiteFeatures)
			if err == nil {
				err = validate.Module(got, src, suiteFeatures)
			}
			if werr != nil {
				rejected++
			}
			if (err == nil) == (werr == nil) {
				continue
			}
			deviation := false
			for _, d := range wabtDeviations {
				deviation = deviation || strings.Contains(string(out), d)
			}
			if !deviation {
				t.Errorf("mutant of %s module %d: wabt accepts=%v (%s), watt: %v", filepath.Base(file), ci, werr == nil, firstLine(string(out)), err)
			}
		}
	}
	t.Logf("%d mutants, %d rejected by wabt", n, rejected)
	if rejected == 0 || rejected == n {
		t.Errorf("mutants all valid or all invalid (%d of %d rejected): the comparison tests nothing", rejected, n)
	}
}
