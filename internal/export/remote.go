package export

import (
	"archive/zip"
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/polgraph/polgraph/internal/kg"
)

// RunRemote runs an export the way RunOptions does, but through a running
// server's /export: get sends GET /export with the query and returns the
// body of a 200 (or the error the server answered). A csv export into a
// directory arrives as the zip the server sends and is unpacked there.
func RunRemote(ctx context.Context, get func(ctx context.Context, q url.Values) (io.ReadCloser, error), o *CLIOptions, stdout io.Writer) error {
	const op = "export"
	f, err := o.resolveFormat(op)
	if err != nil {
		return err
	}
	q := url.Values{"format": {f.Name}}
	for _, s := range o.seeds {
		q.Add("seed", s)
	}
	set := map[string]bool{}
	o.fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	if set["depth"] {
		q.Set("depth", strconv.Itoa(o.depth))
	}
	if set["limit"] {
		q.Set("limit", strconv.Itoa(o.limit))
	}
	if o.types != "" {
		q.Set("types", strings.ToUpper(o.types))
	}
	if o.asOf != "" {
		q.Set("asOf", o.asOf)
	}
	body, err := get(ctx, q)
	if err != nil {
		return err
	}
	defer body.Close()
	if o.out == "" {
		_, err := io.Copy(stdout, body)
		return err
	}
	dir := ""
	if f.Archive && wantsDir(o.out) {
		dir = o.out
	}
	target := o.out
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return kg.Internal(op, err)
		}
		target = filepath.Join(dir, ".export.zip")
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".*")
	if err != nil {
		return kg.Internal(op, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, body); err != nil {
		tmp.Close()
		return kg.Unavailable(op, err)
	}
	if err := tmp.Close(); err != nil {
		return kg.Internal(op, err)
	}
	if dir == "" {
		if err := os.Rename(tmp.Name(), o.out); err != nil {
			return kg.Internal(op, err)
		}
		return nil
	}
	return unzipInto(dir, tmp.Name())
}

// unzipInto writes the files of a csv export's zip into dir.
func unzipInto(dir, zipPath string) error {
	const op = "export"
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		return kg.Internal(op, fmt.Errorf("the server's csv export is not a zip: %w", err))
	}
	defer zr.Close()
	for _, zf := range zr.File {
		name := zf.Name
		if name != filepath.Base(name) || name == "." || name == ".." || strings.ContainsAny(name, `/\`) {
			return kg.Internal(op, fmt.Errorf("the server's csv export holds %q, not a plain file name", name))
		}
		rc, err := zf.Open()
		if err != nil {
			return kg.Internal(op, err)
		}
		err = writeFile(filepath.Join(dir, name), rc)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func writeFile(path string, r io.Reader) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return kg.Internal("export", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, r); err != nil {
		tmp.Close()
		return kg.Internal("export", err)
	}
	if err := tmp.Close(); err != nil {
		return kg.Internal("export", err)
	}
	return os.Rename(tmp.Name(), path)
}
