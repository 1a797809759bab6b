package importer

import (
	"bytes"
	"errors"
	"fmt"
	"os"
)

// cutTornTail removes the last line of the journal at path if it was cut
// short: a run killed while writing it (a write of several pages can stop
// part-way on SIGKILL) leaves it without its newline. The reader ignores
// such a line; left in place, the next run would append to it, joining
// the fragment and its own first line into a damaged line in the middle
// of the journal, which the run after that refuses. Cutting it loses
// nothing: its rows were recorded in flight before they were sent.
func cutTornTail(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot write the journal: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("cannot write the journal: %w", err)
	}
	size := st.Size()
	buf := make([]byte, 64*1024)
	for end := size; end > 0; {
		n := min(int64(len(buf)), end)
		if _, err := f.ReadAt(buf[:n], end-n); err != nil {
			return fmt.Errorf("cannot read the journal: %w", err)
		}
		if end == size && buf[n-1] == '\n' {
			return nil // the last line is whole
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			return cutAt(f, end-n+int64(i)+1)
		}
		end -= n
	}
	// No newline at all: only the header, complete (the reader checked it)
	// but for its newline. Starting the file again writes it whole.
	return cutAt(f, 0)
}

// cutAt truncates f to size and makes it durable.
func cutAt(f *os.File, size int64) error {
	if err := f.Truncate(size); err != nil {
		return fmt.Errorf("cannot repair the end of the journal: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("cannot repair the end of the journal: %w", err)
	}
	return nil
}
