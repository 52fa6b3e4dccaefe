package wat

import "testing"

func TestBlank(t *testing.T) {
	for _, tt := range []struct {
		text  string
		blank bool
	}{
		{"", true},
		{" \t\r\n", true},
		{";; comment\r(; block (; nested ;) ;)\n", true},
		{"(@name x (y \"z\") (; c ;))", true},
		{"(@0(;;))", true},
		{"(module)", false},
		{"(;", false},            // unclosed: the parser reports it
		{"(@name (x)", false},    // unclosed annotation
		{";; c\n(@a) $x", false}, // a token after them
		{"\x01", false},          // an illegal character is reported too
	} {
		if got := Blank([]byte(tt.text)); got != tt.blank {
			t.Errorf("Blank(%q) = %v, want %v", tt.text, got, tt.blank)
		}
	}
}
