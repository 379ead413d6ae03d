package embedded

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	bolt "go.etcd.io/bbolt"

	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/store/storetest"
)

func open(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(dir, Options{NoSync: true})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

// TestConformance runs the suite with memory checked against storage after
// every write: incremental index updates must equal a rebuild.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) kg.Store { return &verifying{Store: open(t, t.TempDir()), t: t} },
		storetest.Config{ExactTruncation: true})
}

type verifying struct {
	*Store
	t *testing.T
}

func (v *verifying) Apply(ctx context.Context, b kg.Batch) error {
	err := v.Store.Apply(ctx, b)
	if verr := v.Store.verify(); verr != nil {
		v.t.Errorf("after Apply: %v", verr)
	}
	return err
}

func (v *verifying) Revert(ctx context.Context, id string, m kg.AuditMeta) (kg.AuditRecord, error) {
	rec, err := v.Store.Revert(ctx, id, m)
	if verr := v.Store.verify(); verr != nil {
		v.t.Errorf("after Revert: %v", verr)
	}
	return rec, err
}

// TestConformanceReopened runs the suite on a store that is closed and
// opened again after every write, so that every read is served by memory
// rebuilt from disk.
func TestConformanceReopened(t *testing.T) {
	storetest.Run(t, func(t *testing.T) kg.Store {
		dir := t.TempDir()
		return &reopening{Store: open(t, dir), dir: dir, t: t}
	}, storetest.Config{ExactTruncation: true, SerialWrites: true})
}

type reopening struct {
	*Store
	dir string
	t   *testing.T
	mu  sync.Mutex // concurrent writes reopen one at a time
}

func (r *reopening) Apply(ctx context.Context, b kg.Batch) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	err := r.Store.Apply(ctx, b)
	if cerr := r.Store.Close(); cerr != nil {
		r.t.Fatalf("Close: %v", cerr)
	}
	r.Store = open(r.t, r.dir)
	return err
}

func TestReopenKeepsEverything(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := open(t, dir)
	if err := s.Apply(ctx, storetest.Fixture()); err != nil {
		t.Fatal(err)
	}
	// A second write touching existing records, so that reopening must
	// reproduce updates as well as inserts.
	if err := s.Apply(ctx, kg.Batch{
		Entities:      []kg.Entity{{ID: "p-meng-wanzhou", Kind: kg.Person, Name: "Wanzhou Meng"}},
		Relationships: []kg.Relationship{{ID: "r-joly-liberal", Type: kg.MemberOf, From: "p-melanie-joly", To: "o-liberal", Role: "member", Since: kg.MustDate("2024")}},
		Evidence:      []kg.EvidenceAdd{{Relationship: "r-dong-citizen", Evidence: kg.Evidence{Article: "a-bbc", Confidence: 0.4}}},
	}); err != nil {
		t.Fatal(err)
	}
	before := dump(t, s)
	beforeSearch := searchIDs(t, s, "meng")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir)
	defer s.Close()
	if d := cmp.Diff(before, dump(t, s), cmpopts.EquateEmpty()); d != "" {
		t.Errorf("reopened store differs (-before +after):\n%s", d)
	}
	if d := cmp.Diff(beforeSearch, searchIDs(t, s, "meng")); d != "" {
		t.Errorf("search differs after reopen (-before +after):\n%s", d)
	}
	if err := s.verify(); err != nil {
		t.Error(err)
	}
}

// graphDump is what a store holds, including what its indexes answer.
type graphDump struct {
	Entities      []kg.Entity
	Relationships []kg.Relationship
	Adjacency     map[string][]string // entity → its relationships, as ListRelationships pages them
	Counts        kg.Counts
}

