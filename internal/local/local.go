// Package local is where polgraph serve and the command line meet on one
// data directory. The embedded store allows one process per directory, so
// while a server runs, polgraph keys, ingest and export go through it: the
// server writes its address and a local admin token into the directory
// (server.json, readable by its owner only), and the command line reads
// them, checks that the server answering at the address holds the token
// (an HMAC challenge, so the token is never sent to anyone else), and then
// calls the server's HTTP API with the token as its key.
package local

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// FileName is the server file inside the data directory.
const FileName = "server.json"

// Server is what a running server tells the command line.
type Server struct {
	URL   string `json:"url"`   // http://127.0.0.1:8080
	Token string `json:"token"` // the local admin token (server.Auth.LocalToken)
	PID   int    `json:"pid"`
}

// NewToken returns a fresh local token: 32 random bytes, hex.
func NewToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// Write records s in dir, readable and writable by the owner only. The
// file is written beside and renamed, so a reader never sees half of it.
func Write(dir string, s Server) error {
	data, err := json.Marshal(s)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+FileName+".*") // mode 0600
	if err != nil {
		return fmt.Errorf("write server file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("write server file: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write server file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write server file: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, FileName)); err != nil {
		return fmt.Errorf("write server file: %w", err)
	}
	return nil
}

// Remove deletes the server file if it still holds token (a server that
// started later on the same directory has its own).
func Remove(dir, token string) error {
	s, err := Read(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil || s.Token != token {
		return err
	}
	return os.Remove(filepath.Join(dir, FileName))
}

// Read returns the server file of dir: fs.ErrNotExist when there is none.
// A file that others than its owner may read, or that another user owns,
// is refused: its token would not be a secret.
func Read(dir string) (Server, error) {
	path := filepath.Join(dir, FileName)
	fi, err := os.Lstat(path)
	if err != nil {
		return Server{}, err
	}
	if !fi.Mode().IsRegular() {
		return Server{}, fmt.Errorf("%s is not a regular file", path)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return Server{}, fmt.Errorf("%s may be read by other users (mode %v): refusing to use its token; remove it (polgraph serve writes it again)", path, fi.Mode().Perm())
	}
	if err := ownedByMe(fi); err != nil {
		return Server{}, fmt.Errorf("%s: %w", path, err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Server{}, err
	}
	var s Server
	if err := json.Unmarshal(data, &s); err != nil || s.URL == "" || s.Token == "" {
		return Server{}, fmt.Errorf("%s is not a server file", path)
	}
	return s, nil
}
