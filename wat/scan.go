package wat

import (
	"bytes"
	"encoding/binary"
	"unicode/utf8"
)

// scanKind classifies a token. Tokens never own memory: they are byte
// offsets into the source, so scanning allocates nothing.
type scanKind uint8

const (
	scanEOF      scanKind = iota
	scanLParen            // (
	scanRParen            // )
	scanKeyword           // starts with a lower-case letter: module, i32.add, offset=4, nan, inf
	scanID                // $name
	scanNumber            // starts with a digit or a sign: 42, -0x1p3, +inf
	scanString            // "…", raw bytes including the quotes
	scanReserved          // any other run of idchars or strings, e.g. data"a" or $
	scanError             // a lexical error; scanner.errMsg says which
	scanAnnot             // the start of an annotation (internal to the scanner)
)

// scanToken is one token: its kind and the half-open byte range [start, end).
type scanToken struct {
	kind       scanKind
	start, end int
}

// scanner splits WebAssembly text into tokens, skipping white space and
// (nested) comments.
type scanner struct {
	src    []byte
	off    int
	errMsg string // message of the last scanError token
	errOff int    // where that error is
	// annot is set when an annotation (@…) was skipped; the parser clears
	// it and looks into the gap before the token for the annotations that
	// mean something. (A flag here rather than in every token keeps the
	// token path as it was.)
	annot bool
	// sawAnnot is set for good once an annotation was skipped: modules
	// with annotations are parsed on one goroutine (parse_parallel.go).
	sawAnnot bool
}

// scanIsLineEnd marks the characters that end a line comment: the spec's
// lexer takes a bare CR as a newline too.
func scanIsLineEnd(c byte) bool { return c == '\n' || c == '\r' }

// scanIDChar marks the characters allowed in keywords, numbers and $ids.
var scanIDChar = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
		t[c-'a'+'A'] = true
	}
	for _, c := range "!#$%&'*+-./:<=>?@\\^_`|~" {
		t[c] = true
	}
	return
}()

// next returns the next token, annotations skipped.
func (s *scanner) next() scanToken {
	t := s.scan()
	if t.kind == scanAnnot {
		t = s.skipAnnotations(t)
	}
	return t
}

// scan returns the next token, or a scanAnnot token at an annotation.
func (s *scanner) scan() scanToken {
	src := s.src
	i := s.off
	for i < len(src) {
		c := src[i]
		if c <= ' ' {
			if c == ' ' || c == '\n' || c == '\t' || c == '\r' {
				i++
				// Indentation comes in long runs of spaces.
				if i < len(src) && src[i] == ' ' {
					for i+8 <= len(src) && binary.LittleEndian.Uint64(src[i:]) == 0x2020202020202020 {
						i += 8
					}
				}
				continue
			}
			return s.word(i) // a control character: an error
		}
		if scanIDChar[c] {
			return s.word(i)
		}
		switch c {
		case '(':
			if i+1 < len(src) && src[i+1] == ';' {
				end, ok := scanBlockComment(src, i)
				if !ok {
					s.off = len(src)
					return s.fail(i, "unclosed comment")
				}
				i = end
				continue
			}
			if i+1 < len(src) && src[i+1] == '@' {
				// An annotation: next skips it (out of this loop, which
				// thus keeps its registers).
				s.off = i
				return scanToken{scanAnnot, i, i}
			}
			s.off = i + 1
			return scanToken{scanLParen, i, i + 1}
		case ')':
			s.off = i + 1
			return scanToken{scanRParen, i, i + 1}
		case ';':
			if i+1 < len(src) && src[i+1] == ';' {
				// Line comment: up to the end of the line.
				i += 2
				for i < len(src) && !scanIsLineEnd(src[i]) {
					i++
				}
				continue
			}
			s.off = i + 1
			return s.fail(i, "unexpected character ';'")
		}
		return s.word(i)
	}
	s.off = len(src)
	return scanToken{scanEOF, len(src), len(src)}
}

// scanWordKind is the kind of a word of idchars by its first byte: a
// keyword starts with a lower-case letter, a number with a digit or sign,
// an id with '$'.
var scanWordKind = func() (t [256]scanKind) {
	for c := range t {
		t[c] = scanReserved
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = scanKeyword
	}
	for _, c := range "0123456789+-" {
		t[c] = scanNumber
	}
	t['$'] = scanID
	return
}()

// word scans a maximal run of idchars and strings starting at i. Most
// words are idchars only: one tight loop, then the kind from the first
// byte; strings (and errors) take wordStrings.
func (s *scanner) word(i int) scanToken {
	src := s.src
	start := i
	tbl := &scanIDChar
	rest := src[i:]
	n := 0
	for n+4 <= len(rest) && tbl[rest[n]] && tbl[rest[n+1]] && tbl[rest[n+2]] && tbl[rest[n+3]] {
		n += 4
	}
	for n < len(rest) && tbl[rest[n]] {
		n++
	}
	i += n
	if n == 0 || n < len(rest) && rest[n] == '"' {
		return s.wordStrings(start)
	}
	s.off = i
	kind := scanWordKind[src[start]]
	if kind == scanID && i-start == 1 {
		return s.fail(start, "empty identifier")
	}
	return scanToken{kind: kind, start: start, end: i}
}