func dump(t *testing.T, s *Store) graphDump {
	t.Helper()
	ctx := context.Background()
	d := graphDump{Adjacency: make(map[string][]string)}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.ScanEntities(ctx, func(e kg.Entity) error { d.Entities = append(d.Entities, e); return nil }))
	must(s.ScanRelationships(ctx, func(r kg.Relationship) error { d.Relationships = append(d.Relationships, r); return nil }))
	for _, e := range d.Entities {
		page, err := s.ListRelationships(ctx, kg.RelQuery{Entity: e.ID, Direction: kg.Both, First: 1000})
		must(err)
		for _, edge := range page.Edges {
			d.Adjacency[e.ID] = append(d.Adjacency[e.ID], edge.Relationship.ID)
		}
	}
	var err error
	d.Counts, err = s.Counts(ctx)
	must(err)
	return d
}

func searchIDs(t *testing.T, s *Store, q string) []string {
	t.Helper()
	page, err := s.Search(context.Background(), kg.SearchQuery{Text: q, First: 100})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range page.Edges {
		ids = append(ids, e.Entity.ID)
	}
	return ids
}

// verify checks that memory agrees with storage: the same records, and
// indexes (adjacency, id orders, kinds, articles, search tokens) that
// rebuilding from storage would produce. It holds writeMu, so that no
// concurrent write is between its commit and its memory update.
func (s *Store) verify() error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	s.mu.RLock()
	defer s.mu.RUnlock()
	var fresh *graph
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		fresh, err = build(context.Background(), tx)
		return err
	})
	if err != nil {
		return fmt.Errorf("storage is inconsistent: %w", err)
	}
	g := s.g
	// Memory may hold empty slots of removed records (remove.go): what
	// counts is what its indexes name.
	if len(fresh.entOrder) != len(g.entOrder) || len(fresh.relOrder) != len(g.relOrder) ||
		len(fresh.entIdx) != len(g.entIdx) || fresh.relIdx.n != g.relIdx.n {
		return fmt.Errorf("memory holds %d entities (%d by id) and %d relationships (%d by id), storage %d and %d",
			len(g.entOrder), len(g.entIdx), len(g.relOrder), g.relIdx.n, len(fresh.entOrder), len(fresh.relOrder))
	}
	for k, i := range g.relOrder {
		if g.relRank[i] != int32(k) {
			return fmt.Errorf("relationship %s is at %d in id order but ranked %d", g.relID(i), k, g.relRank[i])
		}
	}
	if d := cmp.Diff(fresh.vocab.sorted, g.vocab.sorted, cmpopts.EquateEmpty()); d != "" {
		return fmt.Errorf("search vocabulary differs:\n%s", d)
	}
	ids := func(g *graph, list []int32, rel bool) []string {
		out := make([]string, len(list))
		for k, i := range list {
			if rel {
				out[k] = g.relID(i)
			} else {
				out[k] = g.ents[i].e.ID
			}
		}
		return out
	}
	for _, e := range fresh.ents {
		i, j := g.entIdx[e.e.ID], fresh.entIdx[e.e.ID]
		if d := cmp.Diff(fresh.ents[j].e, g.ents[i].e, cmpopts.EquateEmpty()); d != "" {
			return fmt.Errorf("entity %s: memory differs from storage:\n%s", e.e.ID, d)
		}
		adjIDs := func(g *graph, i int32) []string {
			var out []string
			for _, a := range g.adj[i] {
				out = append(out, fmt.Sprintf("%s %v %s %d %d %d", g.relID(a.rel), a.out, g.ents[a.node].e.ID, a.typ, a.lo, a.hi))
			}
			return out
		}
		if d := cmp.Diff(adjIDs(fresh, j), adjIDs(g, i)); d != "" {
			return fmt.Errorf("adjacency of %s differs from storage:\n%s", e.e.ID, d)
		}
		nbrIDs := func(g *graph, i int32) []string {
			var out []string
			for _, n := range g.nbrs[i] {
				out = append(out, g.ents[n.node].e.ID+" "+g.relID(n.rel))
			}
			slices.Sort(out) // nbrs are in order of index, which differs
			return out
		}
		if !slices.IsSortedFunc(g.nbrs[i], nbrCmp) {
			return fmt.Errorf("neighbours of %s are out of order", e.e.ID)
		}
		if d := cmp.Diff(nbrIDs(fresh, j), nbrIDs(g, i)); d != "" {
			return fmt.Errorf("neighbours of %s differ from storage:\n%s", e.e.ID, d)
		}
	}
	for k := range fresh.rels {
		id := fresh.relID(int32(k))
		fi, okFresh := fresh.lookupRel(id)
		gi, okG := g.lookupRel(id)
		if !okFresh || !okG {
			return fmt.Errorf("relationship %s: not indexed (storage %v, memory %v)", id, okFresh, okG)
		}
		if d := cmp.Diff(fresh.relationship(fi), g.relationship(gi), cmpopts.EquateEmpty()); d != "" {
			return fmt.Errorf("relationship %s: memory differs from storage:\n%s", id, d)
		}
	}
	if d := cmp.Diff(ids(fresh, fresh.entOrder, false), ids(g, g.entOrder, false)); d != "" {
		return fmt.Errorf("entity order differs:\n%s", d)
	}
	if d := cmp.Diff(ids(fresh, fresh.relOrder, true), ids(g, g.relOrder, true)); d != "" {
		return fmt.Errorf("relationship order differs:\n%s", d)
	}
	for _, k := range kg.Kinds {
		if d := cmp.Diff(ids(fresh, fresh.byKind[k], false), ids(g, g.byKind[k], false), cmpopts.EquateEmpty()); d != "" {
			return fmt.Errorf("entities of kind %s differ:\n%s", k, d)
		}
	}
	articles := map[string]bool{}
	for a := range fresh.bySource {
		articles[a] = true
	}
	for a := range g.bySource {
		articles[a] = true
	}
	for a := range articles {
		if d := cmp.Diff(ids(fresh, fresh.bySource[a], true), ids(g, g.bySource[a], true)); d != "" {
			return fmt.Errorf("relationships with evidence from %s differ:\n%s", a, d)
		}
	}
	postings := func(g *graph, m map[string][]int32) map[string][]string {
		out := make(map[string][]string, len(m))
		for k, l := range m {
			out[k] = ids(g, l, false)
			slices.Sort(out[k])
		}
		return out
	}
	// Entities by dataset are kept in id order, not sorted here.
	ordered := func(g *graph, m map[string][]int32) map[string][]string {
		out := make(map[string][]string, len(m))
		for k, l := range m {
			out[k] = ids(g, l, false)
		}
		return out
	}
	if d := cmp.Diff(ordered(fresh, fresh.entsBySource), ordered(g, g.entsBySource)); d != "" {
		return fmt.Errorf("entities by dataset differ:\n%s", d)
	}
	flagged := func(g *graph) (out []string) {
		for i := range g.unsupported {
			out = append(out, g.relID(i))
		}
		slices.Sort(out)
		return out
	}
	if d := cmp.Diff(flagged(fresh), flagged(g)); d != "" {
		return fmt.Errorf("unsupported relationships differ:\n%s", d)
	}
	attrs := func(g *graph) map[string][]kg.Attribute {
		out := map[string][]kg.Attribute{}
		for i, a := range g.relAttrs {
			out[g.relID(i)] = a
		}
		return out
	}
	if d := cmp.Diff(attrs(fresh), attrs(g)); d != "" {
		return fmt.Errorf("relationship attributes differ:\n%s", d)
	}
	if d := cmp.Diff(postings(fresh, fresh.tokens), postings(g, g.tokens)); d != "" {
		return fmt.Errorf("search tokens differ:\n%s", d)
	}
	if d := cmp.Diff(postings(fresh, fresh.idents), postings(g, g.idents)); d != "" {
		return fmt.Errorf("identifiers differ:\n%s", d)
	}
	if d := cmp.Diff(postings(fresh, fresh.names), postings(g, g.names)); d != "" {
		return fmt.Errorf("names differ:\n%s", d)
	}
	return nil
}

