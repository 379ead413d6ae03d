package importer_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/polgraph/polgraph/internal/importer"
	"github.com/polgraph/polgraph/internal/importer/importertest"
	"github.com/polgraph/polgraph/internal/importer/popolo"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/store/open"
	"github.com/polgraph/polgraph/internal/store/teststore"
)

func asEditor(ctx context.Context) context.Context {
	return kg.WithPrincipal(ctx, kg.Principal{Name: "importer-test", Role: kg.RoleEditor, Authenticated: true})
}

func popoloFile(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", "data", "popolo", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared data absent: %v", err)
	}
	return p
}

func importPopolo(t testing.TB, svc *kg.Service, path string, opt importer.Options) importer.Summary {
	t.Helper()
	r, err := popolo.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := importer.Run(asEditor(context.Background()), svc, r, opt)
	if err != nil {
		t.Fatalf("import %s: %v\n%s", path, err, sum.String())
	}
	return sum
}

// Both EveryPolitician files land whole: every record is written or
// reported with its id and reason, and importing again changes nothing.
func TestPopoloRealFilesIdempotent(t *testing.T) {
	st := teststore.Open(t)
	svc := kg.NewService(st, kg.DefaultLimits)
	for _, name := range []string{"australia-representatives.json", "new-zealand-house.json"} {
		path := popoloFile(t, name)
		sum := importPopolo(t, svc, path, importer.Options{})
		t.Logf("%s (%s): %s", name, teststore.Name(), sum.String())
		if sum.ErrorCount != 0 {
			t.Errorf("%s: %d records failed: %v", name, sum.ErrorCount, sum.Errors)
		}
		counts := countFile(t, path)
		landed := sum.Entities.Created + sum.Entities.Updated + sum.Entities.Unchanged
		if landed != counts.entities {
			t.Errorf("%s: %d entity records landed, the file has %d", name, landed, counts.entities)
		}
		if sum.Relationships.Created != counts.relationships {
			t.Errorf("%s: %d relationships created, the file asserts %d", name, sum.Relationships.Created, counts.relationships)
		}
		if got := sum.SkippedCount; got != counts.areas+counts.posts {
			t.Errorf("%s: %d skipped, want the %d areas and posts", name, got, counts.areas+counts.posts)
		}
		if sum.Records != counts.records {
			t.Errorf("%s: %d records read, the file has %d", name, sum.Records, counts.records)
		}
	}
	before := importertest.Snapshot(context.Background(), t, st)
	audit := auditCount(t, st)
	for _, name := range []string{"australia-representatives.json", "new-zealand-house.json"} {
		sum := importPopolo(t, svc, popoloFile(t, name), importer.Options{})
		if sum.Entities.Created+sum.Entities.Updated+sum.Relationships.Created+sum.Relationships.Updated != 0 {
			t.Errorf("a second import of %s wrote: %s", name, sum.String())
		}
	}
	if diff := cmp.Diff(before, importertest.Snapshot(context.Background(), t, st)); diff != "" {
		t.Errorf("a second import changed the graph (-before +after):\n%s", diff)
	}
	if got := auditCount(t, st); got != audit {
		t.Errorf("a second import added %d audit records", got-audit)
	}
}

func auditCount(t testing.TB, st kg.Store) int {
	t.Helper()
	n := 0
	after := ""
	for {
		page, err := st.AuditLog(context.Background(), kg.AuditQuery{First: 500, After: after})
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Records)
		if !page.HasNextPage || len(page.Records) == 0 {
			return n
		}
		after = page.Records[len(page.Records)-1].ID
	}
}

type fileCounts struct {
	records, entities, relationships, areas, posts int
	// members[party][period] counts the memberships on behalf of a party
	// in a legislative period.
	members map[string]map[string]int
}

// countFile parses a Popolo file on its own (not with the reader under
// test) and counts what an import must write.
func countFile(t testing.TB, path string) fileCounts {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Persons, Organizations, Areas, Posts []map[string]any
		Events                               []struct {
			OrganizationID string `json:"organization_id"`
		}
		Memberships []struct {
			OrganizationID string `json:"organization_id"`
			OnBehalfOfID   string `json:"on_behalf_of_id"`
			Period         string `json:"legislative_period_id"`
		}
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	c := fileCounts{members: map[string]map[string]int{}}
	c.entities = len(f.Persons) + len(f.Organizations) + len(f.Events)
	c.areas, c.posts = len(f.Areas), len(f.Posts)
	c.records = c.entities + len(f.Memberships) + c.areas + c.posts
	for _, e := range f.Events {
		if e.OrganizationID != "" {
			c.relationships++
		}
	}
	for _, m := range f.Memberships {
		c.relationships++
		if m.OnBehalfOfID != "" && m.OnBehalfOfID != m.OrganizationID {
			c.relationships++
			if c.members[m.OnBehalfOfID] == nil {
				c.members[m.OnBehalfOfID] = map[string]int{}
			}
			c.members[m.OnBehalfOfID][m.Period]++
		}
	}
	return c
}

