package local

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteReadRemove(t *testing.T) {
	dir := t.TempDir()
	if _, err := Read(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Read of a directory without a server file: %v, want ErrNotExist", err)
	}
	tok, err := NewToken()
	if err != nil || len(tok) != 64 {
		t.Fatalf("NewToken = %q, %v", tok, err)
	}
	s := Server{URL: "http://127.0.0.1:8080", Token: tok, PID: 42}
	if err := Write(dir, s); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, FileName))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("server file: %v, mode %v; want 0600", err, fi.Mode().Perm())
	}
	got, err := Read(dir)
	if err != nil || got != s {
		t.Fatalf("Read = %+v, %v; want %+v", got, err, s)
	}
	// Another server's token leaves the file alone; ours removes it.
	if err := Remove(dir, "someone-else"); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(dir); err != nil {
		t.Fatalf("the file went with another token: %v", err)
	}
	if err := Remove(dir, tok); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("after Remove: %v", err)
	}
}

func TestReadRefusesReadableOrOdd(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	if err := os.WriteFile(path, []byte(`{"url":"http://x","token":"t"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(dir); err == nil || !strings.Contains(err.Error(), "other users") {
		t.Errorf("a world-readable file: %v", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(`not json`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(dir); err == nil || !strings.Contains(err.Error(), "not a server file") {
		t.Errorf("a file that is not JSON: %v", err)
	}
	os.Remove(path)
	if err := os.Symlink(filepath.Join(dir, "elsewhere"), path); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(dir); err == nil || !strings.Contains(err.Error(), "regular") {
		t.Errorf("a symlink: %v", err)
	}
}
