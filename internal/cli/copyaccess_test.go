package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/polgraph/polgraph/examples"
)

// auditLines reads the audit log of the data directory dir as JSON lines.
func auditLines(t *testing.T, dir string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(mustPolgraph(t, "audit", "export", "--data", dir)), "\n") {
		if line == "" {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("audit line %q: %v", line, err)
		}
		out = append(out, rec)
	}
	return out
}

// TestCopyWithKeysAndAudit: copy moves the keys and the audit log only when
// asked, exactly as they are, and only between stores opened directly.
func TestCopyWithKeysAndAudit(t *testing.T) {
	work := t.TempDir()
	src := filepath.Join(work, "src")
	demo := filepath.Join(work, "demo.json")
	if err := os.WriteFile(demo, examples.Demo(), 0o644); err != nil {
		t.Fatal(err)
	}
	mustPolgraph(t, "ingest", "--data", src, demo)
	mustPolgraph(t, "keys", "create", "--data", src, "--role", "editor", "--name", "alice")
	mustPolgraph(t, "keys", "create", "--data", src, "--role", "reader", "--name", "bob")
	mustPolgraph(t, "keys", "revoke", "--data", src, "bob")
	keys := mustPolgraph(t, "keys", "list", "--data", src)
	log := auditLines(t, src)
	if len(log) != 4 {
		t.Fatalf("the source's audit log holds %d records, want 4", len(log))
	}

	plain := filepath.Join(work, "plain")
	mustPolgraph(t, "copy", "--from", src, "--to", plain)
	if got := mustPolgraph(t, "keys", "list", "--data", plain); strings.Contains(got, "alice") {
		t.Errorf("a copy without --with-keys moved keys:\n%s", got)
	}
	if got := auditLines(t, plain); len(got) != 0 {
		t.Errorf("a copy without --with-audit moved %d audit records", len(got))
	}

	full := filepath.Join(work, "full")
	out := mustPolgraph(t, "copy", "--from", src, "--to", full, "--with-keys", "--with-audit", "--batch", "3")
	if !strings.Contains(out, "copied 2 API keys") || !strings.Contains(out, "copied 4 audit records") {
		t.Errorf("copy said %q", out)
	}
	if got := mustPolgraph(t, "keys", "list", "--data", full); got != keys {
		t.Errorf("keys (-source +copy):\n%s", cmp.Diff(keys, got))
	}
	if d := cmp.Diff(log, auditLines(t, full)); d != "" {
		t.Errorf("audit log (-source +copy):\n%s", d)
	}
	// Again: nothing changes.
	mustPolgraph(t, "copy", "--from", src, "--to", full, "--with-keys", "--with-audit")
	if d := cmp.Diff(log, auditLines(t, full)); d != "" {
		t.Errorf("audit log after copying twice (-source +copy):\n%s", d)
	}
	// The demo's load, made on the source, is reverted on the copy.
	mustPolgraph(t, "audit", "revert", "--data", full, log[0]["id"].(string))
	if got := mustPolgraph(t, "export", "--data", full, "--format", "polgraph"); !strings.Contains(got, `"end":{"entities":0,"relationships":0}`) {
		t.Errorf("after reverting the demo load the copy holds more than nothing: %.300s", got)
	}

	// Through a running server: refused, before anything is written.
	startServe(t, src)
	other := filepath.Join(work, "other")
	_, err := polgraph(t, "copy", "--from", src, "--to", other, "--with-keys")
	if err == nil || !strings.Contains(err.Error(), "opened directly") {
		t.Errorf("copy --with-keys from a served directory: %v", err)
	}
	if _, err := os.Stat(other); err == nil {
		t.Error("the refused copy created its target")
	}
}
