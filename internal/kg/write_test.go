package kg

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestDecide(t *testing.T) {
	ev := func(a, q string, c float64) Evidence { return Evidence{Article: a, Quote: q, Confidence: c} }
	stored := Stored{
		Entities: map[string]*Entity{
			"p":   {ID: "p", Kind: Person, Name: "P"},
			"p2":  {ID: "p2", Kind: Person, Name: "P2"},
			"o":   {ID: "o", Kind: Organization, Name: "O", Classification: Party},
			"bbc": {ID: "bbc", Kind: Organization, Name: "BBC", Classification: MediaOutlet},
			"a1":  {ID: "a1", Kind: Article, Name: "A1"},
			"a2":  {ID: "a2", Kind: Article, Name: "A2"},
		},
		Relationships: map[string]Relationship{
			"r1": {ID: "r1", Type: MemberOf, From: "p", To: "o", Evidence: []Evidence{ev("a1", "q", 0.5)}},
			"r2": {ID: "r2", Type: PublishedBy, From: "a1", To: "bbc"},
		},
	}
	many := make([]Evidence, MaxEvidence)
	for i := range many {
		many[i] = ev("a1", string(rune('a'+i%26))+string(rune('a'+i/26%26))+string(rune('a'+i/676)), 1)
	}
	cases := []struct {
		name     string
		batch    Batch
		attached map[string][]Relationship
		kind     ErrorKind // 0 with ok: no error
		ok       bool
		id       string // of the error, for not found and conflict
		want     []Relationship
		created  []string
	}{
		{name: "merge and create", ok: true,
			batch: Batch{
				Relationships: []Relationship{{ID: "r1", Type: MemberOf, From: "p", To: "o", Role: "member", Evidence: []Evidence{ev("a1", "q", 0.9), ev("a2", "", 1)}},
					{ID: "r3", Type: WorksFor, From: "p2", To: "o"}},
				Evidence: []EvidenceAdd{{Relationship: "r3", Evidence: ev("a2", "x", 0.7)}, {Relationship: "r3", Evidence: ev("a2", "x", 0.7)}},
			},
			want: []Relationship{
				{ID: "r1", Type: MemberOf, From: "p", To: "o", Role: "member", Evidence: []Evidence{ev("a1", "q", 0.9), ev("a2", "", 1)}},
				{ID: "r3", Type: WorksFor, From: "p2", To: "o", Evidence: []Evidence{ev("a2", "x", 0.7)}},
			},
			created: []string{"r3"}},
		{name: "type change", kind: KindConflict, id: "r1",
			batch: Batch{Relationships: []Relationship{{ID: "r1", Type: Leads, From: "p", To: "o"}}}},
		{name: "end change", kind: KindConflict, id: "r1",
			batch: Batch{Relationships: []Relationship{{ID: "r1", Type: MemberOf, From: "p2", To: "o"}}}},
		{name: "kind change", kind: KindConflict, id: "o",
			batch: Batch{Entities: []Entity{{ID: "o", Kind: Person, Name: "O"}}}},
		{name: "two kinds in one batch", kind: KindInvalid,
			batch: Batch{Entities: []Entity{{ID: "n", Kind: Person, Name: "N"}, {ID: "n", Kind: Country, Name: "N"}}}},
		{name: "missing end", kind: KindNotFound, id: "ghost",
			batch: Batch{Relationships: []Relationship{{ID: "r9", Type: MemberOf, From: "p", To: "ghost"}}}},
		{name: "missing relationship", kind: KindNotFound, id: "r-none",
			batch: Batch{Evidence: []EvidenceAdd{{Relationship: "r-none", Evidence: ev("a1", "", 1)}}}},
		{name: "wrong end kind", kind: KindInvalid,
			batch: Batch{Relationships: []Relationship{{ID: "r9", Type: MemberOf, From: "p", To: "p2"}}}},
		{name: "evidence from a non-article", kind: KindInvalid,
			batch: Batch{Evidence: []EvidenceAdd{{Relationship: "r1", Evidence: ev("bbc", "", 1)}}}},
		{name: "outlet not a media outlet", kind: KindInvalid,
			batch: Batch{Entities: []Entity{{ID: "a3", Kind: Article, Name: "A3", Outlet: "o"}}}},
		{name: "references within the batch", ok: true,
			batch: Batch{
				Entities:      []Entity{{ID: "p3", Kind: Person, Name: "P3"}},
				Relationships: []Relationship{{ID: "r4", Type: MemberOf, From: "p3", To: "o"}},
			},
			want:    []Relationship{{ID: "r4", Type: MemberOf, From: "p3", To: "o"}},
			created: []string{"r4"}},
		{name: "evidence cap", kind: KindInvalid,
			batch: Batch{Relationships: []Relationship{{ID: "r1", Type: MemberOf, From: "p", To: "o", Evidence: many}}}},
		{name: "reclassify breaking a rule", kind: KindConflict, id: "bbc",
			batch:    Batch{Entities: []Entity{{ID: "bbc", Kind: Organization, Name: "BBC", Classification: Party}}},
			attached: map[string][]Relationship{"bbc": {stored.Relationships["r2"]}}},
		{name: "reclassify keeping the rules", ok: true,
			batch:    Batch{Entities: []Entity{{ID: "o", Kind: Organization, Name: "O", Classification: Legislature}}},
			attached: map[string][]Relationship{"o": {stored.Relationships["r1"]}},
			want:     []Relationship{}, created: nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := stored
			st.Attached = tc.attached
			b := tc.batch
			if got := b.Reclassified(st.Entities); len(got) != len(tc.attached) {
				t.Errorf("Reclassified = %v, want the entities of %v", got, tc.attached)
			}
			d, err := Decide(&b, st)
			if !tc.ok {
				if err == nil || KindOf(err) != tc.kind {
					t.Fatalf("Decide = %v, want a %v error", err, tc.kind)
				}
				if tc.id != "" {
					if e, ok := err.(*Error); !ok || e.ID != tc.id {
						t.Errorf("error %v names %q, want %q", err, e.ID, tc.id)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, d.Relationships); diff != "" {
				t.Errorf("relationships (-want +got):\n%s", diff)
			}
			for _, id := range tc.created {
				if !d.Created[id] {
					t.Errorf("%s not marked created", id)
				}
			}
			if len(d.Created) != len(tc.created) {
				t.Errorf("created %v, want %v", d.Created, tc.created)
			}
		})
	}
}

func TestReads(t *testing.T) {
	b := Batch{
		Entities:      []Entity{{ID: "a", Kind: Article, Outlet: "bbc"}, {ID: "s", Kind: Statement, Speaker: "p"}},
		Relationships: []Relationship{{ID: "r2", From: "p", To: "o", Evidence: []Evidence{{Article: "a"}}}},
		Evidence:      []EvidenceAdd{{Relationship: "r1", Evidence: Evidence{Article: "a0"}}},
	}
	ents, rels := b.Reads()
	if diff := cmp.Diff([]string{"a", "a0", "bbc", "o", "p", "s"}, ents); diff != "" {
		t.Errorf("entities (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"r1", "r2"}, rels); diff != "" {
		t.Errorf("relationships (-want +got):\n%s", diff)
	}
}

func TestCursorRoundTrip(t *testing.T) {
	for _, parts := range [][]string{{"a"}, {"a\x00b", ""}, {"0.5", "name\x00with:colons", "id"}, {"", ""}} {
		c := EncodeCursor(parts...)
		got, err := DecodeCursor("op", c, len(parts))
		if err != nil {
			t.Fatalf("DecodeCursor(EncodeCursor(%q)): %v", parts, err)
		}
		if diff := cmp.Diff(parts, got); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
		if _, err := DecodeCursor("op", c, len(parts)+1); KindOf(err) != KindInvalid {
			t.Errorf("a %d-part cursor decoded as %d parts: %v", len(parts), len(parts)+1, err)
		}
	}
	for _, bad := range []string{"!!", "", "MTA6YQ", "eDph"} {
		if _, err := DecodeCursor("op", bad, 1); KindOf(err) != KindInvalid {
			t.Errorf("DecodeCursor(%q) = %v, want invalid", bad, err)
		}
	}
}

func TestDecideRemoval(t *testing.T) {
	art := Entity{ID: "a1", Kind: Article, Name: "A", Outlet: "o1"}
	outlet := Entity{ID: "o1", Kind: Organization, Name: "O", Classification: MediaOutlet}
	p := Entity{ID: "p1", Kind: Person, Name: "P"}
	r1 := Relationship{ID: "r1", Type: Mentions, From: "a1", To: "p1", Evidence: []Evidence{{Article: "a1", Confidence: 1}}}
	r2 := Relationship{ID: "r2", Type: MemberOf, From: "p1", To: "o1", Evidence: []Evidence{{Article: "a1", Quote: "q", Confidence: 1}, {Article: "a2", Confidence: 1}}}
	stored := Stored{
		Entities:      map[string]*Entity{"a1": &art, "o1": &outlet, "p1": &p},
		Relationships: map[string]Relationship{"r1": r1, "r2": r2},
		Attached:      map[string][]Relationship{"p1": {r1, r2}, "a1": {r1}, "o1": {r2}},
		Citing:        map[string][]Relationship{"a1": {r1, r2}},
		Naming:        map[string][]string{"o1": {"a1"}},
	}
	for _, tc := range []struct {
		name               string
		rm                 Removal
		kind               *ErrorKind
		removed, unsupport []string
		updated            []string
	}{
		{name: "delete entity takes its relationships", rm: Removal{Entities: []string{"p1"}}, removed: []string{"r1", "r2"}},
		{name: "outlet named by an article", rm: Removal{Entities: []string{"o1"}}, kind: ptr(KindConflict)},
		{name: "article that is evidence", rm: Removal{Entities: []string{"a1"}}, kind: ptr(KindConflict)},
		{name: "article retracted and deleted", rm: Removal{Entities: []string{"a1"}, Retractions: []Retraction{{Source: "a1"}}}, removed: []string{"r1"}, updated: []string{"r2"}},
		{name: "retract deletes the unsupported", rm: Removal{Retractions: []Retraction{{Source: "a1"}}}, removed: []string{"r1"}, updated: []string{"r2"}},
		{name: "retract keeps the unsupported", rm: Removal{Retractions: []Retraction{{Source: "a1", KeepUnsupported: true}}}, updated: []string{"r1", "r2"}, unsupport: []string{"r1"}},
		{name: "retract a person", rm: Removal{Retractions: []Retraction{{Source: "p1"}}}, kind: ptr(KindInvalid)},
		{name: "missing relationship", rm: Removal{Relationships: []string{"r9"}}, kind: ptr(KindNotFound)},
		{name: "missing evidence", rm: Removal{Evidence: []EvidenceRef{{Relationship: "r2", Article: "a1"}}}, kind: ptr(KindNotFound)},
		{name: "remove evidence", rm: Removal{Evidence: []EvidenceRef{{Relationship: "r2", Article: "a1", Quote: "q"}}}, updated: []string{"r2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := Batch{Remove: tc.rm}
			d, err := Decide(&b, stored)
			if tc.kind != nil {
				if err == nil || KindOf(err) != *tc.kind {
					t.Fatalf("error = %v, want kind %v", err, *tc.kind)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var updated []string
			for _, r := range d.Relationships {
				updated = append(updated, r.ID)
			}
			if diff := cmp.Diff(tc.removed, d.RemoveRelationships, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("removed (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.updated, updated, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("updated (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.unsupport, d.Unsupported, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("unsupported (-want +got):\n%s", diff)
			}
			rec, ok := NewWriteRecord(AuditMeta{Op: "t"}, stored, d)
			if !ok || len(rec.Relationships) != len(tc.removed)+len(tc.updated) {
				t.Errorf("record = %+v", rec)
			}
		})
	}
	b := Batch{Entities: []Entity{p}, Remove: Removal{Relationships: []string{"r1"}}}
	if _, err := Decide(&b, stored); KindOf(err) != KindInvalid {
		t.Errorf("store and remove in one batch: %v, want invalid", err)
	}
}

func ptr[T any](v T) *T { return &v }
