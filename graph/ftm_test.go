package graph_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/polgraph/polgraph/internal/importer"
	"github.com/polgraph/polgraph/internal/server"
)

// importDataset(format: FTM) imports an FtM document: entities,
// relationships (an ownership as OWNS), what polgraph has no field for
// kept and counted, what it cannot keep reported.
func TestImportDatasetFtM(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "internal", "importer", "ftm", "testdata", "fixture.ftm.json"))
	if err != nil {
		t.Fatal(err)
	}
	// A loaded machine can take longer than the default request timeout
	// for the import on Neo4j.
	e := newEnv(t, false, func(o *server.Options) { o.RequestTimeout = 10 * time.Minute })
	var sum struct {
		ImportDataset struct {
			Dataset                 string
			Records, SkippedCount   int
			ErrorCount              int
			Entities, Relationships struct{ Created int }
			Kept                    []struct {
				Field string
				Count int
			}
			Skipped []struct{ Record, Reason string }
			Errors  []struct{ Record, Field, Reason string }
		}
	}
	e.ok(`mutation($doc: String!) {
	  importDataset(format: FTM, document: $doc, dataset: {name: "FtM fixture", file: "fixture.ftm.json"}) {
	    dataset records skippedCount errorCount
	    entities { created } relationships { created }
	    kept { field count }
	    skipped { record reason }
	    errors { record field reason } } }`, map[string]any{"doc": string(doc)}, &sum)
	s := sum.ImportDataset
	if s.Dataset != importer.DatasetID("FtM fixture") || s.Entities.Created != 16 || s.Relationships.Created != 21 || s.SkippedCount != 2 || s.ErrorCount != 1 {
		t.Fatalf("summary: %+v", s)
	}
	if len(s.Errors) != 1 || s.Errors[0].Record != "o-3" || s.Errors[0].Field != "properties.asset" {
		t.Errorf("errors: %+v", s.Errors)
	}
	kept := map[string]int{}
	for _, k := range s.Kept {
		kept[k.Field] = k.Count
	}
	if kept["percentage"] != 2 || kept["ftm:datasets"] != 1 {
		t.Errorf("kept: %+v", s.Kept)
	}

	var got struct {
		Entity struct {
			Name          string
			Relationships struct {
				Edges []struct {
					Node struct {
						Type       string
						To         struct{ ID string }
						Attributes []struct{ Name, Value string }
					}
				}
			}
		}
	}
	e.ok(`query($id: ID!) { entity(id: $id) { name relationships(direction: OUT, types: [OWNS]) { edges { node {
	  type to { id } attributes { name value } } } } } }`, map[string]any{"id": importer.EntityID("FtM fixture", "p-anna")}, &got)
	edges := got.Entity.Relationships.Edges
	if got.Entity.Name != "Anna Kovács" || len(edges) != 1 || edges[0].Node.To.ID != importer.EntityID("FtM fixture", "co-acme") {
		t.Fatalf("Anna's ownerships: %+v", got)
	}
	found := false
	for _, a := range edges[0].Node.Attributes {
		found = found || (a.Name == "percentage" && a.Value == "51")
	}
	if !found {
		t.Errorf("the ownership lacks its percentage: %+v", edges[0].Node.Attributes)
	}
}