func TestOpenHeldDirectoryFails(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	defer s.Close()
	// bbolt's flock belongs to the open file, so a second Open in the same
	// process contends like another process would.
	_, err := Open(dir, Options{})
	if kg.KindOf(err) != kg.KindUnavailable || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("second Open = %v, want an unavailable error saying the directory is in use", err)
	}
}

func TestDefaultDir(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/xdg/data")
	if d, err := DefaultDir(); err != nil || d != "/xdg/data/polgraph" {
		t.Errorf("DefaultDir with XDG_DATA_HOME = %q, %v", d, err)
	}
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", "/home/someone")
	if d, err := DefaultDir(); err != nil || d != "/home/someone/.local/share/polgraph" {
		t.Errorf("DefaultDir without XDG_DATA_HOME = %q, %v", d, err)
	}
}

func TestApplyValidatesEvidenceCap(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir())
	defer s.Close()
	if err := s.Apply(ctx, storetest.Fixture()); err != nil {
		t.Fatal(err)
	}
	var b kg.Batch
	for i := range kg.MaxEvidence {
		b.Evidence = append(b.Evidence, kg.EvidenceAdd{Relationship: "r-dong-citizen",
			Evidence: kg.Evidence{Article: "a-bbc", Quote: strconv.Itoa(i), Confidence: 1}})
	}
	if err := s.Apply(ctx, b); err != nil {
		t.Fatalf("Apply of %d pieces: %v", kg.MaxEvidence, err)
	}
	err := s.Apply(ctx, kg.Batch{Evidence: []kg.EvidenceAdd{{Relationship: "r-dong-citizen",
		Evidence: kg.Evidence{Article: "a-globe", Confidence: 1}}}})
	if kg.KindOf(err) != kg.KindInvalid {
		t.Fatalf("Apply beyond MaxEvidence = %v, want invalid", err)
	}
}

