package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/polgraph/polgraph/examples"
	"github.com/polgraph/polgraph/internal/cli"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/local"
)

// startServe runs polgraph serve on dir (on a free loopback port) until the
// test ends, and returns its address.
func startServe(t *testing.T, dir string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- cli.Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--data", dir, "--log-format", "json"}, args...), io.Discard, logs)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop")
		}
	})
	addrRe := regexp.MustCompile(`"addr":"(127\.0\.0\.1:\d+)"`)
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := addrRe.FindStringSubmatch(logs.String()); m != nil {
			return m[1]
		}
		select {
		case err := <-done:
			t.Fatalf("serve stopped early: %v\n%s", err, logs.String())
		default:
		}
	}
	t.Fatalf("server did not log its address:\n%s", logs.String())
	return ""
}

// polgraph runs one command in process and returns its stdout.
func polgraph(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := cli.Run(context.Background(), args, &stdout, &stderr)
	if err != nil {
		return stdout.String(), errors.Join(err, errors.New(stderr.String()))
	}
	return stdout.String(), nil
}

func mustPolgraph(t *testing.T, args ...string) string {
	t.Helper()
	out, err := polgraph(t, args...)
	if err != nil {
		t.Fatalf("polgraph %s: %v", strings.Join(args, " "), err)
	}
	return out
}

