package ner

import (
	"context"
	"testing"

	"github.com/polgraph/polgraph/internal/extract/gazetteer"
	"github.com/polgraph/polgraph/internal/extract/segment"
	"github.com/polgraph/polgraph/internal/kg"
)

func TestRecognize(t *testing.T) {
	text := "Prime Minister Ana Lopes met the French ambassador, Luc Morel, at the Ministry of Finance. The Chinese embassy in Madrid said the broadcaster Canal Uno had lied. Ms Lopes of Podemos agreed."
	g := gazetteer.NewStatic([]kg.Entity{{ID: "podemos", Kind: kg.Organization, Name: "Podemos", Classification: kg.Party}})
	ms, err := Recognize(context.Background(), segment.Split(text), Options{Gazetteer: g})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		kind  kg.Kind
		class kg.OrgClass
		title string
	}{
		"Ana Lopes":                     {kg.Person, "", "prime minister"},
		"Luc Morel":                     {kg.Person, "", ""},
		"Ministry of Finance":           {kg.Organization, kg.Ministry, ""},
		"The Chinese embassy in Madrid": {kg.Organization, kg.DiplomaticMission, ""},
		"Canal Uno":                     {kg.Organization, kg.MediaOutlet, ""},
		"Lopes":                         {kg.Person, "", "ms"},
		"Podemos":                       {kg.Organization, kg.Party, ""},
	}
	got := map[string]bool{}
	for _, m := range ms {
		w, ok := want[m.Text]
		if !ok {
			continue
		}
		got[m.Text] = true
		if m.Kind != w.kind || m.Class != w.class || (w.title != "" && m.Title != w.title) {
			t.Errorf("%q: kind %s class %s title %q, want %s %s %q", m.Text, m.Kind, m.Class, m.Title, w.kind, w.class, w.title)
		}
	}
	for k := range want {
		if !got[k] {
			t.Errorf("%q not recognised", k)
		}
	}
}
