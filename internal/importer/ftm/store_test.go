package ftm_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/polgraph/polgraph/internal/demotest"
	"github.com/polgraph/polgraph/internal/export"
	ftmmodel "github.com/polgraph/polgraph/internal/ftm"
	"github.com/polgraph/polgraph/internal/importer"
	"github.com/polgraph/polgraph/internal/importer/ftm"
	"github.com/polgraph/polgraph/internal/importer/importertest"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/store/teststore"
	"github.com/polgraph/polgraph/internal/testtool"
)

func asEditor(ctx context.Context) context.Context {
	return kg.WithPrincipal(ctx, kg.Principal{Name: "ftm-test", Role: kg.RoleEditor, Authenticated: true})
}

// testCtx gives the stores a deadline of minutes instead of their query
// timeout: a loaded machine can take longer than that for one batch on
// Neo4j.
func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

var (
	fixturePath = filepath.Join("testdata", "fixture.ftm.json")
	zalaPath    = filepath.Join("..", "..", "..", "..", "shared", "data", "ftm", "zala.ftm.json")
)

func need(t testing.TB, path string) string {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Skipf("shared data absent: %v", err)
	}
	return path
}

// load imports an FtM file (given as bytes) under the dataset name.
func load(t testing.TB, svc *kg.Service, data []byte, file, dataset string) importer.Summary {
	t.Helper()
	r, err := ftm.New(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }, int64(len(data)), file)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	sum, err := importer.Run(asEditor(testCtx(t)), svc, r, importer.Options{Dataset: importer.Dataset{Name: dataset, File: file}})
	if err != nil {
		t.Fatalf("import %s: %v\n%s", file, err, sum.String())
	}
	return sum
}

// validate checks an export with the followthemoney library
// (internal/export/testdata/ftm/validate.py).
func validate(t *testing.T, data []byte) {
	t.Helper()
	py := testtool.PythonModule(t, "followthemoney", "pip install followthemoney=="+ftmmodel.ModelVersion)
	p := filepath.Join(t.TempDir(), "export.ftm.json")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, filepath.Join("..", "..", "export", "testdata", "ftm", "validate.py"), p)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("the followthemoney library rejects the export: %v\n%s", err, stderr.String())
	}
	t.Logf("validate.py: %s", bytes.TrimSpace(out))
}

func exportFtM(t testing.TB, svc *kg.Service) []byte {
	t.Helper()
	ctx := testCtx(t)
	x, err := export.Prepare(ctx, svc, export.Selection{})
	if err != nil {
		t.Fatal(err)
	}
	f, _ := export.ByName("ftm")
	var buf bytes.Buffer
	if err := x.WriteTo(ctx, f.New(&buf), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Import, export, import into an empty store: the same graph, on the
// store the tests run on (Neo4j when NEO4J_URI is set).
func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		path     string
		entities int // entity records landed
		rels     int
		skipped  int
		errors   int
	}{
		{path: fixturePath, entities: 16, rels: 21, skipped: 2, errors: 1},
		{path: zalaPath, entities: 58, rels: 62},
	} {
		t.Run(filepath.Base(tc.path), func(t *testing.T) {
			data, err := os.ReadFile(need(t, tc.path))
			if err != nil {
				t.Fatal(err)
			}
			st1 := teststore.Open(t)
			svc1 := kg.NewService(st1, kg.DefaultLimits)
			sum := load(t, svc1, data, "in.ftm.json", "ftm test")
			t.Logf("%s: %s", teststore.Name(), sum.String())
			if got := sum.Entities.Created; got != tc.entities {
				t.Errorf("%d entities created, want %d", got, tc.entities)
			}
			if got := sum.Relationships.Created; got != tc.rels {
				t.Errorf("%d relationships created, want %d", got, tc.rels)
			}
			if sum.SkippedCount != tc.skipped || sum.ErrorCount != tc.errors {
				t.Errorf("%d skipped, %d failed; want %d and %d", sum.SkippedCount, sum.ErrorCount, tc.skipped, tc.errors)
			}
			first := importertest.Snapshot(testCtx(t), t, st1)

			// Importing again changes nothing.
			again := load(t, svc1, data, "in.ftm.json", "ftm test")
			if again.Entities.Created+again.Entities.Updated+again.Relationships.Created+again.Relationships.Updated != 0 {
				t.Errorf("a second import wrote: %s", again.String())
			}
			if d := cmp.Diff(first, importertest.Snapshot(testCtx(t), t, st1)); d != "" {
				t.Errorf("a second import changed the graph (-before +after):\n%s", d)
			}

			out := exportFtM(t, svc1)
			if os.Getenv("POLGRAPH_KEEP_FTM") != "" {
				os.WriteFile(filepath.Join(os.Getenv("POLGRAPH_KEEP_FTM"), filepath.Base(tc.path)), out, 0o644)
			}
			st1.Close()

			st2 := teststore.Open(t)
			svc2 := kg.NewService(st2, kg.DefaultLimits)
			sum2 := load(t, svc2, out, "in.ftm.json", "ftm test")
			if sum2.ErrorCount != 0 {
				t.Errorf("re-import of the export: %s", sum2.String())
			}
			if d := cmp.Diff(first, importertest.Snapshot(testCtx(t), t, st2)); d != "" {
				t.Errorf("import -> export -> import changed the graph (-first +second):\n%s", d)
			}
			if !strings.Contains(string(out), `"schema":"Address"`) {
				t.Errorf("the export lacks the addresses kept inside the entities")
			}
			validate(t, out)
		})
	}
}

