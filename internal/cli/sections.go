package cli

import (
	"fmt"
	"io"
	"sort"

	"github.com/watt-wasm/watt/ir"
)

// sectionNames are the known section ids' names, as wasm-objdump prints them.
var sectionNames = [...]string{
	0: "Custom", 1: "Type", 2: "Import", 3: "Function", 4: "Table",
	5: "Memory", 6: "Global", 7: "Export", 8: "Start", 9: "Elem",
	10: "Code", 11: "Data", 12: "DataCount", 13: "Tag",
}

// section is one section header of an encoded module.
type section struct {
	id     byte
	name   string // custom section name
	offset int    // of the section's contents
	size   int
}

// listSections walks the section headers of an encoded module: just enough
// of the format to report sizes in verbose mode, not a decoder.
func listSections(wasm []byte) ([]section, error) {
	if len(wasm) < 8 {
		return nil, fmt.Errorf("module too short: %d bytes", len(wasm))
	}
	var out []section
	for off := 8; off < len(wasm); {
		id := wasm[off]
		size, n := uleb(wasm[off+1:])
		if n == 0 {
			return nil, fmt.Errorf("bad section size at 0x%x", off+1)
		}
		start := off + 1 + n
		if uint64(size) > uint64(len(wasm)-start) {
			return nil, fmt.Errorf("section at 0x%x runs past the end", off)
		}
		s := section{id: id, offset: start, size: int(size)}
		if id == 0 {
			nameLen, k := uleb(wasm[start : start+int(size)])
			if k > 0 && uint64(nameLen) <= uint64(int(size)-k) {
				s.name = string(wasm[start+k : start+k+int(nameLen)])
			}
		}
		out = append(out, s)
		off = start + int(size)
	}
	return out, nil
}

// uleb decodes an unsigned LEB128 u32; n is 0 if b holds no valid one.
func uleb(b []byte) (v uint32, n int) {
	var shift uint
	for i := 0; i < len(b) && i < 5; i++ {
		v |= uint32(b[i]&0x7f) << shift
		if b[i]&0x80 == 0 {
			return v, i + 1
		}
		shift += 7
	}
	return 0, 0
}

// printSections writes one line per section: id, name, offset and size.
func printSections(w io.Writer, wasm []byte) {
	secs, err := listSections(wasm)
	if err != nil {
		fmt.Fprintf(w, "cannot list sections: %v\n", err)
		return
	}
	fmt.Fprintf(w, "%-10s %-24s %10s %10s\n", "id", "section", "offset", "size")
	for _, s := range secs {
		name := "Unknown"
		if int(s.id) < len(sectionNames) {
			name = sectionNames[s.id]
		}
		if s.id == 0 {
			name = fmt.Sprintf("Custom %q", s.name)
		}
		fmt.Fprintf(w, "%-10d %-24s %#10x %10d\n", s.id, name, s.offset, s.size)
	}
	fmt.Fprintf(w, "total: %d bytes\n", len(wasm))
}

// funcBodySizes returns the size of each function body in the code
// section, in order (nil if the module has none or it is malformed).
func funcBodySizes(wasm []byte) []int {
	secs, err := listSections(wasm)
	if err != nil {
		return nil
	}
	for _, s := range secs {
		if s.id != 10 {
			continue
		}
		code := wasm[s.offset : s.offset+s.size]
		count, n := uleb(code)
		if n == 0 {
			return nil
		}
		code = code[n:]
		var sizes []int
		for i := uint32(0); i < count; i++ {
			size, n := uleb(code)
			if n == 0 || uint64(size) > uint64(len(code)-n) {
				return nil
			}
			sizes = append(sizes, int(size))
			code = code[n+int(size):]
		}
		return sizes
	}
	return nil
}

// printLargestFuncs lists the n largest function bodies: index, name (from
// the text's $ids, if any) and size.
func printLargestFuncs(w io.Writer, wasm []byte, m *ir.Module, n int) {
	sizes := funcBodySizes(wasm)
	if len(sizes) == 0 {
		return
	}
	first := m.NumImported(ir.ExternFunc)
	order := make([]int, len(sizes))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return sizes[order[a]] > sizes[order[b]] })
	fmt.Fprintf(w, "largest of %d function bodies:\n", len(sizes))
	for _, i := range order[:min(n, len(order))] {
		idx := uint32(first + i)
		name := "-"
		if id := m.Names.Funcs[idx]; id != "" {
			name = "$" + id
		}
		fmt.Fprintf(w, "  func %-6d %-30s %8d bytes\n", idx, name, sizes[i])
	}
}
