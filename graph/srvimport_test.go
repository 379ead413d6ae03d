package graph_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/polgraph/polgraph/internal/kg"
)

const importMatched = `mutation($doc: String!, $match: MatchMode, $threshold: Float, $batch: Int) {
  importDataset(format: POPOLO, document: $doc, dataset: {name: "Canada House of Commons", file: "canada-commons.popolo.json"},
      match: $match, threshold: $threshold, batchSize: $batch) {
    records batches errorCount
    entities { created matched }
    resolution { merged candidates }
  }
}`

type matchedSummary struct {
	ImportDataset struct {
		Records, Batches, ErrorCount int
		Entities                     struct{ Created, Matched int }
		Resolution                   *struct{ Merged, Candidates int }
	}
}

func canadaCommons(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../internal/resolve/testdata/canada-commons.popolo.json")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// hanDongs counts the persons named Han Dong.
func hanDongs(t *testing.T, e *env) int {
	t.Helper()
	ids, err := e.svc.Store().FindEntities(context.Background(), kg.Match{Kind: kg.Person, Names: []string{"Han Dong"}})
	if err != nil {
		t.Fatal(err)
	}
	return len(ids)
}

// importDataset with match resolves as polgraph ingest --match does on the
// store: the demo's Han Dong (from an article) is merged with the
// parliament's after the import, settled with the party the import wrote.
func TestImportDatasetMatch(t *testing.T) {
	doc := canadaCommons(t)
	for _, match := range []string{"EXACT", "FUZZY"} {
		t.Run(match, func(t *testing.T) {
			e := newEnv(t, true)
			var sum matchedSummary
			e.ok(importMatched, map[string]any{"doc": doc, "match": match}, &sum)
			s := sum.ImportDataset
			if s.ErrorCount != 0 || s.Resolution == nil || s.Resolution.Merged != 1 {
				t.Fatalf("summary %+v, resolution %+v: want one stored entity merged", s, s.Resolution)
			}
			if n := hanDongs(t, e); n != 1 {
				t.Errorf("%d persons named Han Dong after the import, want 1", n)
			}
		})
	}
	t.Run("Threshold", func(t *testing.T) {
		// Above the pair's score nothing merges: the pair is a candidate.
		e := newEnv(t, true)
		var sum matchedSummary
		e.ok(importMatched, map[string]any{"doc": doc, "match": "EXACT", "threshold": 0.95}, &sum)
		if r := sum.ImportDataset.Resolution; r == nil || r.Merged != 0 || r.Candidates == 0 {
			t.Fatalf("resolution %+v: want nothing merged and the pair recorded", r)
		}
		if n := hanDongs(t, e); n != 2 {
			t.Errorf("%d persons named Han Dong, want 2", n)
		}
		var page duplicatesJSON
		e.ok(possibleDuplicates, map[string]any{"kind": "PERSON"}, &page)
		if len(page.PossibleDuplicates.Edges) == 0 {
			t.Error("possibleDuplicates lists nothing after a threshold import")
		}
	})
	t.Run("WithoutMatch", func(t *testing.T) {
		e := newEnv(t, true)
		var sum matchedSummary
		e.ok(importMatched, map[string]any{"doc": doc}, &sum)
		if sum.ImportDataset.Resolution != nil {
			t.Errorf("resolution %+v without match, want null", sum.ImportDataset.Resolution)
		}
	})
}

func TestImportDatasetBatchSize(t *testing.T) {
	e := newEnv(t, false)
	doc := canadaCommons(t)
	var sum matchedSummary
	e.ok(importMatched, map[string]any{"doc": doc, "batch": 2}, &sum)
	s := sum.ImportDataset
	// Records that failed or were skipped take no room in a batch.
	if s.Batches < 3 || s.Batches > (s.Records+1)/2 {
		t.Errorf("%d batches for %d records at 2 per write", s.Batches, s.Records)
	}
	e = newEnv(t, false)
	e.ok(importMatched, map[string]any{"doc": doc}, &sum)
	if sum.ImportDataset.Batches != 1 {
		t.Errorf("%d batches at the default size, want 1", sum.ImportDataset.Batches)
	}
}

func TestImportDatasetTuningErrors(t *testing.T) {
	e := newEnv(t, false)
	doc := canadaCommons(t)
	for _, tc := range []struct {
		name string
		vars map[string]any
		want []string
	}{
		{"threshold without match", map[string]any{"threshold": 0.9}, []string{"threshold", "needs match"}},
		{"threshold above 1", map[string]any{"match": "EXACT", "threshold": 1.5}, []string{"threshold", "1.5"}},
		{"threshold 0", map[string]any{"match": "EXACT", "threshold": 0}, []string{"threshold"}},
		{"batch 0", map[string]any{"batch": 0}, []string{"batchSize", "at least 1"}},
		{"batch above the server's", map[string]any{"batch": 25000}, []string{"batchSize", "25000", "maximum 24999"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.vars["doc"] = doc
			e.fails(importMatched, tc.vars, "BAD_USER_INPUT", tc.want...)
		})
	}
	if c := e.counts(); c.Entities != 0 {
		t.Errorf("refused imports wrote %d entities", c.Entities)
	}
}

const scanDuplicates = `mutation($kind: EntityKind, $min: Float) { scanDuplicates(kind: $kind, minScore: $min) }`

// scanDuplicates does what polgraph duplicates --scan does on the store,
// and is audited with the pairs it recorded.
func TestScanDuplicates(t *testing.T) {
	e := newEnv(t, true)
	var ignored any
	e.ok(`mutation { upsertEntity(entity: {id: "dong-han", kind: PERSON, name: "Dong, Han"}) { id } }`, nil, &ignored)
	var n struct{ ScanDuplicates int }
	e.ok(scanDuplicates, map[string]any{"kind": "PERSON"}, &n)
	if n.ScanDuplicates == 0 {
		t.Fatal("scanDuplicates recorded no pairs")
	}
	var page duplicatesJSON
	e.ok(possibleDuplicates, map[string]any{"kind": "PERSON", "first": 100}, &page)
	if len(page.PossibleDuplicates.Edges) != n.ScanDuplicates {
		t.Errorf("%d pairs listed, scanDuplicates said %d", len(page.PossibleDuplicates.Edges), n.ScanDuplicates)
	}
	found := false
	for _, ed := range page.PossibleDuplicates.Edges {
		found = found || (ed.Node.A.ID == "dong-han" && ed.Node.B.ID == "han-dong")
	}
	if !found {
		t.Errorf("the pair dong-han, han-dong is not listed: %+v", page)
	}
	last := lastWrite(t, e)
	if last.Op != kg.OpScanDuplicates || len(last.Duplicates) != n.ScanDuplicates {
		t.Errorf("last audit record %+v, want scanDuplicates with %d pairs", last, n.ScanDuplicates)
	}
	// A high minScore records nothing more and writes no record.
	e.ok(scanDuplicates, map[string]any{"kind": "PERSON", "min": 1}, &n)
	if after := lastWrite(t, e); after.ID != last.ID {
		t.Errorf("a scan that recorded %d pairs wrote audit record %+v", n.ScanDuplicates, after)
	}
	e.fails(scanDuplicates, map[string]any{"min": 1.5}, "BAD_USER_INPUT", "minScore")
	reader := e.key("rita", kg.RoleReader)
	e.failsAs(reader, scanDuplicates, nil, "FORBIDDEN")
}

// The README's examples of importDataset's resolution arguments
// ("Importing data") and of scanDuplicates ("Duplicates and merging"),
// verbatim, run.
const (
	readmeImportMatch = `mutation($doc: String!) {
  importDataset(format: POPOLO, document: $doc, dataset: {name: "Canada House of Commons"},
      match: EXACT, threshold: 0.85, batchSize: 5000) {
    records batches entities { created matched } resolution { merged candidates }
  }
}`
	readmeScan = `mutation { scanDuplicates(kind: PERSON, minScore: 0.4) }`
)

func TestReadmeResolutionExamples(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{readmeImportMatch, readmeScan} {
		if !strings.Contains(string(readme), "```graphql\n"+q+"\n```") {
			t.Errorf("README.md does not show this query verbatim:\n%s", q)
		}
	}
	e := newEnv(t, true)
	var sum matchedSummary
	e.ok(readmeImportMatch, map[string]any{"doc": canadaCommons(t)}, &sum)
	if r := sum.ImportDataset.Resolution; r == nil || r.Merged != 1 {
		t.Errorf("the README's import: resolution %+v, want Han Dong merged", r)
	}
	var n struct{ ScanDuplicates int }
	e.ok(readmeScan, nil, &n)
}
