package mapping

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"unicode/utf8"
)

// readError is a mapping file that could not be read: a message a person
// can act on, wrapping the operating system's error (errors.Is(err,
// fs.ErrNotExist) still works).
type readError struct {
	msg string
	err error
}

func (e *readError) Error() string { return e.msg }
func (e *readError) Unwrap() error { return e.err }

// readMapping reads the mapping file at path, explaining a failure in the
// same style as sheet.Open: "m.yaml: mapping file not found (check the
// name and the folder)".
func readMapping(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err == nil {
		return data, notUTF8(path, data)
	}
	var msg string
	switch {
	case errors.Is(err, fs.ErrNotExist):
		msg = "mapping file not found (check the name and the folder)"
	case isDir(path):
		msg = "is a folder, not a mapping file: give the name of the .yaml file inside it"
	case errors.Is(err, fs.ErrPermission):
		msg = "cannot open the mapping file (is it open in another program? if not, check that you may read it)"
	default:
		msg = "cannot read the mapping file: " + osReason(err)
	}
	return nil, &readError{msg: path + ": " + msg, err: err}
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

// osReason is the operating system's reason without the operation and
// path that *fs.PathError adds.
func osReason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// notUTF8 refuses a mapping file saved in another encoding than UTF-8
// (Notepad's "ANSI", i.e. Windows-1250 or -1251 on Polish and Russian
// Windows), naming the first line with such a character: YAML is UTF-8,
// and a column name read wrongly would match no column.
func notUTF8(path string, data []byte) error {
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	if utf8.Valid(data) {
		return nil
	}
	line := 1
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			break
		}
		if r == '\n' {
			line++
		}
		i += n
	}
	return &readError{msg: fmt.Sprintf("%s:%d: the mapping file is not saved as UTF-8 (this line has letters in another encoding, as Notepad's \"ANSI\" writes them): open it in Notepad, choose File > Save As, set Encoding to UTF-8 and save", path, line),
		err: errors.New("not UTF-8")}
}
