package sheet

import (
	"errors"
	"io"

	"github.com/crmport/crmport/internal/ahead"
)

// aheadChunk is how much of the sheet's XML one read ahead holds.
const aheadChunk = 64 << 10

type chunkRead struct {
	buf []byte
	err error
}

// byteAhead reads an io.Reader on a goroutine of its own, a few chunks
// ahead of its consumer: a worksheet's XML is inflated on one core while
// the rows before are parsed on another (inflating was about a fifth of
// the reading goroutine's time, and that goroutine bounds an XLSX dry
// run). At most 6 chunks of 64 KiB are read ahead. Read returns the bytes
// in order, then the reader's error (io.EOF at the end); a panic in the
// reader is raised again in Read's goroutine (a *bug.Error). Close stops
// the goroutine, waits for it and closes the reader.
type byteAhead struct {
	rc   io.ReadCloser
	rd   *ahead.Reader[chunkRead]
	cur  []byte // what is left of the chunk being read
	buf  []byte // that chunk's buffer, given back when it is read
	err  error  // the reader's error, once every byte before it is read
	free chan []byte
}

func newByteAhead(rc io.ReadCloser) *byteAhead {
	b := &byteAhead{rc: rc, free: make(chan []byte, 8)}
	b.rd = ahead.New(1, 4, func() (chunkRead, bool) {
		var buf []byte
		select {
		case buf = <-b.free:
		default:
			buf = make([]byte, aheadChunk)
		}
		n, err := io.ReadFull(rc, buf[:aheadChunk])
		if errors.Is(err, io.ErrUnexpectedEOF) {
			err = io.EOF
		}
		return chunkRead{buf: buf[:n], err: err}, err == nil
	})
	return b
}

// Read reads the bytes read ahead.
func (b *byteAhead) Read(p []byte) (int, error) {
	for len(b.cur) == 0 {
		if b.buf != nil {
			select {
			case b.free <- b.buf[:cap(b.buf)]:
			default:
			}
			b.buf = nil
		}
		if b.err != nil {
			return 0, b.err
		}
		c, ok := b.rd.Next()
		if !ok {
			return 0, errSheetClosed
		}
		b.cur, b.buf, b.err = c.buf, c.buf, c.err
		if len(p) == 0 {
			return 0, nil
		}
	}
	n := copy(p, b.cur)
	b.cur = b.cur[n:]
	return n, nil
}

// Close stops reading ahead and closes the reader; Read fails after it.
// It must not run beside Read.
func (b *byteAhead) Close() error {
	b.rd.Stop()
	b.cur, b.buf = nil, nil
	if b.err == nil || errors.Is(b.err, io.EOF) {
		b.err = errSheetClosed
	}
	return b.rc.Close()
}

var errSheetClosed = errors.New("the sheet was read after it was closed")