// The crash test: a child process (this test binary, re-executed with
// crashEnv set) ingests batches in a loop and reports each commit; the
// parent kills it with SIGKILL mid-way and checks that the store reopens
// consistent and holds a whole number of batches.
const (
	crashEnv          = "POLGRAPH_EMBEDDED_CRASH_DIR"
	crashBatchEnts    = 200
	crashBatchRels    = 2000
	crashBatchEvidAdd = 100
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashEnv); dir != "" {
		crashChild(dir)
		return
	}
	code := m.Run()
	closeBench()
	os.Exit(code)
}

// crashBatch is batch n of the crash test: new entities, relationships
// among them and to the previous batch's entities, and evidence added to
// the previous batch's relationships.
func crashBatch(n int) kg.Batch {
	var b kg.Batch
	ent := func(batch, i int) string { return fmt.Sprintf("e-%05d-%03d", batch, i) }
	// Every batch upserts the article its evidence cites: one entity more
	// than the batches' own.
	b.Entities = append(b.Entities, kg.Entity{ID: "a-crash", Kind: kg.Article, Name: "Crash", Title: "Crash"})
	for i := range crashBatchEnts {
		b.Entities = append(b.Entities, kg.Entity{ID: ent(n, i), Kind: kg.Person, Name: fmt.Sprintf("Person %d %d", n, i)})
	}
	for i := range crashBatchRels {
		to := ent(n, (i*7+1)%crashBatchEnts)
		if n > 0 && i%2 == 0 {
			to = ent(n-1, i%crashBatchEnts)
		}
		b.Relationships = append(b.Relationships, kg.Relationship{
			ID: fmt.Sprintf("r-%05d-%04d", n, i), Type: kg.SpokespersonFor, From: ent(n, i%crashBatchEnts), To: to,
			Evidence: []kg.Evidence{{Article: "a-crash", Quote: strconv.Itoa(n), Confidence: 0.5}},
		})
	}
	if n > 0 {
		for i := range crashBatchEvidAdd {
			b.Evidence = append(b.Evidence, kg.EvidenceAdd{Relationship: fmt.Sprintf("r-%05d-%04d", n-1, i),
				Evidence: kg.Evidence{Article: "a-crash", Quote: "later " + strconv.Itoa(n), Confidence: 0.7}})
		}
	}
	return b
}

func crashChild(dir string) {
	s, err := Open(dir, Options{}) // with fsync: what production does
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	ctx := context.Background()
	for n := 0; ; n++ {
		if err := s.Apply(ctx, crashBatch(n)); err != nil {
			fmt.Println("apply:", err)
			os.Exit(2)
		}
		fmt.Println("committed", n)
	}
}

