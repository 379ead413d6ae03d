package importer

import (
	"errors"
	"sync"
)

// The reader runs ahead of the writer: while a batch is decided and
// committed, the next records are parsed on another core. It reads in
// chunks, at most prefetchChunks chunks ahead, and stops when the import
// ends (stop), so that the caller may close the Reader once Run returns.
const (
	prefetchChunk  = 512
	prefetchChunks = 8
)

// readItem is one result of Reader.Next.
type readItem struct {
	rec Record
	err error
}

// readChunk is what the reader read in a row, with its progress after the
// last of them (Measured readers).
type readChunk struct {
	items       []readItem
	done, total int64
}

// prefetch starts reading r. The chunks end with the first item whose err
// is not a *RecordError (io.EOF at the end of the input). halt stops the
// reader and waits for it.
func prefetch(r Reader) (chunks <-chan readChunk, halt func()) {
	out := make(chan readChunk, prefetchChunks)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(out)
		m, measured := r.(Measured)
		for {
			c := readChunk{items: make([]readItem, 0, prefetchChunk)}
			last := false
			for len(c.items) < prefetchChunk && !last {
				rec, err := r.Next()
				c.items = append(c.items, readItem{rec: rec, err: err})
				var re *RecordError
				last = err != nil && !errors.As(err, &re)
			}
			if measured {
				c.done, c.total = m.Progress()
			}
			select {
			case out <- c:
			case <-stop:
				return
			}
			if last {
				return
			}
		}
	}()
	var once sync.Once
	return out, func() {
		once.Do(func() { close(stop) })
		wg.Wait()
	}
}

// errReaderStopped is what the loop sees if the reader's channel closes
// without an end (it cannot: the reader sends its last item first).
var errReaderStopped = errors.New("importer: the reader stopped before the end of its input")
