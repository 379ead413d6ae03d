package dossier_test

import (
	"context"
	"strings"
	"testing"

	"github.com/polgraph/polgraph/examples"
	"github.com/polgraph/polgraph/internal/dossier"
	"github.com/polgraph/polgraph/internal/kg"
)

// The reference reading of the seed article (han-dong-expected.md), as a
// fixture: the demo dataset, once ingested, must hold every item.

type expectEntity struct {
	id    string
	kind  kg.Kind
	class kg.OrgClass
}

var expectedEntities = []expectEntity{
	{"han-dong", kg.Person, ""},
	{"justin-trudeau", kg.Person, ""},
	{"han-tao", kg.Person, ""},
	{"michael-kovrig", kg.Person, ""},
	{"michael-spavor", kg.Person, ""},
	{"meng-wanzhou", kg.Person, ""},
	{"wang-wenbin", kg.Person, ""},
	{"liberal-party", kg.Organization, kg.Party},
	{"conservative-party", kg.Organization, kg.Party},
	{"house-of-commons", kg.Organization, kg.Legislature},
	{"chinese-consulate-toronto", kg.Organization, kg.DiplomaticMission},
	{"china-mfa", kg.Organization, kg.Ministry},
	{"huawei", kg.Organization, kg.Company},
	{"global-news", kg.Organization, kg.MediaOutlet},
	{"globe-and-mail", kg.Organization, kg.MediaOutlet},
	{"bbc", kg.Organization, kg.MediaOutlet},
	{"canada", kg.Country, ""},
	{"china", kg.Country, ""},
	{"united-states", kg.Country, ""},
	{"article", kg.Article, ""},
	{"allegation-1", kg.Allegation, ""},
	{"allegation-2", kg.Allegation, ""},
}

type expectRel struct {
	from string
	typ  kg.RelType
	to   string
	role string
	since,
	until string
}

var expectedRelationships = []expectRel{
	// MP–party, diplomat–consulate, accused–allegation, article–source.
	{from: "han-dong", typ: kg.MemberOf, to: "liberal-party", until: "2023-03-22"},
	{from: "han-dong", typ: kg.MemberOf, to: "house-of-commons", role: "MP", since: "2019"},
	{from: "justin-trudeau", typ: kg.Leads, to: "liberal-party", role: "Prime Minister"},
	{from: "han-tao", typ: kg.HoldsPosition, to: "chinese-consulate-toronto", role: "consul-general"},
	{from: "chinese-consulate-toronto", typ: kg.Represents, to: "china"},
	{from: "wang-wenbin", typ: kg.SpokespersonFor, to: "china-mfa", role: "spokesman"},
	{from: "china-mfa", typ: kg.PartOf, to: "china"},
	{from: "meng-wanzhou", typ: kg.WorksFor, to: "huawei", role: "senior executive"},
	{from: "han-dong", typ: kg.AccusedIn, to: "allegation-1"},
	{from: "china", typ: kg.AccusedIn, to: "allegation-2"},
	{from: "article", typ: kg.PublishedBy, to: "bbc"},
	{from: "article", typ: kg.Cites, to: "global-news"},
	{from: "article", typ: kg.Cites, to: "globe-and-mail"},
	// Allegations: reported by, denied by, involving.
	{from: "allegation-1", typ: kg.ReportedBy, to: "global-news", role: "unconfirmed report citing anonymous national security sources"},
	{from: "han-dong", typ: kg.DeniedBy, to: "allegation-1"},
	{from: "han-tao", typ: kg.InvolvedIn, to: "allegation-1"},
	{from: "michael-kovrig", typ: kg.InvolvedIn, to: "allegation-1"},
	{from: "michael-spavor", typ: kg.InvolvedIn, to: "allegation-1"},
	{from: "conservative-party", typ: kg.InvolvedIn, to: "allegation-1"},
	{from: "allegation-2", typ: kg.ReportedBy, to: "global-news", role: "reports based on anonymous national security sources and leaked classified documents"},
	{from: "allegation-2", typ: kg.ReportedBy, to: "globe-and-mail", role: "reports based on anonymous national security sources and leaked classified documents"},
	{from: "chinese-consulate-toronto", typ: kg.DeniedBy, to: "allegation-2"},
	{from: "wang-wenbin", typ: kg.DeniedBy, to: "allegation-2"},
	{from: "canada", typ: kg.InvolvedIn, to: "allegation-2"},
}

