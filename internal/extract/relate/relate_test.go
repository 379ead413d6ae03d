package relate

import (
	"context"
	"strings"
	"testing"

	"github.com/polgraph/polgraph/internal/extract/coref"
	"github.com/polgraph/polgraph/internal/extract/link"
	"github.com/polgraph/polgraph/internal/extract/ner"
	"github.com/polgraph/polgraph/internal/extract/segment"
	"github.com/polgraph/polgraph/internal/kg"
)

func read(t *testing.T, text string) ([]Fact, map[string]string) {
	t.Helper()
	sents := segment.Split(text)
	ms, err := ner.Recognize(context.Background(), sents, ner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	chains, of := coref.Resolve(ms)
	links, err := link.Chains(context.Background(), chains, nil)
	if err != nil {
		t.Fatal(err)
	}
	facts := Relate(&Input{Article: "art", Published: kg.MustDate("2024-05-10"), Sentences: sents, Mentions: ms, Of: of, Chains: chains, Links: links})
	names := map[string]string{"art": "ARTICLE"}
	for _, l := range links {
		names[l.Entity.ID] = l.Entity.Name
	}
	for _, f := range facts {
		if f.Entity != nil {
			names[f.Entity.ID] = f.Entity.Name
		}
	}
	return facts, names
}

// Each case is a sentence pattern written with names the rules have never
// seen, and a relationship it must yield (names of the ends; allegations
// and events by their generated names).
func TestRules(t *testing.T) {
	for _, tc := range []struct {
		name, text, want string
	}{
		{"possessive apposition (mission)", "Officials met France's ambassador to Chile, Marc Dubois, on Monday.", "Marc Dubois HOLDS_POSITION Embassy of France in Chile"},
		{"mission represents", "Officials met France's ambassador to Chile, Marc Dubois, on Monday.", "Embassy of France in Chile REPRESENTS France"},
		{"apposition of", "Lena Fischer, the leader of the Green Party, spoke.", "Lena Fischer LEADS Green Party"},
		{"demonym apposition (ministry)", "The Polish foreign minister, Adam Nowak, arrived.", "Adam Nowak HOLDS_POSITION Ministry of Foreign Affairs of Poland"},
		{"prefix role at a company", "Acme Corp chief executive John Smith resigned.", "John Smith WORKS_FOR Acme Corp"},
		{"leader's party", "President Ana Costa's ruling Justice Party won.", "Ana Costa LEADS Justice Party"},
		{"departure", "Mr Petrov said he would leave the Unity Party to sit as an independent.", "Petrov MEMBER_OF Unity Party"},
		{"joining", "Sara Lind joined the Centre Party last year.", "Sara Lind MEMBER_OF Centre Party"},
		{"accused of", "Tomas Berg has been accused of taking bribes.", "Tomas Berg ACCUSED_IN Allegations against Tomas Berg"},
		{"active accusation", "Prosecutors accused Ivan Horvat of fraud.", "Ivan Horvat ACCUSED_IN Allegations against Ivan Horvat"},
		{"denial", "Tomas Berg has been accused of taking bribes. Mr Berg denied the allegations.", "Tomas Berg DENIED Allegations against Tomas Berg"},
		{"reported by", "According to a report published by the newspaper Daily Courier, Tomas Berg allegedly took bribes.", "Allegations against Tomas Berg REPORTED_BY Daily Courier"},
		{"cites", "The broadcaster Radio Nord reported the vote.", "ARTICLE CITES Radio Nord"},
		{"statement", "“We will not resign,” Mr Okafor said. Chidi Okafor is a senator.", "Chidi Okafor STATED Chidi Okafor: We will not resign"},
		{"event with date", "Police arrested Mario Rossi on 3 March, 2024.", "Mario Rossi PARTICIPATED_IN Arrest: Mario Rossi"},
		{"spokesperson", "A spokesman for the Interior Ministry, Karl Weber, declined to comment.", "Karl Weber SPOKESPERSON_FOR Interior Ministry"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			facts, names := read(t, tc.text)
			var got []string
			for _, f := range facts {
				if r := f.Relationship; r != nil {
					got = append(got, names[r.From]+" "+string(r.Type)+" "+names[r.To])
				}
			}
			for _, g := range got {
				if strings.HasPrefix(g, tc.want) {
					return
				}
			}
			t.Errorf("want %q; got\n  %s", tc.want, strings.Join(got, "\n  "))
		})
	}
}
