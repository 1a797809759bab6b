package mapping

import (
	"errors"
	"io/fs"
	"os"
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
		return data, nil
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
