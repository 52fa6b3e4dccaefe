// Package wat reads and writes the WebAssembly text format: modules (.wat)
// and spec scripts (.wast), including the threads proposal's (thread …) and
// (wait …) commands. It covers WebAssembly 3.0: reference types with heap
// types, GC type definitions (struct, array, sub, rec), tags and exception
// handling (try_table, and the legacy try/catch/delegate/rethrow with
// legacy-exceptions), table64 and memory64, multi-memory, extended
// constant expressions, relaxed SIMD, quoted identifiers ($"…"), and
// annotations: every (@…) is skipped, and three are read — (@custom …)
// into ir.Custom, (@name "…") into the name section's names, and
// (@metadata.code.NAME …) into Instr.Meta (branch hints).
//
// The parser expands everything the text format abbreviates (folded
// instructions, inline exports, imports and type uses, inline data and
// element segments) and resolves $ids and labels to indices, following
// wabt's rules so that encoding the result gives wat2wasm's bytes: inline
// signatures reuse the first identical type or append a new one in order
// of appearance, and alignment defaults to the natural one from the opcode
// table (MemArg.Align is its log2). Names are stored in ir.Names without
// their leading '$'; parameters of imported functions are named too, as
// wabt's --debug-names does.
//
// Errors are an ir.ErrorList holding the first Malformed error, positioned
// at the offending token, with the spec interpreter's message first
// ("unknown operator", "unknown label", "constant out of range", …).
// Features that are off are rejected naming the flag that enables them.
// Where the 2.0 and 3.0 text formats differ, the features decide: limits
// are 64-bit numbers with memory64; `elem func $f…` lists are (ref func)
// with function references, funcref without; the pre-standard names
// (get_local, …) and the 2.0 interpreter's wording of a few messages need
// ir.FeatureLegacyNames, which wabt's default feature set includes.
//
// Implicit function types (type uses without (type x)) follow the spec:
// the first type that is a final function type without supertypes, alone
// in its recursion group and equal to the signature is reused, else a new
// one is appended after the explicit ones, in order of use.
//
// Resource use: scanning never allocates per token; a module is read in two
// passes (a cheap one that skips bodies byte by byte to learn every $id,
// then the real one), so forward references need no fix-ups. In a large
// module (from 256 KiB of text) the real pass parses the fields and the
// function headers in order but leaves function bodies and data segments
// to workers on up to GOMAXPROCS goroutines, which only read the names and
// types (the result is the same IR; see parse_parallel.go). Nesting is
// limited only by memory (100,000-deep block nests parse), label lookups
// are O(1), and a string literal is decoded into one allocation no larger
// than its text, so a huge data segment costs at most about twice the
// input.
package wat

import "github.com/watt-wasm/watt/ir"

// ParseModule parses one text module: either a `(module …)` form or a
// sequence of module fields. Features off in features are rejected with a
// message naming the flag that enables them. Errors are an ir.ErrorList of
// Malformed errors positioned in src.
func ParseModule(src *ir.Source, features ir.Features) (m *ir.Module, err error) {
	p := newParserSafe(src, features, &err)
	if p == nil {
		return nil, err
	}
	defer p.recoverError(&err)
	if p.isOpen("module") {
		p.next()
		p.next()
		name, _, _ := p.optID()
		if p.isKeyword("binary") || p.isKeyword("quote") {
			p.unexpected("a module field")
		}
		m = p.parseModuleFields(name)
		p.expectRParen()
	} else {
		m = p.parseModuleFields("")
	}
	if p.tok.kind != scanEOF {
		p.unexpected("end of input")
	}
	return m, nil
}

// ParseScript parses a .wast script. Text modules are parsed with features;
// quoted modules are kept as text for the runner to parse.
func ParseScript(src *ir.Source, features ir.Features) (s *Script, err error) {
	p := newParserSafe(src, features, &err)
	if p == nil {
		return nil, err
	}
	defer p.recoverError(&err)
	s = &Script{}
	if kw := p.openKeyword(); kw != nil && parseIsModuleField(scanTransient(kw)) {
		// A script of bare module fields is one module.
		c := &ModuleCommand{Pos: ir.PosAt(p.tok.start), Start: p.tok.start}
		c.Module = p.parseModuleFields("")
		c.End = p.tok.start
		if p.tok.kind != scanEOF {
			p.unexpected("a module field")
		}
		s.Commands = append(s.Commands, c)
		return s, nil
	}
	for p.tok.kind != scanEOF {
		s.Commands = append(s.Commands, p.parseCommand())
	}
	return s, nil
}

// newParserSafe creates a parser; scanning the first token may already
// fail, which is reported through err.
func newParserSafe(src *ir.Source, features ir.Features, err *error) (p *parser) {
	p = &parser{src: src, data: src.Data, features: features}
	p.sc.src = src.Data
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(parseBailout)
			if !ok {
				panic(r)
			}
			*err = ir.ErrorList{b.err}
			p = nil
		}
	}()
	p.next()
	return p
}

func parseIsModuleField(kw string) bool {
	switch kw {
	case "type", "rec", "func", "table", "memory", "global", "tag", "import", "export", "start", "elem", "data":
		return true
	}
	return false
}
