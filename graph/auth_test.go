package graph_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/polgraph/polgraph/internal/export"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/server"
)

// doAs posts a query with Authorization: Bearer key ("" sends none) and
// returns the HTTP status with the response.
func (e *env) doAs(key, query string, vars map[string]any) (int, response) {
	e.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	return rec.Code, decode(e.t, rec.Body)
}

func (e *env) okAs(key, query string, vars map[string]any, v any) {
	e.t.Helper()
	_, resp := e.doAs(key, query, vars)
	if len(resp.Errors) > 0 {
		e.t.Fatalf("unexpected errors: %+v", resp.Errors)
	}
	if v != nil {
		if err := json.Unmarshal(resp.Data, v); err != nil {
			e.t.Fatalf("decode data: %v\n%s", err, resp.Data)
		}
	}
}

func (e *env) failsAs(key, query string, vars map[string]any, code string) gqlError {
	e.t.Helper()
	_, resp := e.doAs(key, query, vars)
	if len(resp.Errors) != 1 {
		e.t.Fatalf("want one %s error, got %+v (data %s)", code, resp.Errors, resp.Data)
	}
	if got := resp.Errors[0].code(); got != code {
		e.t.Errorf("code = %q, want %q (message %q)", got, code, resp.Errors[0].Message)
	}
	return resp.Errors[0]
}

// key creates a key as an in-process admin and returns its secret.
func (e *env) key(name string, role kg.Role) string {
	e.t.Helper()
	_, secret, err := e.svc.CreateKey(context.Background(), name, role)
	if err != nil {
		e.t.Fatal(err)
	}
	return secret
}

