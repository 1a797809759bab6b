package iostreams

import "strings"

// QuoteArg writes s as one argument of a command line that the messages
// show for people to copy: in double quotes when it is empty or holds a
// space, a quote or a character a shell treats specially. Backslashes stay
// as they are, so a Windows path reads as the user typed it.
func QuoteArg(s string) string {
	if s == "" || strings.ContainsAny(s, " \t\"'&;|<>()$`") {
		return `"` + s + `"`
	}
	return s
}
