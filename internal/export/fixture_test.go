package export

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/polgraph/polgraph/examples"
	"github.com/polgraph/polgraph/internal/dossier"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/store/embedded"
)

// openService opens a real embedded store in a temporary directory and
// writes the batch into it. Batches are normalised but written to the
// store directly, past the Service's validation: the fixture holds text
// that today's validation refuses (control characters, invalid UTF-8), as
// a store written by an older polgraph may, and every export must still
// write it cleanly.
func openService(t testing.TB, batches ...kg.Batch) *kg.Service {
	t.Helper()
	svc := openEmpty(t)
	for i := range batches {
		b := &batches[i]
		for j := range b.Entities {
			b.Entities[j].Normalize()
		}
		for j := range b.Relationships {
			b.Relationships[j].Normalize()
		}
		b.Op = "fixture"
		if err := svc.Store().Apply(context.Background(), *b); err != nil {
			t.Fatalf("apply fixture batch %d: %v", i, err)
		}
	}
	return svc
}

// openEmpty opens an empty real embedded store in a temporary directory.
func openEmpty(t testing.TB) *kg.Service {
	t.Helper()
	st, err := embedded.Open(t.TempDir(), embedded.Options{NoSync: true})
	if err != nil {
		t.Fatalf("open embedded store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return kg.NewService(st, kg.DefaultLimits)
}

// openDemo opens a real embedded store holding the demo dataset (the BBC
// report on Han Dong), ingested as polgraph serve --demo does.
func openDemo(t testing.TB) (*kg.Service, dossier.Result) {
	t.Helper()
	svc := openEmpty(t)
	res, err := dossier.Ingest(context.Background(), svc, examples.Demo())
	if err != nil {
		t.Fatalf("ingest the demo dossier: %v", err)
	}
	return svc, res
}

// demoNetwork is the demo's network(seeds: han-dong, depth: 2).
func demoNetwork() Selection {
	depth := 2
	return Selection{Seeds: []string{"han-dong"}, Depth: &depth}
}

// fixtureLiberal is the evidence of han-dong's Liberal membership in the
// fixture, resolved as an export must hold it.
func fixtureLiberal() []Source {
	return []Source{{Article: "article", Title: "Canada MP Han Dong Steps Down Over Chinese Interference Claims",
		URL: "https://www.bbc.com/news/world-us-canada-65000000", Outlet: "BBC", Published: kg.MustDate("2023-03"),
		Quote: `left the Liberal caucus "on Wednesday"`, Confidence: 0.9}}
}

// demoLiberal is the evidence of han-dong's Liberal membership in the demo
// dossier (examples/han-dong-bbc.dossier.json): its quote, and the
// article's title, outlet and date (the article has no URL). article is
// the graph id the ingest gave the article.
func demoLiberal(article string) []Source {
	return []Source{{Article: article, Title: "Canada MP Han Dong Steps Down Over Chinese Interference Claims",
		Outlet: "BBC", Published: kg.MustDate("2023-03-23"),
		Quote:      "On Wednesday, Mr Dong said that he will leave Prime Minister Justin Trudeau’s governing Liberal Party to sit as an independent.",
		Confidence: 1}}
}

// fixture is a small graph from the Han Dong article, with the values that
// break careless writers: XML metacharacters, an invalid UTF-8 byte, a
// control character, a newline in a quote, a ";" in an alias (the CSV array
// delimiter), an id that is not an XML NMTOKEN, partial dates, and an
// article cited as evidence that is outside the network around han-dong.
func fixture() kg.Batch {
	d := kg.MustDate
	return kg.Batch{
		Entities: []kg.Entity{
			{ID: "han-dong", Kind: kg.Person, Name: "Han Dong", Aliases: []string{"Mr Dong", "Dong; Han"},
				Identifiers: []kg.Identifier{{Scheme: "wikidata", Value: "Q63220585"}, {Scheme: "ourcommons", Value: "105009"}},
				Description: "Canadian MP <independent> & former Liberal"},
			{ID: "justin-trudeau", Kind: kg.Person, Name: "Justin Trudeau", BirthDate: d("1971-12-25")},
			{ID: "han-tao", Kind: kg.Person, Name: "Han Tao", Description: "consul \x01general \xff"},
			{ID: "liberal-party", Kind: kg.Organization, Name: "Liberal Party of Canada", Classification: kg.Party},
			{ID: "house-of-commons", Kind: kg.Organization, Name: "House of Commons", Classification: kg.Legislature},
			{ID: "consulate/toronto#1", Kind: kg.Organization, Name: `China's "consulate" in Toronto`, Classification: kg.DiplomaticMission},
			{ID: "bbc", Kind: kg.Organization, Name: "BBC", Classification: kg.MediaOutlet},
			{ID: "huawei", Kind: kg.Organization, Name: "Huawei", Classification: kg.Company},
			{ID: "canada", Kind: kg.Country, Name: "Canada", CountryCode: "CA"},
			{ID: "china", Kind: kg.Country, Name: "China", CountryCode: "CN"},
			{ID: "article", Kind: kg.Article, Name: "Canada MP Han Dong Steps Down", Title: "Canada MP Han Dong Steps Down Over Chinese Interference Claims",
				URL: "https://www.bbc.com/news/world-us-canada-65000000", Outlet: "bbc", Published: d("2023-03")},
			{ID: "allegation-1", Kind: kg.Allegation, Name: "Han Dong and the two Michaels", Summary: "Han Dong allegedly suggested delaying the release of Kovrig & Spavor"},
			{ID: "event-arrest", Kind: kg.Event, Name: "Meng Wanzhou arrested", Date: d("2018"), EventType: "arrest"},
			{ID: "statement-1", Kind: kg.Statement, Name: "Han Dong denies", Quote: "What has been reported\nis false", Speaker: "han-dong", Date: d("2023-03")},
			{ID: "meng-wanzhou", Kind: kg.Person, Name: "Meng Wanzhou"},
		},
		Relationships: []kg.Relationship{
			{ID: "r-member-liberal", Type: kg.MemberOf, From: "han-dong", To: "liberal-party", Until: d("2023-03-22"),
				Evidence: []kg.Evidence{{Article: "article", Quote: `left the Liberal caucus "on Wednesday"`, Confidence: 0.9}}},
			{ID: "r-mp", Type: kg.MemberOf, From: "han-dong", To: "house-of-commons", Role: "MP", Since: d("2019"),
				Evidence: []kg.Evidence{{Article: "article", Quote: "elected to parliament in 2019", Confidence: 0.95}}},
			{ID: "r-leads", Type: kg.Leads, From: "justin-trudeau", To: "liberal-party", Role: "Prime Minister"},
			{ID: "r-consul", Type: kg.HoldsPosition, From: "han-tao", To: "consulate/toronto#1", Role: "consul-general"},
			{ID: "r-represents", Type: kg.Represents, From: "consulate/toronto#1", To: "china"},
			{ID: "r-works", Type: kg.WorksFor, From: "meng-wanzhou", To: "huawei", Role: "senior executive"},
			{ID: "r-accused", Type: kg.AccusedIn, From: "han-dong", To: "allegation-1",
				Evidence: []kg.Evidence{{Article: "article", Quote: "Global News <reported>", Confidence: 0.7}}},
			{ID: "r-involved", Type: kg.InvolvedIn, From: "han-tao", To: "allegation-1"},
			{ID: "r-denied", Type: kg.DeniedBy, From: "han-dong", To: "allegation-1"},
			{ID: "r-reported", Type: kg.ReportedBy, From: "allegation-1", To: "article"},
			{ID: "r-published", Type: kg.PublishedBy, From: "article", To: "bbc"},
			{ID: "r-mentions", Type: kg.Mentions, From: "article", To: "han-dong"},
			{ID: "r-participated", Type: kg.ParticipatedIn, From: "meng-wanzhou", To: "event-arrest"},
			{ID: "r-stated", Type: kg.Stated, From: "han-dong", To: "statement-1"},
			{ID: "r-about", Type: kg.About, From: "statement-1", To: "allegation-1"},
			{ID: "r-citizen", Type: kg.CitizenOf, From: "han-dong", To: "canada", Since: d("2000")},
			{ID: "r-event-about", Type: kg.About, From: "event-arrest", To: "canada"},
		},
	}
}

// fixtureNetwork is the selection the small golden files hold: everything
// within one hop of Han Dong, except the article (so its evidence must be
// looked up).
func fixtureNetwork() Selection {
	depth := 1
	return Selection{Seeds: []string{"han-dong"}, Depth: &depth,
		Types: []kg.RelType{kg.MemberOf, kg.AccusedIn, kg.DeniedBy, kg.Stated, kg.CitizenOf}}
}

// generated is a deterministic graph of n entities: people, organizations
// (parties, legislatures, companies, outlets), countries, articles and
// allegations, with about 2n relationships carrying evidence, split into
// batches the Service accepts.
func generated(n int) []kg.Batch {
	rng := rand.New(rand.NewPCG(4, 2))
	var ents []kg.Entity
	var people, orgs, outlets, countries, articles, allegations []string
	for i := range n {
		id := fmt.Sprintf("g%05d", i)
		var e kg.Entity
		switch {
		case i%50 == 0:
			e = kg.Entity{ID: id, Kind: kg.Country, Name: "Country " + id, CountryCode: []string{"CA", "CN", "US", "GB", "FR", "DE", "JP", "IN", "BR", "MX"}[i/50%10]}
			countries = append(countries, id)
		case i%25 == 1:
			e = kg.Entity{ID: id, Kind: kg.Organization, Name: "Outlet " + id, Classification: kg.MediaOutlet}
			outlets = append(outlets, id)
		case i%10 == 2:
			cls := []kg.OrgClass{kg.Party, kg.Legislature, kg.Company, kg.Ministry, kg.OtherOrg}[rng.IntN(5)]
			e = kg.Entity{ID: id, Kind: kg.Organization, Name: "Organization " + id, Classification: cls}
			orgs = append(orgs, id)
		case i%10 == 3 && len(outlets) > 0:
			e = kg.Entity{ID: id, Kind: kg.Article, Name: "Article " + id, Title: "Report <" + id + "> & more",
				URL: "https://news.example/" + id, Outlet: outlets[rng.IntN(len(outlets))], Published: kg.Date{Year: 2000 + rng.IntN(24), Month: 1 + rng.IntN(12)}}
			articles = append(articles, id)
		case i%20 == 4:
			e = kg.Entity{ID: id, Kind: kg.Allegation, Name: "Allegation " + id, Summary: "Something alleged about " + id}
			allegations = append(allegations, id)
		default:
			e = kg.Entity{ID: id, Kind: kg.Person, Name: "Person " + id, Aliases: []string{"P. " + id},
				Identifiers: []kg.Identifier{{Scheme: "wikidata", Value: fmt.Sprintf("Q%d", 1000+i)}}}
			people = append(people, id)
		}
		ents = append(ents, e)
	}
	pick := func(l []string) string { return l[rng.IntN(len(l))] }
	var rels []kg.Relationship
	for i := range 2 * n {
		var r kg.Relationship
		switch i % 5 {
		case 0:
			r = kg.Relationship{Type: kg.MemberOf, From: pick(people), To: pick(orgs)}
		case 1:
			r = kg.Relationship{Type: kg.WorksFor, From: pick(people), To: pick(orgs), Role: "staff"}
		case 2:
			r = kg.Relationship{Type: kg.AccusedIn, From: pick(people), To: pick(allegations)}
		case 3:
			r = kg.Relationship{Type: kg.Mentions, From: pick(articles), To: pick(people)}
		case 4:
			r = kg.Relationship{Type: kg.CitizenOf, From: pick(people), To: pick(countries)}
		}
		r.ID = fmt.Sprintf("gr%06d", i)
		if rng.IntN(2) == 0 {
			r.Since = kg.Date{Year: 1990 + rng.IntN(30)}
			r.Until = kg.Date{Year: r.Since.Year + rng.IntN(5), Month: 1 + rng.IntN(12)}
		}
		if i%3 == 0 {
			r.Evidence = []kg.Evidence{{Article: pick(articles), Quote: "quoted " + r.ID, Confidence: 0.5}}
		}
		rels = append(rels, r)
	}
	return []kg.Batch{{Entities: ents}, {Relationships: rels}}
}