// A schema or property outside the model is kept, counted as unsupported
// and written back where it came from (the bucket of its entity), so that
// the export validates and import -> export -> import gives the same
// graph; a phone number libphonenumber finds valid is written as FtM's
// phone property.
func TestUnsupportedKept(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "unsupported.ftm.json"))
	if err != nil {
		t.Fatal(err)
	}
	st1 := teststore.Open(t)
	svc1 := kg.NewService(st1, kg.DefaultLimits)
	sum := load(t, svc1, data, "in.ftm.json", "ftm test")
	if sum.ErrorCount != 0 || sum.Entities.Created != 2 || sum.Relationships.Created != 1 {
		t.Errorf("summary: %s", sum.String())
	}
	wantUnsupported := map[string]int{"Person.favouriteColour": 1, "Organization.motto": 1, "Membership.weight": 1, "Spaceship": 1}
	if d := cmp.Diff(wantUnsupported, sum.Unsupported); d != "" {
		t.Errorf("unsupported (-want +got):\n%s", d)
	}
	if sum.SkippedCount != 1 || len(sum.Skipped) != 1 || sum.Skipped[0].Record != "ship-2" || !strings.Contains(sum.Skipped[0].Reason, "not in the FtM model") {
		t.Errorf("skipped: %+v", sum.Skipped)
	}
	if !strings.Contains(sum.String(), "unsupported but kept: Membership.weight 1, Organization.motto 1, Person.favouriteColour 1, Spaceship 1") {
		t.Errorf("the summary does not report the unsupported:\n%s", sum.String())
	}
	dora, err := svc1.Entity(asEditor(testCtx(t)), importer.EntityID("ftm test", "p-dora"))
	if err != nil {
		t.Fatal(err)
	}
	has := func(name, prefix string) bool {
		for _, a := range dora.Attributes {
			if a.Name == name && strings.HasPrefix(a.Value, prefix) {
				return true
			}
		}
		return false
	}
	if !has("favouriteColour", "green") || !has("ftm:Spaceship", `{"id":"ship-1","schema":"Spaceship"`) || !has("phone", "+36 1 234 5678") {
		t.Errorf("p-dora's attributes: %+v", dora.Attributes)
	}
	first := importertest.Snapshot(testCtx(t), t, st1)

	out := exportFtM(t, svc1)
	validate(t, out)
	for _, want := range []string{
		`"properties":{"birthDate":["1980-02-03"],"name":["Dóra Tóth"],"phone":["+36 1 234 5678"]}`,
		`"polgraph":{"properties":{"favouriteColour":["green"],"phone":["06 30 123 4567"]},"entities":[{"id":"ship-1","schema":"Spaceship"`,
		`"polgraph":{"properties":{"weight":["0.5"]}}`,
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the export lacks %s:\n%s", want, out)
		}
	}
	st2 := teststore.Open(t)
	sum2 := load(t, kg.NewService(st2, kg.DefaultLimits), out, "in.ftm.json", "ftm test")
	if sum2.ErrorCount != 0 || sum2.SkippedCount != 0 {
		t.Errorf("re-import of the export: %s", sum2.String())
	}
	if d := cmp.Diff(first, importertest.Snapshot(testCtx(t), t, st2)); d != "" {
		t.Errorf("import -> export -> import changed the graph (-first +second):\n%s", d)
	}
}