// wordStrings scans a word at i that is, or holds, a string ("…",
// $"…", data"a"), or is no token at all.
func (s *scanner) wordStrings(i int) scanToken {
	src := s.src
	start := i
	if src[i] == '$' && i+1 < len(src) && src[i+1] == '"' {
		if t, ok := s.quotedID(i); ok {
			return t
		}
	}
	strings, idchars := 0, 0
	for i < len(src) {
		c := src[i]
		if scanIDChar[c] {
			idchars++
			i++
			continue
		}
		if c == '"' {
			end, msg, at := scanStringEnd(src, i)
			if msg != "" {
				s.off = end
				return s.fail(at, msg)
			}
			strings++
			i = end
			continue
		}
		break
	}
	if i == start {
		// Not a token character at all.
		r, size := utf8.DecodeRune(src[i:])
		s.off = i + size
		if r == utf8.RuneError && size <= 1 {
			return s.fail(i, "malformed UTF-8 encoding")
		}
		return s.fail(i, "unexpected character "+scanQuoteRune(r))
	}
	s.off = i
	if strings > 0 {
		if idchars == 0 && strings == 1 {
			return scanToken{kind: scanString, start: start, end: i}
		}
		return scanToken{kind: scanReserved, start: start, end: i}
	}
	kind := scanWordKind[src[start]]
	if kind == scanID && i-start == 1 {
		return s.fail(start, "empty identifier")
	}
	return scanToken{kind: kind, start: start, end: i}
}

// quotedID scans $"…" at src[i] == '$'. It reports false when the token is
// something else ($name, or $"…" followed by more token characters, a
// reserved token). A $ not followed by a well-formed, non-empty string is
// the spec's "empty identifier"; the name must be valid UTF-8.
func (s *scanner) quotedID(i int) (scanToken, bool) {
	src := s.src
	if i+1 >= len(src) || src[i+1] != '"' {
		return scanToken{}, false
	}
	end, msg, _ := scanStringEnd(src, i+1)
	if msg != "" {
		s.off = end
		return s.fail(i, "empty identifier"), true
	}
	if end < len(src) && (scanIDChar[src[end]] || src[end] == '"') {
		return scanToken{}, false
	}
	s.off = end
	name := literalString(nil, src[i+1:end])
	switch {
	case len(name) == 0:
		return s.fail(i, "empty identifier"), true
	case !utf8.Valid(name):
		return s.fail(i, "malformed UTF-8 encoding"), true
	}
	return scanToken{kind: scanID, start: i, end: end}, true
}

// skipAnnotations skips the annotation that t, a scanAnnot token, starts
// and any that follow, notes them in s.annot, and returns the token after
// them.
func (s *scanner) skipAnnotations(t scanToken) scanToken {
	for t.kind == scanAnnot {
		end, msg, at := scanAnnotation(s.src, t.start)
		if msg != "" {
			s.off = end
			return s.fail(at, msg)
		}
		s.annot, s.sawAnnot = true, true
		s.off = end
		t = s.scan()
	}
	return t
}

func scanQuoteRune(r rune) string {
	if r < 0x20 || r == 0x7f {
		const hex = "0123456789abcdef"
		return "U+00" + string(hex[r>>4]) + string(hex[r&15])
	}
	return "'" + string(r) + "'"
}

func (s *scanner) fail(at int, msg string) scanToken {
	s.errMsg, s.errOff = msg, at
	return scanToken{kind: scanError, start: at, end: s.off}
}

// scanBlockComment returns the offset after the (possibly nested) block
// comment starting at src[i] == '(' and src[i+1] == ';'.
func scanBlockComment(src []byte, i int) (int, bool) {
	depth := 0
	for i+1 < len(src) {
		switch {
		case src[i] == '(' && src[i+1] == ';':
			depth++
			i += 2
		case src[i] == ';' && src[i+1] == ')':
			depth--
			i += 2
			if depth == 0 {
				return i, true
			}
		default:
			i++
		}
	}
	return len(src), false
}

// scanStringEnd checks the string literal starting at src[i] == '"' and
// returns the offset after its closing quote. On error it returns a message
// and the offending offset.
func scanStringEnd(src []byte, i int) (end int, msg string, at int) {
	i++
	for i < len(src) {
		c := src[i]
		switch {
		case c == '"':
			return i + 1, "", 0
		case c == '\\':
			n, ok := scanEscapeLen(src[i:])
			if !ok {
				return i + 1, "illegal escape", i
			}
			i += n
		case c < 0x20 || c == 0x7f:
			if c == '\n' {
				return i, "unexpected end of line in string", i
			}
			return i + 1, "illegal control character in string", i
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(src[i:])
			if r == utf8.RuneError && size <= 1 {
				return i + 1, "malformed UTF-8 encoding", i
			}
			i += size
		}
	}
	return len(src), "unexpected end of input in string", len(src)
}

