package iostreams

// Plain testing, no testify: see internal/ahead's test.

import "testing"

func TestTestStreams(t *testing.T) {
	ios, _, out, errOut := Test()
	if ios.IsStdoutTTY() || ios.IsStderrTTY() {
		t.Error("test streams are not terminals")
	}
	ios.SetStderrTTY(true)
	if !ios.IsStderrTTY() {
		t.Error("SetStderrTTY(true) did not take")
	}
	_, _ = ios.Out.Write([]byte("data"))
	_, _ = ios.ErrOut.Write([]byte("people"))
	if out.String() != "data" || errOut.String() != "people" {
		t.Errorf("out %q, errOut %q", out.String(), errOut.String())
	}
	if w := ios.TerminalWidth(); w != 80 {
		t.Errorf("width %d, want 80", w)
	}
}
