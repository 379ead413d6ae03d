package embedded

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/store/storetest"
)

// TestCodecRoundTrip encodes and decodes every record of the fixture, and
// records that set every field, and checks they come back equal; the
// schema-1 JSON of the same records decodes to the same values.
func TestCodecRoundTrip(t *testing.T) {
	fx := storetest.Fixture()
	ents := append(fx.Entities,
		kg.Entity{ID: "x-full", Kind: kg.Article, Name: "Ñame 董", Aliases: []string{"a", "", "董建华"}, Description: strings.Repeat("d", 300),
			Identifiers: []kg.Identifier{{Scheme: "wikidata", Value: "Q1"}, {Scheme: "isni", Value: ""}},
			BirthDate:   kg.MustDate("1950-02-03"), Classification: kg.MediaOutlet, CountryCode: "CA",
			Title: "T", URL: "https://example.org/x?y=1", Outlet: "o", Published: kg.MustDate("2020-05"), Text: strings.Repeat("text ", 5000),
			Summary: "S", Status: kg.AllegationStatus("ALLEGED"), Date: kg.MustDate("9999-12-31"), EventType: "E", Quote: "Q", Speaker: "p"},
		kg.Entity{ID: "x-empty", Kind: kg.Person, Name: "E"},
	)
	for _, e := range ents {
		got, err := decodeEntity([]byte(e.ID), encodeEntity(nil, &e))
		if err != nil {
			t.Fatalf("entity %s: %v", e.ID, err)
		}
		if d := cmp.Diff(e, got, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("entity %s round trip (-want +got):\n%s", e.ID, d)
		}
		j, _ := json.Marshal(&e)
		if got, err := decodeEntity([]byte(e.ID), j); err != nil || !cmp.Equal(e, got, cmpopts.EquateEmpty()) {
			t.Errorf("entity %s from JSON: %v, %v", e.ID, got, err)
		}
	}
	rels := append(fx.Relationships,
		kg.Relationship{ID: "r-full", Type: kg.MemberOf, From: "p", To: "o", Role: "chair 董", Since: kg.MustDate("1990"), Until: kg.MustDate("2001-02-28"),
			Evidence: []kg.Evidence{{Article: "a1", Quote: "q", Confidence: 0.123456789}, {Article: "a2", Confidence: 1}}},
		kg.Relationship{ID: "r-bare", Type: kg.Mentions, From: "a", To: "p"},
	)
	for _, r := range rels {
		v := encodeRelationship(nil, &r)
		got, err := decodeRelationship([]byte(r.ID), v)
		if err != nil {
			t.Fatalf("relationship %s: %v", r.ID, err)
		}
		if d := cmp.Diff(r, got, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("relationship %s round trip (-want +got):\n%s", r.ID, d)
		}
		j, _ := json.Marshal(&r)
		if got, err := decodeRelationship([]byte(r.ID), j); err != nil || !cmp.Equal(r, got, cmpopts.EquateEmpty()) {
			t.Errorf("relationship %s from JSON: %v, %v", r.ID, got, err)
		}
	}
}

// TestCodecRejectsDamage: a truncated, padded or unknown record is an
// error naming the record, never a panic or a half-read value.
func TestCodecRejectsDamage(t *testing.T) {
	e := kg.Entity{ID: "p", Kind: kg.Person, Name: "Person", Aliases: []string{"P"}}
	r := kg.Relationship{ID: "r", Type: kg.MemberOf, From: "p", To: "o", Evidence: []kg.Evidence{{Article: "a", Confidence: 1}}}
	ev, rv := encodeEntity(nil, &e), encodeRelationship(nil, &r)
	for n := range len(ev) {
		if _, err := decodeEntity([]byte("p"), ev[:n]); err == nil {
			t.Errorf("entity record cut to %d of %d bytes decoded", n, len(ev))
		}
	}
	for n := range len(rv) {
		if _, err := decodeRelationship([]byte("r"), rv[:n]); err == nil {
			t.Errorf("relationship record cut to %d of %d bytes decoded", n, len(rv))
		}
	}
	for name, v := range map[string][]byte{"padded": append(ev, 0), "unknown version": append([]byte{0x7f}, ev[1:]...)} {
		if _, err := decodeEntity([]byte("p"), v); err == nil || !strings.Contains(err.Error(), `"p"`) {
			t.Errorf("%s entity record: %v, want an error naming it", name, err)
		}
	}
	if _, err := decodeRelationship([]byte("r"), append(rv, 1)); err == nil {
		t.Error("padded relationship record decoded")
	}
}

// TestAuditCodecRoundTrip: an audit record survives its binary encoding
// (creations, updates, removals, a head with every field), a record
// stored as JSON by an earlier version still reads, and a damaged one is
// an error.
func TestAuditCodecRoundTrip(t *testing.T) {
	fx := storetest.Fixture()
	at := time.Date(2026, 12, 4, 1, 2, 3, 456789000, time.UTC)
	rec := kg.AuditRecord{ID: kg.NewAuditID(at), Time: at, Actor: "alice", Op: "importDataset", Reverts: "r1", RevertedBy: "r2",
		Key: &kg.KeyRef{Name: "k", Role: kg.RoleEditor}, Verdict: &kg.VerdictRef{A: "a", B: "b"}}
	for i := range fx.Entities {
		e := fx.Entities[i]
		switch i % 3 {
		case 0:
			rec.Entities = append(rec.Entities, kg.EntityChange{ID: e.ID, After: &e})
		case 1:
			before := e
			before.Name += " (before)"
			rec.Entities = append(rec.Entities, kg.EntityChange{ID: e.ID, Before: &before, After: &e})
		default:
			rec.Entities = append(rec.Entities, kg.EntityChange{ID: e.ID, Before: &e})
		}
	}
	for i := range fx.Relationships {
		r := fx.Relationships[i]
		if i%2 == 0 {
			rec.Relationships = append(rec.Relationships, kg.RelationshipChange{ID: r.ID, After: &r})
		} else {
			rec.Relationships = append(rec.Relationships, kg.RelationshipChange{ID: r.ID, Before: &r})
		}
	}
	v, err := encodeAudit(&rec)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeAudit(v)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(rec, got, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("audit record round trip (-want +got):\n%s", d)
	}
	j, _ := json.Marshal(&rec)
	if got, err := decodeAudit(j); err != nil || !cmp.Equal(rec, got, cmpopts.EquateEmpty()) {
		t.Errorf("audit record from JSON: %v", err)
	}
	for _, bad := range [][]byte{v[:len(v)/2], append(append([]byte(nil), v...), 0), {0x7f}, nil} {
		if _, err := decodeAudit(bad); err == nil {
			t.Errorf("damaged audit record (%d bytes) decoded", len(bad))
		}
	}
}