func TestCrashMidIngestReopensConsistent(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	committed := -1
	lines := bufio.NewScanner(out)
	deadline := time.Now().Add(time.Minute)
	for committed < 5 && lines.Scan() {
		if n, ok := strings.CutPrefix(lines.Text(), "committed "); ok {
			committed, _ = strconv.Atoi(n)
		} else {
			t.Logf("child: %s", lines.Text())
		}
		if time.Now().After(deadline) {
			break
		}
	}
	// Kill while the next batch is being written.
	time.Sleep(7 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if committed < 5 {
		t.Fatalf("child committed only %d batches", committed+1)
	}

	s := open(t, dir)
	defer s.Close()
	if err := s.verify(); err != nil {
		t.Fatal(err)
	}
	c, err := s.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	batches := (c.Entities - 1) / crashBatchEnts
	if (c.Entities-1)%crashBatchEnts != 0 || c.Relationships != batches*crashBatchRels {
		t.Fatalf("after the crash: %d entities and %d relationships, not a whole number of batches", c.Entities, c.Relationships)
	}
	if batches < committed+1 {
		t.Fatalf("after the crash: %d batches, but the child reported %d committed", batches, committed+1)
	}
	t.Logf("child reported %d batches committed; store holds %d", committed+1, batches)
	// Every relationship's ends exist, and the last batch's evidence
	// additions are there.
	ctx := context.Background()
	err = s.ScanRelationships(ctx, func(r kg.Relationship) error {
		m, err := s.Entities(ctx, []string{r.From, r.To})
		if err != nil {
			return err
		}
		if len(m) != 2 {
			return fmt.Errorf("relationship %s has a missing end", r.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if batches > 1 {
		r, err := s.Relationships(ctx, []string{fmt.Sprintf("r-%05d-%04d", batches-2, 0)})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(r[fmt.Sprintf("r-%05d-%04d", batches-2, 0)].Evidence); got != 2 {
			t.Errorf("relationship of batch %d has %d pieces of evidence, want 2 (its own and the next batch's)", batches-2, got)
		}
	}
	// The store takes writes again after the crash.
	if err := s.Apply(ctx, crashBatch(batches)); err != nil {
		t.Fatal(err)
	}
	if err := s.verify(); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentReadsAndWrites runs readers of every kind while batches are
// written; run with -race it checks the locking, and verify checks that
// memory ends up as storage has it.
func TestConcurrentReadsAndWrites(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir())
	defer s.Close()
	if err := s.Apply(ctx, storetest.Fixture()); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	errs := make(chan error, 4)
	read := func(f func() error) {
		for {
			select {
			case <-done:
				errs <- nil
				return
			default:
			}
			if err := f(); err != nil {
				errs <- err
				return
			}
		}
	}
	go read(func() error {
		_, err := s.Network(ctx, kg.NetworkQuery{Seeds: []string{"p-han-dong"}, Depth: 3, PerHop: 20})
		return err
	})
	go read(func() error {
		_, err := s.Paths(ctx, kg.PathQuery{From: "p-han-dong", To: "o-huawei", MaxLength: 5, First: 3})
		return err
	})
	go read(func() error {
		_, err := s.Search(ctx, kg.SearchQuery{Text: "person", First: 10})
		return err
	})
	go read(func() error {
		return s.ScanRelationships(ctx, func(kg.Relationship) error { return nil })
	})
	for n := range 20 {
		var b kg.Batch
		for i := range 20 {
			id := fmt.Sprintf("p-w-%02d-%02d", n, i)
			b.Entities = append(b.Entities, kg.Entity{ID: id, Kind: kg.Person, Name: "Person " + id})
			b.Relationships = append(b.Relationships,
				kg.Relationship{ID: "r-w-" + id, Type: kg.MemberOf, From: id, To: "o-liberal"},
				kg.Relationship{ID: "r-x-" + id, Type: kg.Mentions, From: "a-bbc", To: id})
		}
		if err := s.Apply(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if err := s.verify(); err != nil {
		t.Error(err)
	}
}
