package wat

import "unicode/utf8"

// Annotations, (@id …), are skipped by the scanner like comments, after
// the spec lexer's checks (a non-empty id, balanced parentheses, no
// illegal characters, well-formed strings); the token that follows is
// marked, and the parser looks into the gap before it for the annotations
// it gives a meaning to (@custom, @name, @metadata.code.*).

// scanAnnotID reads the id of the annotation at src[i:] == "(@": an idchar
// run or a string. It returns the id (decoded for a string; for an idchar
// run, a view of src) and the offset after it, or an error message.
func scanAnnotID(src []byte, i int) (id string, end int, msg string) {
	j := i + 2
	switch {
	case j < len(src) && scanIDChar[src[j]]:
		k := j
		for k < len(src) && scanIDChar[src[k]] {
			k++
		}
		return scanTransient(src[j:k]), k, ""
	case j < len(src) && src[j] == '"':
		k, smsg, _ := scanStringEnd(src, j)
		if smsg != "" {
			return "", k, "empty annotation id"
		}
		name := literalString(nil, src[j:k])
		switch {
		case len(name) == 0:
			return "", k, "empty annotation id"
		case !utf8.Valid(name):
			return "", k, "malformed UTF-8 encoding"
		}
		return string(name), k, ""
	}
	return "", j, "empty annotation id"
}

// scanAnnotation skips the annotation at src[i:] == "(@" and returns the
// offset after its closing parenthesis, or an error message and where it
// is.
func scanAnnotation(src []byte, i int) (end int, msg string, at int) {
	_, j, msg := scanAnnotID(src, i)
	if msg != "" {
		return j, msg, i
	}
	depth := 1
	for j < len(src) {
		c := src[j]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			j++
		case c == '(':
			if j+1 < len(src) && src[j+1] == ';' {
				e, ok := scanBlockComment(src, j)
				if !ok {
					return len(src), "unclosed comment", j
				}
				j = e
				continue
			}
			depth++
			j++
		case c == ')':
			depth--
			j++
			if depth == 0 {
				return j, "", 0
			}
		case c == ';' && j+1 < len(src) && src[j+1] == ';':
			for j < len(src) && !scanIsLineEnd(src[j]) {
				j++
			}
		case c == ',' || c == ';' || c == '[' || c == ']' || c == '{' || c == '}':
			j++ // reserved one-character tokens
		case c == '"' || scanIDChar[c]:
			e, msg, at := scanAnnotWord(src, j)
			if msg != "" {
				return e, msg, at
			}
			j = e
		case c < 0x20 || c == 0x7f:
			return j + 1, "illegal character", j
		case c < utf8.RuneSelf:
			return j + 1, "illegal character", j
		default:
			r, size := utf8.DecodeRune(src[j:])
			if r == utf8.RuneError && size <= 1 {
				return j + 1, "malformed UTF-8 encoding", j
			}
			return j + size, "illegal character", j
		}
	}
	return len(src), "unclosed annotation", i
}

// scanAnnotWord skips a run of idchars and strings inside an annotation.
func scanAnnotWord(src []byte, j int) (end int, msg string, at int) {
	start := j
	strings := 0
	for j < len(src) {
		c := src[j]
		if scanIDChar[c] {
			j++
			continue
		}
		if c == '"' {
			e, smsg, sat := scanStringEnd(src, j)
			switch smsg {
			case "":
			case "unexpected end of line in string", "unexpected end of input in string":
				return e, "unclosed string literal", j
			case "illegal control character in string":
				return e, "illegal control character in string literal", sat
			default:
				return e, smsg, sat
			}
			strings++
			j = e
			continue
		}
		break
	}
	if src[start] == '$' {
		// $ alone, or $"" (the spec lexer's rules for $ come first).
		if j == start+1 || j == start+3 && strings == 1 && src[start+1] == '"' {
			return j, "empty identifier", start
		}
	}
	return j, "", 0
}

// parseAnnot is an annotation the parser gives a meaning to: its id and
// the byte range of the whole (@id …) form.
type parseAnnot struct {
	id         string
	start, end int
	inFunc     bool // read in a function body
}

// scanGapAnnots calls f for every annotation in src[from:to], which holds
// only white space, comments and annotations already checked by the
// scanner.
func scanGapAnnots(src []byte, from, to int, f func(id string, start, end int)) {
	i := from
	for i < to {
		c := src[i]
		switch {
		case c == '(' && i+1 < to && src[i+1] == ';':
			e, _ := scanBlockComment(src, i)
			i = e
		case c == '(' && i+1 < to && src[i+1] == '@':
			id, _, _ := scanAnnotID(src, i)
			e, msg, _ := scanAnnotation(src, i)
			if msg != "" {
				return
			}
			f(id, i, e)
			i = e
		case c == ';' && i+1 < to && src[i+1] == ';':
			for i < to && !scanIsLineEnd(src[i]) {
				i++
			}
		default:
			i++
		}
	}
}
