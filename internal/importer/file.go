package importer

import (
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"strconv"
)

// CountingReader counts the bytes read through it: a Reader's progress
// through its file.
type CountingReader struct {
	R io.Reader
	N int64 // bytes read so far
}

// Read implements io.Reader.
func (c *CountingReader) Read(p []byte) (int, error) {
	n, err := c.R.Read(p)
	c.N += int64(n)
	return n, err
}

// OpenFile gives newReader (a format's New) the file at path: a function
// that opens it, its size and its base name (the file in provenance).
func OpenFile[R any](path string, newReader func(open func() (io.ReadCloser, error), size int64, file string) (R, error)) (R, error) {
	st, err := os.Stat(path)
	if err != nil {
		var zero R
		return zero, err
	}
	return newReader(func() (io.ReadCloser, error) { return os.Open(path) }, st.Size(), filepath.Base(path))
}

// ShortHash is a short stable name for s (FNV-1a, 64 bits, in base 36): a
// reader names a record that has no id of its own by hashing what it says,
// so that the same record has the same id in every run. Changing it changes
// the ids of records already imported.
func ShortHash(s string) string {
	h := fnv.New64a()
	io.WriteString(h, s)
	return strconv.FormatUint(h.Sum64(), 36)
}
