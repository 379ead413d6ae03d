package export

import (
	"strings"
	"testing"

	"github.com/polgraph/polgraph/internal/kg"
)

// unNmtoken inverts nmtoken (for the tests: nmtoken must be injective).
func unNmtoken(s string) (string, bool) {
	if !hasEscape(s) {
		return s, true
	}
	if s == "_Z_" {
		return "", true
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '_' {
			b.WriteByte(s[i])
			i++
			continue
		}
		j := strings.IndexByte(s[i+1:], '_')
		if j < 1 {
			return "", false
		}
		group := s[i+1 : i+1+j]
		i += j + 2
		if group[0] == 'Z' {
			if len(group) != 3 {
				return "", false
			}
			var v byte
			for _, c := range []byte(strings.ToLower(group[1:])) {
				v <<= 4
				switch {
				case c >= '0' && c <= '9':
					v |= c - '0'
				case c >= 'a' && c <= 'f':
					v |= c - 'a' + 10
				default:
					return "", false
				}
			}
			b.WriteByte(v)
			continue
		}
		var r rune
		for _, c := range group {
			r <<= 4
			switch {
			case c >= '0' && c <= '9':
				r |= c - '0'
			case c >= 'A' && c <= 'F':
				r |= c - 'A' + 10
			default:
				return "", false
			}
		}
		b.WriteRune(r)
	}
	return b.String(), true
}

func TestNmtokenInjective(t *testing.T) {
	ids := []string{"han-dong", "qa/x", "qa_2F_x", "qa_5F_2F_5F_x", "rel-member_of-3fa2", "a_B_c", "a_b_c", "_", "_Z_", "", "é", "Zoë/孟", "x y", "_41_", "A", "\xff", "_ZFF_"}
	seen := map[string]string{}
	for _, id := range ids {
		tok := nmtoken(id)
		if prev, dup := seen[tok]; dup {
			t.Errorf("%q and %q both become %q", prev, id, tok)
		}
		seen[tok] = id
		if back, ok := unNmtoken(tok); !ok || back != id {
			t.Errorf("nmtoken(%q) = %q, which reads back as %q", id, tok, back)
		}
		if tok != nmtoken(id) {
			t.Errorf("nmtoken(%q) is not stable", id)
		}
	}
	for id, want := range map[string]string{"han-dong": "han-dong", "rel-member_of-3fa2": "rel-member_of-3fa2", "qa/x": "qa_2F_x", "qa_2F_x": "qa_5F_2F_5F_x"} {
		if got := nmtoken(id); got != want {
			t.Errorf("nmtoken(%q) = %q, want %q", id, got, want)
		}
	}
}

// TestIDsDoNotCollide exports two entities whose ids used to become the
// same GraphML id, and has xmllint and NetworkX read both formats back.
func TestIDsDoNotCollide(t *testing.T) {
	svc := openService(t, kg.Batch{
		Entities: []kg.Entity{
			{ID: "qa/x", Kind: kg.Person, Name: "Slash"},
			{ID: "qa_2F_x", Kind: kg.Person, Name: "Escaped"},
			{ID: "party", Kind: kg.Organization, Name: "Party", Classification: kg.Party},
		},
		Relationships: []kg.Relationship{
			{Type: kg.MemberOf, From: "qa/x", To: "party"},
			{Type: kg.MemberOf, From: "qa_2F_x", To: "party"},
		},
	})
	for _, name := range []string{"graphml", "gexf"} {
		t.Run(name, func(t *testing.T) {
			data := export(t, svc, Selection{}, mustFormat(t, name))
			if name == "graphml" {
				xmllintSchema(t, data)
			}
			s := networkx(t, name, data)
			if s.Nodes != 3 || s.Edges != 2 {
				t.Fatalf("NetworkX read %d nodes and %d edges, want 3 and 2:\n%s", s.Nodes, s.Edges, data)
			}
		})
	}
}
