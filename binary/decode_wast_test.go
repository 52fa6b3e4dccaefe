package binary

import (
	"github.com/watt-wasm/watt/internal/testsuite/scriptmods"
	"github.com/watt-wasm/watt/wat"
)

// collectWastModules lists a script's binary modules and its text modules
// (quoted ones are left out), each with the command around it.
func collectWastModules(file, src string) (bins, texts []scriptmods.Module, err error) {
	mods, err := scriptmods.Modules(file, []byte(src))
	if err != nil {
		return nil, nil, err
	}
	for _, m := range mods {
		switch m.Kind {
		case wat.ModuleBinary:
			bins = append(bins, m)
		case wat.ModuleText:
			texts = append(texts, m)
		}
	}
	return bins, texts, nil
}