// An article-built graph (the demo dossier: an article, its outlet,
// statements, allegations, events, relationships with evidence quoting
// the article) exported to FtM and imported into an empty store is the
// same graph: each record comes back from the polgraph record its FtM
// entity carries (ftm.NativeRecord), and the export validates.
func TestArticleGraphRoundTrip(t *testing.T) {
	svc1 := demotest.Service(t)
	first := importertest.Snapshot(testCtx(t), t, svc1.Store())
	kinds := map[kg.Kind]int{}
	quotes := 0
	for _, e := range first.Entities {
		kinds[e.Kind]++
	}
	for _, r := range first.Relationships {
		for _, ev := range r.Evidence {
			if ev.Article != "" && ev.Quote != "" {
				quotes++
			}
		}
	}
	for _, k := range []kg.Kind{kg.Article, kg.Statement, kg.Allegation, kg.Event, kg.Person, kg.Organization} {
		if kinds[k] == 0 {
			t.Fatalf("the demo graph has no %s: %v", k, kinds)
		}
	}
	if quotes == 0 {
		t.Fatal("the demo graph has no evidence with a quote")
	}

	out := exportFtM(t, svc1)
	validate(t, out)

	st2 := teststore.Open(t)
	sum := load(t, kg.NewService(st2, kg.DefaultLimits), out, "demo.ftm.json", "demo")
	if sum.ErrorCount != 0 || sum.SkippedCount != 0 {
		t.Errorf("import of the export: %s", sum.String())
	}
	if sum.Entities.Created != len(first.Entities) || sum.Relationships.Created != len(first.Relationships) {
		t.Errorf("import of the export: %s; want %d entities and %d relationships", sum.String(), len(first.Entities), len(first.Relationships))
	}
	if d := cmp.Diff(first, importertest.Snapshot(testCtx(t), t, st2)); d != "" {
		t.Errorf("export -> import changed the article-built graph (-demo +imported):\n%s", d)
	}
	// And again: the graph read back exports to the same file.
	if again := exportFtM(t, kg.NewService(st2, kg.DefaultLimits)); !bytes.Equal(out, again) {
		t.Errorf("the re-imported graph exports differently")
	}
}

// A network export holds the relationships' ends but not every article
// their evidence cites: that evidence is kept on the relationship as the
// attribute ftm:dangling:evidence, never dropped.
func TestArticleNetworkRoundTrip(t *testing.T) {
	svc1 := demotest.Service(t)
	ctx := testCtx(t)
	x, err := export.Prepare(ctx, svc1, export.Selection{Seeds: []string{"han-dong"}, Types: []kg.RelType{kg.MemberOf}})
	if err != nil {
		t.Fatal(err)
	}
	f, _ := export.ByName("ftm")
	var buf bytes.Buffer
	if err := x.WriteTo(ctx, f.New(&buf), nil); err != nil {
		t.Fatal(err)
	}
	validate(t, buf.Bytes())
	// The demo graph as it was, read before the second store opens: on
	// Neo4j both are the one test database, which teststore.Open empties.
	demo := map[string]kg.Relationship{}
	for _, r := range importertest.Snapshot(ctx, t, svc1.Store()).Relationships {
		demo[r.ID] = r
	}
	st2 := teststore.Open(t)
	sum := load(t, kg.NewService(st2, kg.DefaultLimits), buf.Bytes(), "net.ftm.json", "net")
	if sum.ErrorCount != 0 || sum.Kept["evidence"] == 0 {
		t.Fatalf("import of the network: %s", sum.String())
	}
	g := importertest.Snapshot(ctx, t, st2)
	kept := 0
	for _, r := range g.Relationships {
		want, ok := demo[r.ID]
		if !ok {
			t.Fatalf("relationship %s: not in the demo graph", r.ID)
		}
		aside := 0
		for _, a := range r.Attributes {
			if a.Name == ftmmodel.AttrDangling+"evidence" && strings.Contains(a.Value, `"quote":`) {
				aside++
			}
		}
		kept += aside
		articleEvidence := 0
		for _, ev := range r.Evidence {
			if ev.Article != "" {
				articleEvidence++
			}
		}
		if got, want := articleEvidence+aside, len(want.Evidence); got != want {
			t.Errorf("%s: %d pieces of article evidence kept, the demo has %d", r.ID, got, want)
		}
	}
	if kept == 0 {
		t.Errorf("no evidence kept as %sevidence", ftmmodel.AttrDangling)
	}
}
