package lexicon

import (
	"strings"
	"testing"

	"github.com/polgraph/polgraph/internal/kg"
)

func TestCountry(t *testing.T) {
	for _, tc := range []struct{ in, name, how string }{
		{"Beijing", "China", "capital"},
		{"the US", "United States", "alias"},
		{"U.S.", "United States", "alias"},
		{"Chinese", "China", "demonym"},
		{"Canada", "Canada", "name"},
		{"Toronto", "", ""},
	} {
		c, how := Country(tc.in)
		name := ""
		if c != nil {
			name = c.Name
		}
		if name != tc.name || how != tc.how {
			t.Errorf("Country(%q) = %q by %q, want %q by %q", tc.in, name, how, tc.name, tc.how)
		}
	}
}

func TestRoleAt(t *testing.T) {
	words := strings.Fields("the foreign minister of hungary")
	name, r, n := RoleAt(words, 1)
	if name != "foreign minister" || n != 2 || r.Rel != kg.HoldsPosition || r.Class != kg.Ministry {
		t.Errorf("RoleAt = %q %+v %d", name, r, n)
	}
	if _, _, n := RoleAt(words, 0); n != 0 {
		t.Errorf("'the' is not a role")
	}
}

func TestNames(t *testing.T) {
	cn, _ := Country("China")
	if got := MissionName("consulate", cn, "Toronto"); got != "Consulate of China in Toronto" {
		t.Error(got)
	}
	if got := MinistryName("foreign affairs", cn); got != "Ministry of Foreign Affairs of China" {
		t.Error(got)
	}
}