type expectEvent struct {
	nameHas      string
	date         string
	participants []string
}

var expectedEvents = []expectEvent{
	{"Arrest of Meng Wanzhou", "2018", []string{"meng-wanzhou", "canada", "united-states"}},
	{"Detention of Michael Kovrig and Michael Spavor", "", []string{"michael-kovrig", "michael-spavor", "china"}},
	{"Conversation between Han Dong and Han Tao", "2021-02", []string{"han-dong", "han-tao"}},
	{"Release of Michael Kovrig and Michael Spavor", "2021-09-24", []string{"michael-kovrig", "michael-spavor"}},
	{"Release of Meng Wanzhou", "2021-09-25", []string{"meng-wanzhou"}},
	{"Trudeau defends Han Dong", "2023-02", []string{"justin-trudeau", "han-dong"}},
	{"Han Dong leaves the Liberal caucus", "2023-03-22", []string{"han-dong", "liberal-party"}},
	{"motion calling for a public inquiry", "2023-03-23", []string{"house-of-commons", "han-dong"}},
	{"special rapporteur", "2023-03", []string{"justin-trudeau"}},
}

type expectStatement struct {
	speaker  string // "" for the unnamed Chinese-Canadian politicians
	quoteHas string
}

var expectedStatements = []expectStatement{
	{"han-dong", "what has been reported is false"},
	{"han-dong", "he called for the immediate release"},
	{"justin-trudeau", "an outstanding member of our team"},
	{"justin-trudeau", "only became aware that a conversation took place after Mr Dong told us"},
	{"chinese-consulate-toronto", "utterly groundless"},
	{"wang-wenbin", "China opposes interference in other countries’ internal affairs"},
	{"", "racially motivated"},
}

func TestDemoHoldsExpectedReading(t *testing.T) {
	svc := openService(t)
	ingestDemo(t, svc)
	snap := takeSnapshot(t, svc)
	byID := map[string]kg.Entity{}
	for _, e := range snap.Entities {
		byID[e.ID] = e
	}
	type edge struct {
		from string
		typ  kg.RelType
		to   string
	}
	rels := map[edge][]kg.Relationship{}
	for _, r := range snap.Relationships {
		k := edge{r.From, r.Type, r.To}
		rels[k] = append(rels[k], r)
		if len(r.Evidence) == 0 {
			t.Errorf("relationship %s %s %s has no evidence", r.From, r.Type, r.To)
		}
		for _, ev := range r.Evidence {
			if ev.Article != "article" || ev.Confidence <= 0 {
				t.Errorf("relationship %s %s %s: evidence %+v", r.From, r.Type, r.To, ev)
			}
		}
	}

	for _, want := range expectedEntities {
		e, ok := byID[want.id]
		if !ok {
			t.Errorf("entity %s missing", want.id)
			continue
		}
		if e.Kind != want.kind || e.Classification != want.class {
			t.Errorf("entity %s is %s %q, want %s %q", want.id, e.Kind, e.Classification, want.kind, want.class)
		}
		if want.kind != kg.Article && len(rels[edge{"article", kg.Mentions, want.id}]) != 1 {
			t.Errorf("the article does not mention %s", want.id)
		}
	}
	if a := byID["article"]; a.Title != "Canada MP Han Dong Steps Down Over Chinese Interference Claims" || a.Outlet != "bbc" || a.Published.IsZero() || a.Text == "" {
		t.Errorf("article = %+v", a)
	}

	for _, want := range expectedRelationships {
		got := rels[edge{want.from, want.typ, want.to}]
		if len(got) != 1 {
			t.Errorf("%s %s %s: %d relationships, want 1", want.from, want.typ, want.to, len(got))
			continue
		}
		r := got[0]
		if r.Role != want.role || r.Since.String() != want.since || r.Until.String() != want.until {
			t.Errorf("%s %s %s: role %q since %q until %q; want %q %q %q",
				want.from, want.typ, want.to, r.Role, r.Since, r.Until, want.role, want.since, want.until)
		}
	}
	// asOf: a Liberal MP on 2022-01-01, not after he left.
	lib := rels[edge{"han-dong", kg.MemberOf, "liberal-party"}]
	if len(lib) == 1 && (!lib[0].ValidAt(kg.MustDate("2022-01-01")) || lib[0].ValidAt(kg.MustDate("2023-03-23"))) {
		t.Errorf("Liberal membership valid at the wrong times: %+v", lib[0])
	}

	for _, want := range expectedEvents {
		var found []kg.Entity
		for _, e := range snap.Entities {
			if e.Kind == kg.Event && strings.Contains(e.Name, want.nameHas) {
				found = append(found, e)
			}
		}
		if len(found) != 1 {
			t.Errorf("event %q: %d found, want 1", want.nameHas, len(found))
			continue
		}
		ev := found[0]
		if ev.Date.String() != want.date {
			t.Errorf("event %q: date %q, want %q", want.nameHas, ev.Date, want.date)
		}
		for _, p := range want.participants {
			if len(rels[edge{p, kg.ParticipatedIn, ev.ID}]) != 1 {
				t.Errorf("event %q: %s did not participate", want.nameHas, p)
			}
		}
	}

	for _, want := range expectedStatements {
		var found []kg.Entity
		for _, e := range snap.Entities {
			if e.Kind == kg.Statement && strings.Contains(e.Quote, want.quoteHas) {
				found = append(found, e)
			}
		}
		if len(found) != 1 {
			t.Errorf("statement %q: %d found, want 1", want.quoteHas, len(found))
			continue
		}
		st := found[0]
		if st.Speaker != want.speaker {
			t.Errorf("statement %q: speaker %q, want %q", want.quoteHas, st.Speaker, want.speaker)
		}
		if want.speaker != "" && len(rels[edge{want.speaker, kg.Stated, st.ID}]) != 1 {
			t.Errorf("statement %q: no STATED from %s", want.quoteHas, want.speaker)
		}
	}
}

