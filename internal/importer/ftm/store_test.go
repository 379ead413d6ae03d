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
