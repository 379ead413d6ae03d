package export

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/polgraph/polgraph/internal/kg"
)

// provenanceBatch is the demo graph's Han Dong imported from a dataset: a
// DATASET, his source record, an attribute, dataset evidence beside the
// article's, and a tie a retraction left unsupported.
func provenanceBatch() kg.Batch {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return kg.Batch{
		Entities: []kg.Entity{
			{ID: "ds-ep", Kind: kg.Dataset, Name: "EveryPolitician: Canada", URL: "https://everypolitician.org/canada/",
				Publisher: "mySociety", Licence: "CC0-1.0", Retrieved: kg.MustDate("2026-01-02")},
			{ID: "han-dong", Kind: kg.Person, Name: "Han Dong", Gender: "male",
				Attributes: []kg.Attribute{{Name: "email", Value: "han.dong@parl.gc.ca"}},
				Sources:    []kg.Source{{Dataset: "ds-ep", Record: "person/han-dong", File: "ep.json", Imported: at}}},
			{ID: "liberal-party", Kind: kg.Organization, Name: "Liberal Party of Canada", Classification: kg.Party},
		},
		Relationships: []kg.Relationship{
			{ID: "r-dong-party", Type: kg.MemberOf, From: "han-dong", To: "liberal-party", Role: "member",
				Evidence:   []kg.Evidence{{Dataset: "ds-ep", Record: "membership/7", File: "ep.json", Imported: at, Confidence: 1}},
				Attributes: []kg.Attribute{{Name: "area", Value: "Don Valley North"}}},
			{ID: "r-dong-flagged", Type: kg.AssociateOf, From: "han-dong", To: "liberal-party", Unsupported: true},
		},
	}
}

// TestProvenanceInExports: every format carries dataset evidence (dataset,
// record, file, import time), attributes, entity sources and the
// unsupported flag; the polgraph dump reads back exactly.
func TestProvenanceInExports(t *testing.T) {
	svc := openService(t, provenanceBatch())
	sel := Selection{}
	for _, name := range []string{"json", "cytoscape", "graphml", "gexf", "csv"} {
		t.Run(name, func(t *testing.T) {
			f := mustFormat(t, name)
			got := export(t, svc, sel, f)
			if f.Archive {
				got = unzipConcat(t, got)
			}
			out := string(got)
			for _, want := range []string{"membership/7", "ds-ep", "2026-01-02T03:04:05Z", "Don Valley North", "person/han-dong", "han.dong@parl.gc.ca", "mySociety", "CC0-1.0"} {
				if !strings.Contains(out, want) {
					t.Errorf("%s export lacks %q", name, want)
				}
			}
			if !strings.Contains(out, "unsupported") || !strings.Contains(out, "true") {
				t.Errorf("%s export lacks the unsupported flag", name)
			}
		})
	}
	t.Run("polgraph", func(t *testing.T) {
		ctx := context.Background()
		data := export(t, svc, Selection{}, mustFormat(t, "polgraph"))
		var gotE []kg.Entity
		var gotR []kg.Relationship
		if _, err := ReadDump(bytes.NewReader(data),
			func(e kg.Entity) error { gotE = append(gotE, e); return nil },
			func(r kg.Relationship) error { gotR = append(gotR, r); return nil }); err != nil {
			t.Fatal(err)
		}
		want, err := svc.Store().Relationships(ctx, []string{"r-dong-party", "r-dong-flagged"})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range gotR {
			if w, ok := want[r.ID]; ok {
				if diff := cmp.Diff(w, r); diff != "" {
					t.Errorf("%s read back (-store +dump):\n%s", r.ID, diff)
				}
				delete(want, r.ID)
			}
		}
		if len(want) != 0 {
			t.Errorf("the dump lacks %v", want)
		}
		for _, e := range gotE {
			if e.ID == "han-dong" && (len(e.Sources) != 1 || e.Sources[0].Record != "person/han-dong") {
				t.Errorf("han-dong read back with sources %+v", e.Sources)
			}
		}
	})
}