// scanEscapeLen returns the length of the escape sequence at b[0] == '\\'.
func scanEscapeLen(b []byte) (int, bool) {
	if len(b) < 2 {
		return 0, false
	}
	switch b[1] {
	case 't', 'n', 'r', '"', '\'', '\\':
		return 2, true
	case 'u':
		if len(b) < 4 || b[2] != '{' {
			return 0, false
		}
		var v uint32
		j := 3
		digits := 0
		for ; j < len(b) && b[j] != '}'; j++ {
			d, ok := scanHexDigit(b[j])
			if b[j] == '_' && digits > 0 && j+1 < len(b) && b[j+1] != '}' && b[j+1] != '_' {
				continue
			}
			if !ok {
				return 0, false
			}
			digits++
			if v = v<<4 | uint32(d); v > 0x10ffff {
				return 0, false
			}
		}
		if j >= len(b) || digits == 0 || v >= 0xd800 && v < 0xe000 {
			return 0, false
		}
		return j + 1, true
	}
	if len(b) >= 3 {
		if _, ok := scanHexDigit(b[1]); ok {
			if _, ok := scanHexDigit(b[2]); ok {
				return 3, true
			}
		}
	}
	return 0, false
}

func scanHexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// scanSkipForm skips from just after a '(' to just after its matching ')',
// using only parentheses, strings and comments: the cheap pass that finds
// module fields without tokenizing their contents. It returns false at end
// of input or at a string or comment that does not end (the full parse
// reports those properly). Strings are not checked here: a bad escape or
// character is reported by the scanner when it reads the string.
func scanSkipForm(src []byte, i int) (int, bool) {
	end, ok, _ := scanSkipFormAnnot(src, i)
	return end, ok
}

// scanSkipWindow is how far ahead scanSkipFormAnnot looks for each byte
// it stops at in one search.
const scanSkipWindow = 4096

// scanSkipFormAnnot is scanSkipForm that also reports whether the form
// holds an annotation ("(@").
//
// Most bytes are uninteresting. For each of the four it must look at — (
// ) ; " — it keeps where that byte next occurs (found with
// bytes.IndexByte, which looks at many bytes per instruction, at most
// scanSkipWindow ahead), and goes from one such stop to the next; a
// search is repeated only for the byte just passed, or ones that a
// comment or string skipped over.
func scanSkipFormAnnot(src []byte, i int) (end int, ok, annot bool) {
	const (
		open = iota
		close
		semi
		quote
	)
	stops := [4]byte{'(', ')', ';', '"'}
	// next[k] is where stops[k] next occurs at or after i, or, with
	// found[k] false, a point before which it does not occur.
	var next [4]int
	var found [4]bool
	for k := range next {
		next[k] = -1
	}
	depth := 1
	for {
		q, k := len(src), -1
		for c := range next {
			if next[c] < i || !found[c] && next[c] <= i {
				lim := min(i+scanSkipWindow, len(src))
				if j := bytes.IndexByte(src[i:lim], stops[c]); j >= 0 {
					next[c], found[c] = i+j, true
				} else {
					next[c], found[c] = lim, false
				}
			}
			if next[c] < q || next[c] == q && k >= 0 && !found[k] {
				q, k = next[c], c
			}
		}
		if k < 0 || !found[k] {
			if q >= len(src) {
				return len(src), false, annot
			}
			i = q // nothing before q: look further
			continue
		}
		switch k {
		case open:
			if q+1 < len(src) && src[q+1] == ';' {
				end, ok := scanBlockComment(src, q)
				if !ok {
					return len(src), false, annot
				}
				i = end
				continue
			}
			if q+1 < len(src) && src[q+1] == '@' {
				annot = true
			}
			depth++
		case close:
			depth--
			if depth == 0 {
				return q + 1, true, annot
			}
		case semi:
			if q+1 < len(src) && src[q+1] == ';' {
				i = q + 2
				for i < len(src) && !scanIsLineEnd(src[i]) {
					i++
				}
				continue
			}
		case quote:
			end, ok := scanSkipString(src, q)
			if !ok {
				return end, false, annot
			}
			i = end
			continue
		}
		i = q + 1
	}
}

// scanSkipString returns the offset after the string starting at src[i] ==
// '"', without checking its contents: only \" and \\ matter to where it
// ends. Like the scanner's, a string ends (badly) at the end of its line.
func scanSkipString(src []byte, i int) (int, bool) {
	i++
	for i < len(src) {
		switch src[i] {
		case '"':
			return i + 1, true
		case '\\':
			i += 2
		case '\n':
			return i, false
		default:
			i++
		}
	}
	return len(src), false
}

// Blank reports whether text holds no token: nothing but white space,
// comments and annotations, which the text format treats alike. Parsing
// accepts such a text as an empty module; tools that read a file refuse
// it, as wabt does. A malformed comment or annotation is not blank:
// parsing the text reports it.
func Blank(text []byte) bool {
	s := scanner{src: text}
	return s.next().kind == scanEOF
}