func post(t *testing.T, addr, key, query string) map[string]any {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func errorCode(resp map[string]any) string {
	errs, _ := resp["errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	ext, _ := errs[0].(map[string]any)["extensions"].(map[string]any)
	code, _ := ext["code"].(string)
	return code
}

// TestCommandsNextToServe runs keys, ingest, export and audit on the data
// directory a running polgraph serve holds: they go through the server, with
// the same authorisation, and the audit log records them as "cli".
func TestCommandsNextToServe(t *testing.T) {
	dir := t.TempDir()
	work := t.TempDir()
	demo := filepath.Join(work, "demo.json")
	if err := os.WriteFile(demo, examples.Demo(), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := startServe(t, dir)

	// The server file: the address and a token only the owner may read.
	fi, err := os.Stat(filepath.Join(dir, local.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", local.FileName, fi.Mode().Perm())
	}
	s, err := local.Read(dir)
	if err != nil || s.URL != "http://"+addr || len(s.Token) < 32 {
		t.Fatalf("server file = %+v, %v", s, err)
	}

	out := mustPolgraph(t, "ingest", "--data", dir, demo)
	if !regexp.MustCompile(`entities [1-9]\d* created, 0 updated, 0 unchanged; relationships [1-9]\d* created`).MatchString(out) {
		t.Errorf("ingest through the server: %q", out)
	}
	out = mustPolgraph(t, "ingest", "--data", dir, demo)
	if !strings.Contains(out, "entities 0 created, 0 updated") {
		t.Errorf("second ingest: %q", out)
	}
	bad := filepath.Join(work, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"article": {"key": "a", "title": "T"}, "entities": [{"key": "x", "kind": "SPACESHIP", "name": "X"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := polgraph(t, "ingest", "--data", dir, bad); err == nil || !strings.Contains(err.Error(), "bad.json") {
		t.Errorf("an invalid dossier through the server: %v", err)
	}

	// Before any key, a loopback server takes anonymous writes; the first
	// key ends that.
	const upsert = `mutation { upsertEntity(entity: {id: "michael-kovrig", kind: PERSON, name: "Michael Kovrig", description: "a Canadian diplomat"}) { id } }`
	if code := errorCode(post(t, addr, "", upsert)); code != "" {
		t.Fatalf("an anonymous write before any key: %s", code)
	}
	secret := strings.TrimSpace(mustPolgraph(t, "keys", "create", "--role", "editor", "--name", "alice", "--data", dir))
	if !strings.HasPrefix(secret, kg.KeyPrefix) {
		t.Fatalf("keys create printed %q, want the secret", secret)
	}
	if code := errorCode(post(t, addr, "", upsert)); code != "UNAUTHENTICATED" {
		t.Errorf("an anonymous write after the first key: code %q, want UNAUTHENTICATED", code)
	}
	if code := errorCode(post(t, addr, secret, strings.Replace(upsert, "a Canadian diplomat", "a former diplomat", 1))); code != "" {
		t.Errorf("alice's write: code %q", code)
	}
	if _, err := polgraph(t, "keys", "create", "--role", "editor", "--name", "alice", "--data", dir); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("a second key named alice: %v", err)
	}
	out = mustPolgraph(t, "keys", "list", "--data", dir)
	if !regexp.MustCompile(`(?m)^alice\s+editor\s+active\s+\S+\s+cli$`).MatchString(out) {
		t.Errorf("keys list:\n%s", out)
	}

	// Exports, to a file and (csv) to a directory.
	file := filepath.Join(work, "han-dong.json")
	mustPolgraph(t, "export", "--data", dir, "--format", "json", "--seed", "han-dong", "-o", file)
	var sub struct{ Nodes []map[string]any }
	if data, err := os.ReadFile(file); err != nil || json.Unmarshal(data, &sub) != nil || len(sub.Nodes) < 2 {
		t.Errorf("exported JSON: %v, %d nodes", err, len(sub.Nodes))
	}
	csvDir := filepath.Join(work, "csv")
	mustPolgraph(t, "export", "--data", dir, "--format", "csv", "-o", csvDir)
	for _, f := range []string{"nodes.csv", "relationships.csv"} {
		if fi, err := os.Stat(filepath.Join(csvDir, f)); err != nil || fi.Size() == 0 {
			t.Errorf("csv export: %s: %v", f, err)
		}
	}
	if _, err := polgraph(t, "export", "--data", dir, "--format", "json", "--seed", "nobody"); err == nil || !strings.Contains(err.Error(), "nobody") || strings.Contains(err.Error(), "{") {
		t.Errorf("an export of a missing seed: %v", err)
	}

	// The audit log: every write, with who made it.
	records := auditExport(t, dir)
	var who []string
	var aliceWrite string
	for _, r := range records {
		who = append(who, r.Actor+" "+r.Op)
		if r.Actor == "alice" {
			aliceWrite = r.ID
		}
	}
	want := "cli ingestDossier, anonymous upsertEntity, cli createKey, alice upsertEntity"
	if strings.Join(who, ", ") != want {
		t.Errorf("audit log: %v\nwant %s", who, want)
	}
	if recs := auditExport(t, dir, "--actor", "alice"); len(recs) != 1 || recs[0].ID != aliceWrite {
		t.Errorf("audit export --actor alice: %+v", recs)
	}
	out = mustPolgraph(t, "audit", "revert", aliceWrite, "--data", dir)
	if !strings.Contains(out, "reverted "+aliceWrite) {
		t.Errorf("audit revert: %q", out)
	}
	resp := post(t, addr, secret, `{ entity(id: "michael-kovrig") { description } }`)
	if d := resp["data"].(map[string]any)["entity"].(map[string]any)["description"]; d != "a Canadian diplomat" {
		t.Errorf("after the revert the description is %v", d)
	}

	mustPolgraph(t, "keys", "revoke", "alice", "--data", dir)
	if code := errorCode(post(t, addr, secret, `{ stats { entities } }`)); code != "UNAUTHENTICATED" {
		t.Errorf("a revoked key: code %q", code)
	}
}

func auditExport(t *testing.T, dir string, args ...string) []kg.AuditRecord {
	t.Helper()
	out := mustPolgraph(t, append([]string{"audit", "export", "--data", dir}, args...)...)
	var recs []kg.AuditRecord
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var r kg.AuditRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("audit export line %q: %v", sc.Text(), err)
		}
		recs = append(recs, r)
	}
	return recs
}

// TestCommandsWithoutServe: with no server (or only the file of one that
// is gone), the commands open the store themselves.
func TestCommandsWithoutServe(t *testing.T) {
	dir := t.TempDir()
	secret := strings.TrimSpace(mustPolgraph(t, "keys", "create", "--data", dir, "--role", "admin", "--name", "root"))
	if !strings.HasPrefix(secret, kg.KeyPrefix) {
		t.Fatalf("keys create printed %q", secret)
	}
	// A server file left by a server that is gone (its port closed).
	if err := local.Write(dir, local.Server{URL: "http://127.0.0.1:1", Token: strings.Repeat("ab", 32)}); err != nil {
		t.Fatal(err)
	}
	out := mustPolgraph(t, "keys", "list", "--data", dir)
	if !strings.Contains(out, "root") || !strings.Contains(out, "admin") {
		t.Errorf("keys list:\n%s", out)
	}
	recs := auditExport(t, dir)
	if len(recs) != 1 || recs[0].Actor != "cli" || recs[0].Op != "createKey" || recs[0].Key == nil || recs[0].Key.Name != "root" {
		t.Errorf("audit log: %+v", recs)
	}
	// A server file others may read is refused, not used.
	if err := os.Chmod(filepath.Join(dir, local.FileName), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := polgraph(t, "keys", "list", "--data", dir); err == nil || !strings.Contains(err.Error(), "other users") {
		t.Errorf("a world-readable server file: %v", err)
	}
	// Usage errors.
	for _, args := range [][]string{
		{"keys"}, {"keys", "make"}, {"keys", "create", "--name", "x"}, {"keys", "create", "--role", "boss", "--name", "x"},
		{"keys", "revoke"}, {"audit"}, {"audit", "revert"}, {"audit", "export", "--since", "yesterday"},
	} {
		if _, err := polgraph(t, append(args, "--data", t.TempDir())...); !errors.Is(err, cli.ErrUsage) {
			t.Errorf("polgraph %v: %v, want a usage error", args, err)
		}
	}
}

// TestServeBeyondLoopbackWithoutKeys: a server bound beyond loopback with
// no key refuses to start, saying why (before it listens).
func TestServeBeyondLoopbackWithoutKeys(t *testing.T) {
	_, err := polgraph(t, "serve", "--addr", "0.0.0.0:0", "--data", t.TempDir())
	if !errors.Is(err, cli.ErrUsage) || !strings.Contains(err.Error(), "no API key") || !strings.Contains(err.Error(), "--allow-anonymous-writes") {
		t.Errorf("serve on 0.0.0.0 without keys: %v", err)
	}
}
