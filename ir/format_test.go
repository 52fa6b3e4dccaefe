package ir

import "testing"

func TestFormatUnderlinesToken(t *testing.T) {
	src := NewSource("m.wat", []byte("(module\n\t(func (i32.foo \"a\\\"b\" x)))\n"), false)
	tests := []struct {
		col  int // 1-based column on line 2
		want string
	}{
		{9, "m.wat:2:9: error: msg\n\t(func (i32.foo \"a\\\"b\" x)))\n\t       ^^^^^^^\n"},
		{17, "m.wat:2:17: error: msg\n\t(func (i32.foo \"a\\\"b\" x)))\n\t               ^^^^^^\n"},
		{2, "m.wat:2:2: error: msg\n\t(func (i32.foo \"a\\\"b\" x)))\n\t^\n"},
		{24, "m.wat:2:24: error: msg\n\t(func (i32.foo \"a\\\"b\" x)))\n\t                      ^\n"},
		{23, "m.wat:2:23: error: msg\n\t(func (i32.foo \"a\\\"b\" x)))\n\t                     ^\n"},
	}
	lineStart := len("(module\n")
	for _, tt := range tests {
		err := Errorf(src, PosAt(lineStart+tt.col-1), Malformed, "msg")
		if got := Format(err); got != tt.want {
			t.Errorf("column %d:\n got %q\nwant %q", tt.col, got, tt.want)
		}
	}
}

func TestFormatBinaryAndNoSource(t *testing.T) {
	bin := NewSource("m.wasm", []byte{0, 'a', 's', 'm'}, true)
	list := ErrorList{
		Errorf(bin, PosAt(2), Malformed, "magic header not detected"),
		Errorf(nil, NoPos, Invalid, "type mismatch"),
	}
	want := "m.wasm:0x2: error: magic header not detected\nerror: type mismatch\n"
	if got := Format(list); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