// The members of each party in each legislative period, as the graph
// holds them, match the file.
func TestPopoloMembersPerPartyAndPeriod(t *testing.T) {
	st := teststore.Open(t)
	svc := kg.NewService(st, kg.DefaultLimits)
	for _, name := range []string{"australia-representatives.json", "new-zealand-house.json"} {
		path := popoloFile(t, name)
		importPopolo(t, svc, path, importer.Options{})
		want := countFile(t, path).members
		ds := strings.TrimSuffix(name, ".json")
		got := map[string]map[string]int{}
		for party := range want {
			id := importer.EntityID(ds, party)
			after := ""
			for {
				first := 500
				page, err := svc.Relationships(context.Background(), kg.RelQuery{Entity: id, Direction: kg.In, Types: []kg.RelType{kg.MemberOf}, After: after}, &first)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range page.Edges {
					period := ""
					for _, a := range e.Relationship.Attributes {
						if a.Name == "legislative_period_id" {
							period = a.Value
						}
					}
					if got[party] == nil {
						got[party] = map[string]int{}
					}
					got[party][period]++
					after = e.Cursor
				}
				if !page.HasNextPage {
					break
				}
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: members per party and period (-file +graph):\n%s", name, diff)
		}
	}
}

// A run killed by its PID midway and run again leaves the graph an
// uninterrupted import leaves.
func TestPopoloResumeAfterKill(t *testing.T) {
	path := popoloFile(t, "australia-representatives.json")
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	uri := os.Getenv("NEO4J_URI")
	if uri == "" {
		uri = t.TempDir()
	}
	// The uninterrupted import, in a store of its own (Neo4j: the same
	// database, snapshotted and emptied).
	st := teststore.Open(t)
	importPopolo(t, kg.NewService(st, kg.DefaultLimits), path, importer.Options{BatchSize: 100})
	want := importertest.Snapshot(context.Background(), t, st)
	if os.Getenv("NEO4J_URI") != "" {
		st = teststore.Open(t) // emptied
	} else {
		st = nil
	}

	cmd := exec.Command(os.Args[0], "-test.run=^TestResumeChild$")
	cmd.Env = append(os.Environ(), "IMPORTER_CHILD_STORE="+uri, "IMPORTER_CHILD_FILE="+abs)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	killed := false
	for sc.Scan() {
		if sc.Text() == "batch 3" {
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			killed = true
			break
		}
	}
	go io.Copy(io.Discard, out)
	cmd.Wait()
	if !killed {
		t.Fatal("the child finished before it could be killed")
	}

	if st == nil {
		s, err := open.Open(context.Background(), uri, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		st = s
	}
	partial := importertest.Snapshot(context.Background(), t, st)
	if len(partial.Entities) == 0 || len(partial.Entities) >= len(want.Entities) {
		t.Fatalf("the killed import left %d entities of %d: not midway", len(partial.Entities), len(want.Entities))
	}
	sum := importPopolo(t, kg.NewService(st, kg.DefaultLimits), path, importer.Options{BatchSize: 100})
	if sum.Entities.Unchanged == 0 {
		t.Errorf("the rerun found nothing of the killed run: %s", sum.String())
	}
	if diff := cmp.Diff(want, importertest.Snapshot(context.Background(), t, st)); diff != "" {
		t.Errorf("killed and rerun differs from uninterrupted (-want +got):\n%s", diff)
	}
}

// TestResumeChild is the import TestPopoloResumeAfterKill kills: it says
// each batch it committed on stdout and waits a little, so that the
// parent kills it midway.
func TestResumeChild(t *testing.T) {
	uri, file := os.Getenv("IMPORTER_CHILD_STORE"), os.Getenv("IMPORTER_CHILD_FILE")
	if uri == "" {
		t.Skip("run by TestPopoloResumeAfterKill")
	}
	st, err := open.Open(context.Background(), uri, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	importPopolo(t, kg.NewService(st, kg.DefaultLimits), file, importer.Options{BatchSize: 100,
		AfterBatch: func(n int) error {
			fmt.Printf("batch %d\n", n)
			time.Sleep(200 * time.Millisecond)
			return nil
		}})
}

// slowStore is a real store that, like a loaded Neo4j past its
// transaction timeout, cannot take a write of more than max items in
// time: it refuses it whole, writing nothing.
type slowStore struct {
	kg.Store
	max int
}

func (s slowStore) Apply(ctx context.Context, b kg.Batch) error {
	if n := len(b.Entities) + len(b.Relationships); n > s.max {
		return kg.Unavailable("apply", fmt.Errorf("neo4j did not answer in time: %d items", n))
	}
	return s.Store.Apply(ctx, b)
}

// A batch the store cannot take in time is written in halves; the graph is
// the one an import the store takes whole leaves.
func TestBatchSplitOnTimeout(t *testing.T) {
	path := popoloFile(t, "new-zealand-house.json")
	st := teststore.Open(t)
	sum := importPopolo(t, kg.NewService(st, kg.DefaultLimits), path, importer.Options{})
	want := importertest.Snapshot(context.Background(), t, st)
	if sum.Batches != 1 {
		t.Fatalf("the whole import is %d batches, want 1", sum.Batches)
	}
	st = teststore.Open(t) // a fresh store (on Neo4j: the database emptied)
	sum = importPopolo(t, kg.NewService(slowStore{Store: st, max: 100}, kg.DefaultLimits), path, importer.Options{})
	if sum.Batches < 4 || sum.ErrorCount != 0 || sum.Entities.Created != 130 || sum.Relationships.Created != 243 {
		t.Errorf("split import: %s", sum.String())
	}
	if diff := cmp.Diff(want, importertest.Snapshot(context.Background(), t, st)); diff != "" {
		t.Errorf("split import differs (-whole +split):\n%s", diff)
	}
}