// writes counts the audit records of graph writes.
func (e *env) writes() int {
	e.t.Helper()
	n := 0
	err := e.svc.ScanAudit(context.Background(), kg.AuditQuery{}, func(r kg.AuditRecord) error {
		if r.Key == nil {
			n++
		}
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

const upsertChong = `mutation { upsertEntity(entity: {id: "michael-kovrig", kind: PERSON, name: "Vandalised"}) { id name } }`

func TestMutationWithoutKeyIsUnauthenticated(t *testing.T) {
	for _, tc := range []struct {
		name  string
		auth  server.Auth
		keyed bool
	}{
		{"keys exist", server.Auth{AnonymousWrites: server.AnonymousWritesWithoutKeys}, true},
		{"anonymous writes never", server.Auth{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, true, func(o *server.Options) { o.Auth = tc.auth })
			if tc.keyed {
				e.key("alice", kg.RoleEditor)
			}
			before, writes := e.counts(), e.writes()
			chong, err := e.svc.Entity(context.Background(), "michael-kovrig")
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range []string{
				upsertChong,
				`mutation { upsertRelationship(relationship: {type: MEMBER_OF, from: "han-dong", to: "liberal-party"}) { id } }`,
				`mutation { addEvidence(relationship: "x", evidence: {article: "article"}) { id } }`,
				`mutation { ingestDossier(dossier: "{}") { created } }`,
			} {
				e.failsAs("", m, nil, "UNAUTHENTICATED")
			}
			after, err := e.svc.Entity(context.Background(), "michael-kovrig")
			if err != nil {
				t.Fatal(err)
			}
			if after.Name != chong.Name || e.counts().Relationships != before.Relationships || e.writes() != writes {
				t.Errorf("an unauthenticated mutation wrote something: %q, %d relationships, %d writes", after.Name, e.counts().Relationships, e.writes())
			}
			// Reads stay open.
			var d struct{ Entity struct{ Name string } }
			e.okAs("", `{ entity(id: "han-dong") { name } }`, nil, &d)
			if d.Entity.Name != "Han Dong" {
				t.Errorf("anonymous read = %+v", d)
			}
		})
	}
}

func TestAnonymousWritesUntilTheFirstKey(t *testing.T) {
	e := newEnv(t, true, func(o *server.Options) { o.Auth = server.Auth{AnonymousWrites: server.AnonymousWritesWithoutKeys} })
	e.okAs("", upsertChong, nil, nil)
	log, err := e.svc.AuditLog(context.Background(), kg.AuditQuery{Entity: "michael-kovrig"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(log.Records); n != 2 || log.Records[1].Actor != kg.ActorAnonymous || log.Records[1].Op != "upsertEntity" {
		t.Fatalf("audit log of michael-kovrig = %+v, want the demo load then an anonymous upsertEntity", log.Records)
	}
	e.key("root", kg.RoleAdmin)
	e.failsAs("", upsertChong, nil, "UNAUTHENTICATED")
}

func TestRoles(t *testing.T) {
	e := newEnv(t, true, func(o *server.Options) { o.Auth = server.Auth{AnonymousWrites: server.AnonymousWritesWithoutKeys} })
	reader, editor, admin := e.key("rita", kg.RoleReader), e.key("ed", kg.RoleEditor), e.key("ada", kg.RoleAdmin)
	writes := e.writes()

	// A reader reads and cannot write.
	var d struct{ Entity struct{ Name string } }
	e.okAs(reader, `{ entity(id: "han-dong") { name } }`, nil, &d)
	if g := e.failsAs(reader, upsertChong, nil, "FORBIDDEN"); !strings.Contains(g.Message, "rita") || !strings.Contains(g.Message, "editor") {
		t.Errorf("FORBIDDEN message %q should name the key and the role needed", g.Message)
	}
	if e.writes() != writes {
		t.Fatal("a reader's mutation wrote something")
	}

	// An editor writes, attributed to the key; admin operations stay closed.
	e.okAs(editor, upsertChong, nil, nil)
	rec := lastWrite(t, e)
	if rec.Actor != "ed" || rec.Op != "upsertEntity" || len(rec.Entities) != 1 || rec.Entities[0].Before == nil || rec.Entities[0].Before.Name != "Michael Kovrig" {
		t.Errorf("editor's write recorded as %+v", rec)
	}
	for _, q := range []string{
		`{ auditLog { edges { cursor } } }`,
		`{ apiKeys { name } }`,
		`mutation { createApiKey(name: "eve", role: ADMIN) { secret } }`,
		`mutation { revokeApiKey(name: "ada") { name } }`,
		`mutation { revertWrite(id: "x") { id } }`,
	} {
		e.failsAs(editor, q, nil, "FORBIDDEN")
		e.failsAs(reader, q, nil, "FORBIDDEN")
	}

	// An admin reverts the editor's write.
	var rv struct {
		RevertWrite struct {
			ID, Actor, Operation, Reverts string
			Entities                      []struct {
				ID, Change    string
				Before, After map[string]any
			}
		}
	}
	e.okAs(admin, `mutation($id: ID!) { revertWrite(id: $id) { id actor operation reverts entities { id change before after } } }`,
		map[string]any{"id": rec.ID}, &rv)
	got := rv.RevertWrite
	if got.Actor != "ada" || got.Operation != "revertWrite" || got.Reverts != rec.ID || len(got.Entities) != 1 ||
		got.Entities[0].Change != "UPDATED" || got.Entities[0].Before["name"] != "Vandalised" || got.Entities[0].After["name"] != "Michael Kovrig" {
		t.Errorf("revertWrite = %+v", got)
	}
	chong, err := e.svc.Entity(context.Background(), "michael-kovrig")
	if err != nil || chong.Name != "Michael Kovrig" {
		t.Errorf("after the revert: %+v, %v", chong, err)
	}
	e.failsAs(admin, `mutation($id: ID!) { revertWrite(id: $id) { id } }`, map[string]any{"id": rec.ID}, "CONFLICT")
	e.failsAs(admin, `mutation { revertWrite(id: "no-such-write") { id } }`, nil, "NOT_FOUND")
}

func lastWrite(t *testing.T, e *env) kg.AuditRecord {
	t.Helper()
	var last kg.AuditRecord
	if err := e.svc.ScanAudit(context.Background(), kg.AuditQuery{}, func(r kg.AuditRecord) error { last = r; return nil }); err != nil {
		t.Fatal(err)
	}
	return last
}

func TestKeyManagement(t *testing.T) {
	e := newEnv(t, false, func(o *server.Options) {
		o.Auth = server.Auth{ReadsNeedKey: true, LocalToken: "local-token-for-the-test"}
	})
	// The local token is the command line, as admin.
	var v struct {
		Viewer struct {
			Name          string
			Role          *string
			Authenticated bool
		}
	}
	e.okAs("local-token-for-the-test", `{ viewer { name role authenticated } }`, nil, &v)
	if v.Viewer.Name != "cli" || v.Viewer.Role == nil || *v.Viewer.Role != "ADMIN" || !v.Viewer.Authenticated {
		t.Errorf("viewer with the local token = %+v", v.Viewer)
	}
	var c struct {
		CreateAPIKey struct {
			Secret string
			Key    struct {
				Name, Role, CreatedBy string
				Active                bool
			}
		} `json:"createApiKey"`
	}
	e.okAs("local-token-for-the-test", `mutation { createApiKey(name: "alice", role: READER) { secret key { name role createdBy active } } }`, nil, &c)
	if k := c.CreateAPIKey.Key; k.Name != "alice" || k.Role != "READER" || k.CreatedBy != "cli" || !k.Active || !strings.HasPrefix(c.CreateAPIKey.Secret, kg.KeyPrefix) {
		t.Fatalf("createApiKey = %+v", c.CreateAPIKey)
	}
	alice := c.CreateAPIKey.Secret
	e.failsAs("local-token-for-the-test", `mutation { createApiKey(name: "alice", role: ADMIN) { secret } }`, nil, "CONFLICT")
	e.failsAs("local-token-for-the-test", `mutation { createApiKey(name: "anonymous", role: ADMIN) { secret } }`, nil, "BAD_USER_INPUT")

	// Reads need a key: none is UNAUTHENTICATED, alice's works.
	e.failsAs("", `{ stats { entities } }`, nil, "UNAUTHENTICATED")
	e.failsAs("", `{ __schema { queryType { name } } }`, nil, "UNAUTHENTICATED")
	e.okAs(alice, `{ stats { entities } }`, nil, nil)
	e.okAs(alice, `{ viewer { name } }`, nil, &v)
	if v.Viewer.Name != "alice" {
		t.Errorf("viewer = %+v", v.Viewer)
	}

	// A key that is not valid is refused with 401, whatever the query.
	for _, bad := range []string{"pgk_not-a-key", "x"} {
		status, resp := e.doAs(bad, `{ viewer { name } }`, nil)
		if status != http.StatusUnauthorized || len(resp.Errors) != 1 || resp.Errors[0].code() != "UNAUTHENTICATED" {
			t.Errorf("key %q: status %d, %+v", bad, status, resp.Errors)
		}
	}

	var r struct {
		RevokeAPIKey struct {
			Active    bool
			RevokedBy string
		} `json:"revokeApiKey"`
	}
	e.okAs("local-token-for-the-test", `mutation { revokeApiKey(name: "alice") { active revokedBy } }`, nil, &r)
	if r.RevokeAPIKey.Active || r.RevokeAPIKey.RevokedBy != "cli" {
		t.Errorf("revokeApiKey = %+v", r.RevokeAPIKey)
	}
	if status, _ := e.doAs(alice, `{ stats { entities } }`, nil); status != http.StatusUnauthorized {
		t.Errorf("a revoked key: status %d, want 401", status)
	}
	var k struct {
		APIKeys []struct {
			Name   string
			Active bool
		} `json:"apiKeys"`
	}
	e.okAs("local-token-for-the-test", `{ apiKeys { name active } }`, nil, &k)
	if len(k.APIKeys) != 1 || k.APIKeys[0].Name != "alice" || k.APIKeys[0].Active {
		t.Errorf("apiKeys = %+v", k.APIKeys)
	}
	// Key operations are in the audit log.
	var l struct {
		AuditLog struct {
			Edges []struct {
				Node struct{ Actor, Operation, Key string }
			}
		}
	}
	e.okAs("local-token-for-the-test", `{ auditLog { edges { node { actor operation key } } } }`, nil, &l)
	var ops []string
	for _, edge := range l.AuditLog.Edges {
		ops = append(ops, edge.Node.Actor+" "+edge.Node.Operation+" "+edge.Node.Key)
	}
	if strings.Join(ops, ", ") != "cli createKey alice, cli revokeKey alice" {
		t.Errorf("audit log of key operations = %v", ops)
	}
}

func TestAuditLogQuery(t *testing.T) {
	e := newEnv(t, true, func(o *server.Options) { o.Auth = server.Auth{AnonymousWrites: server.AnonymousWritesWithoutKeys} })
	admin, editor := e.key("ada", kg.RoleAdmin), e.key("ed", kg.RoleEditor)
	for _, name := range []string{"one", "two", "three"} {
		e.okAs(editor, `mutation($n: String!) { upsertEntity(entity: {id: "michael-kovrig", kind: PERSON, name: $n}) { id } }`, map[string]any{"n": name}, nil)
	}
	type page struct {
		AuditLog struct {
			Edges []struct {
				Cursor string
				Node   struct {
					Actor    string
					Entities []struct {
						ID     string
						Change string
						After  map[string]any
					}
				}
			}
			PageInfo struct {
				HasNextPage bool
				EndCursor   *string
			}
		}
	}
	const q = `query($after: String) { auditLog(entity: "michael-kovrig", actor: "ed", first: 2, after: $after) {
	  edges { cursor node { actor entities { id change after } } } pageInfo { hasNextPage endCursor } } }`
	var p1, p2 page
	e.okAs(admin, q, nil, &p1)
	if len(p1.AuditLog.Edges) != 2 || !p1.AuditLog.PageInfo.HasNextPage {
		t.Fatalf("first page = %+v", p1.AuditLog)
	}
	e.okAs(admin, q, map[string]any{"after": *p1.AuditLog.PageInfo.EndCursor}, &p2)
	if len(p2.AuditLog.Edges) != 1 || p2.AuditLog.PageInfo.HasNextPage {
		t.Fatalf("second page = %+v", p2.AuditLog)
	}
	var names []string
	for _, edge := range append(p1.AuditLog.Edges, p2.AuditLog.Edges...) {
		if edge.Node.Actor != "ed" || len(edge.Node.Entities) != 1 || edge.Node.Entities[0].Change != "UPDATED" {
			t.Errorf("record = %+v", edge.Node)
			continue
		}
		names = append(names, edge.Node.Entities[0].After["name"].(string))
	}
	if strings.Join(names, ",") != "one,two,three" {
		t.Errorf("names after each write = %v", names)
	}
	e.failsAs(admin, `{ auditLog(after: "garbage") { edges { cursor } } }`, nil, "BAD_USER_INPUT")
	e.failsAs(admin, `{ auditLog(since: "yesterday") { edges { cursor } } }`, nil, "BAD_USER_INPUT")
	var future page
	e.okAs(admin, `{ auditLog(since: "2999-01-01T00:00:00Z") { edges { cursor } pageInfo { hasNextPage } } }`, nil, &future)
	if len(future.AuditLog.Edges) != 0 {
		t.Errorf("records since 2999: %+v", future.AuditLog.Edges)
	}
}

func TestHTTPRoutesNeedKeys(t *testing.T) {
	e := newEnv(t, true, func(o *server.Options) {
		o.Auth = server.Auth{ReadsNeedKey: true}
		o.Export = export.Handler(o.Service, nil)
	})
	admin, reader := e.key("ada", kg.RoleAdmin), e.key("rita", kg.RoleReader)
	get := func(path, key string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, req)
		return rec
	}
	for _, tc := range []struct {
		path, key string
		status    int
	}{
		{"/audit", "", http.StatusUnauthorized},
		{"/audit", reader, http.StatusForbidden},
		{"/audit", "pgk_wrong", http.StatusUnauthorized},
		{"/audit?since=yesterday", admin, http.StatusBadRequest},
		{"/audit", admin, http.StatusOK},
		{"/healthz", "", http.StatusOK},
		{"/export?format=json&seed=han-dong", "", http.StatusUnauthorized},
		{"/export?format=json&seed=han-dong", reader, http.StatusOK},
	} {
		if rec := get(tc.path, tc.key); rec.Code != tc.status {
			t.Errorf("GET %s: status %d, want %d: %s", tc.path, rec.Code, tc.status, rec.Body)
		}
	}
	rec := get("/audit?entity=han-dong", admin)
	sc := bufio.NewScanner(rec.Body)
	sc.Buffer(nil, 1<<24)
	n := 0
	for sc.Scan() {
		var r kg.AuditRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("line %d is not a record: %v", n+1, err)
		}
		if r.Actor != kg.ActorSystem || r.Op != "ingestDossier" {
			t.Errorf("record %+v", r)
		}
		n++
	}
	if n != 1 || rec.Header().Get("Content-Type") != "application/x-ndjson" {
		t.Errorf("/audit?entity=han-dong: %d lines, Content-Type %q", n, rec.Header().Get("Content-Type"))
	}
}