// Every quote of the demo, written or derived, is a verbatim substring of
// the article's text.
func TestDemoQuotesAreVerbatim(t *testing.T) {
	d, err := dossier.Parse(examples.Demo())
	if err != nil {
		t.Fatalf("demo does not parse: %v", err)
	}
	text := d.Article.Text
	if !strings.Contains(text, "Canada MP Han Dong Steps Down Over Chinese Interference Claims") {
		t.Fatalf("the demo's text is not the seed article")
	}
	var quotes []string
	links := func(ls ...[]dossier.Link) {
		for _, l := range ls {
			for _, x := range l {
				quotes = append(quotes, x.Quote)
			}
		}
	}
	links(d.Article.Cites)
	for _, e := range d.Entities {
		quotes = append(quotes, e.Quote)
	}
	for _, r := range d.Relationships {
		quotes = append(quotes, r.Quote)
	}
	for _, a := range d.Allegations {
		quotes = append(quotes, a.Quote)
		links(a.Accused, a.Involved, a.ReportedBy, a.DeniedBy)
	}
	for _, e := range d.Events {
		quotes = append(quotes, e.Quote)
		links(e.Participants, e.About, e.ReportedBy)
	}
	for _, s := range d.Statements {
		quotes = append(quotes, s.Quote)
		links(s.About, s.ReportedBy)
		if s.Speaker != nil {
			links([]dossier.Link{*s.Speaker})
		}
	}
	n := 0
	for _, q := range quotes {
		if q == "" {
			continue
		}
		n++
		if !strings.Contains(text, q) {
			t.Errorf("quote not verbatim in the article: %q", q)
		}
	}
	if n < 50 {
		t.Errorf("only %d quotes checked", n)
	}

	// And after ingest, every piece of evidence, derived ones included.
	svc := openService(t)
	ingestDemo(t, svc)
	if err := svc.Store().ScanRelationships(context.Background(), func(r kg.Relationship) error {
		for _, ev := range r.Evidence {
			if ev.Quote == "" || !strings.Contains(text, ev.Quote) {
				t.Errorf("%s %s %s: evidence quote %q is not in the text", r.From, r.Type, r.To, ev.Quote)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}
