package storetest

import "github.com/polgraph/polgraph/internal/kg"

// Fixture is a small political graph around the Han Dong story, built so
// that every case of the suite has a known answer: partial dates on both
// sides of asOf boundaries, a relationship with evidence from two articles,
// several shortest paths of the same length, near-miss names for typo
// tolerance, accents and aliases. Identifiers are test values.
//
// Relationship ids are chosen so that the id order of Han Dong's
// relationships is known (the order a store expands them in).
func Fixture() kg.Batch {
	d := kg.MustDate
	ev := func(article, quote string) kg.Evidence {
		return kg.Evidence{Article: article, Quote: quote, Confidence: 0.9}
	}
	person := func(id, name string, aliases ...string) kg.Entity {
		return kg.Entity{ID: id, Kind: kg.Person, Name: name, Aliases: aliases}
	}
	org := func(id, name string, c kg.OrgClass, aliases ...string) kg.Entity {
		return kg.Entity{ID: id, Kind: kg.Organization, Name: name, Classification: c, Aliases: aliases}
	}
	rel := func(id string, t kg.RelType, from, to, role string, since, until string, evidence ...kg.Evidence) kg.Relationship {
		r := kg.Relationship{ID: id, Type: t, From: from, To: to, Role: role, Evidence: evidence}
		if since != "" {
			r.Since = d(since)
		}
		if until != "" {
			r.Until = d(until)
		}
		return r
	}
	dong := person("p-han-dong", "Han Dong", "Dong Han", "董晗")
	dong.Identifiers = []kg.Identifier{{Scheme: "wikidata", Value: "Q100001"}}
	dong.BirthDate = d("1977")
	trudeau := person("p-justin-trudeau", "Justin Trudeau")
	trudeau.Identifiers = []kg.Identifier{{Scheme: "wikidata", Value: "Q100002"}}
	liberal := org("o-liberal", "Liberal Party of Canada", kg.Party, "Liberals")
	liberal.Identifiers = []kg.Identifier{{Scheme: "wikidata", Value: "Q100003"}}

	b := kg.Batch{
		Entities: []kg.Entity{
			dong,
			person("p-han-deng", "Han Deng"),
			trudeau,
			person("p-pierre-trudeau", "Pierre Trudeau", "Pierre Elliott Trudeau"),
			person("p-melanie-joly", "Mélanie Joly"),
			person("p-michael-chong", "Michael Chong"),
			person("p-meng-wanzhou", "Meng Wanzhou", "Sabrina Meng"),
			liberal,
			org("o-commons", "House of Commons", kg.Legislature),
			org("o-consulate", "Consulate General of China in Toronto", kg.DiplomaticMission),
			org("o-huawei", "Huawei", kg.Company),
			org("o-bbc", "BBC News", kg.MediaOutlet, "BBC"),
			org("o-globe", "The Globe and Mail", kg.MediaOutlet),
			{ID: "c-canada", Kind: kg.Country, Name: "Canada", CountryCode: "CA"},
			{ID: "c-china", Kind: kg.Country, Name: "China", CountryCode: "CN"},
			{ID: "a-bbc", Kind: kg.Article, Name: "Han Dong: Toronto MP quits party over China claims",
				Title: "Han Dong: Toronto MP quits party over China claims", URL: "https://www.bbc.com/news/world-us-canada-65040093",
				Outlet: "o-bbc", Published: d("2023-03-23")},
			{ID: "a-globe", Kind: kg.Article, Name: "Globe report on consulate advice",
				Title: "Globe report on consulate advice", Outlet: "o-globe", Published: d("2023-03")},
			{ID: "al-interference", Kind: kg.Allegation, Name: "Advice to delay release of the two Michaels",
				Summary: "Han Dong allegedly advised a Chinese diplomat to delay the release of two detained Canadians.", Status: kg.Alleged},
			{ID: "al-nomination", Kind: kg.Allegation, Name: "Nomination support from Beijing",
				Summary: "Beijing allegedly supported Han Dong's 2019 nomination.", Status: kg.Denied},
			{ID: "ev-resignation", Kind: kg.Event, Name: "Han Dong leaves the Liberal caucus", Date: d("2023-03-22"), EventType: "resignation"},
			{ID: "st-dong-denial", Kind: kg.Statement, Name: "Han Dong denies the report",
				Quote: "I intend to clear my name", Speaker: "p-han-dong", Date: d("2023-03-22")},
		},
		Relationships: []kg.Relationship{
			// Han Dong's relationships; in id order: bbc-mentions, accused,
			// citizen, commons, denied, liberal, participated, stated,
			// globe-mentions.
			rel("r-bbc-mentions-dong", kg.Mentions, "a-bbc", "p-han-dong", "", "", "", ev("a-bbc", "")),
			rel("r-dong-accused", kg.AccusedIn, "p-han-dong", "al-interference", "", "", "",
				ev("a-bbc", "advised a senior Chinese diplomat"), ev("a-globe", "")),
			rel("r-dong-citizen", kg.CitizenOf, "p-han-dong", "c-canada", "", "", ""),
			rel("r-dong-commons", kg.MemberOf, "p-han-dong", "o-commons", "MP for Don Valley North", "2019-10-21", "", ev("a-bbc", "")),
			rel("r-dong-denied", kg.DeniedBy, "p-han-dong", "al-interference", "", "", "", ev("a-bbc", "categorically denies")),
			rel("r-dong-liberal", kg.MemberOf, "p-han-dong", "o-liberal", "", "2019", "2023-03-22",
				ev("a-bbc", "quit the Liberal caucus"), ev("a-globe", "")),
			rel("r-dong-participated", kg.ParticipatedIn, "p-han-dong", "ev-resignation", "", "", ""),
			rel("r-dong-stated", kg.Stated, "p-han-dong", "st-dong-denial", "", "", ""),
			rel("r-globe-mentions-dong", kg.Mentions, "a-globe", "p-han-dong", "", "", "", ev("a-globe", "")),

			rel("r-bbc-mentions-meng", kg.Mentions, "a-bbc", "p-meng-wanzhou", "", "", "", ev("a-bbc", "")),
			rel("r-globe-mentions-meng", kg.Mentions, "a-globe", "p-meng-wanzhou", "", "", "", ev("a-globe", "")),
			rel("r-bbc-published", kg.PublishedBy, "a-bbc", "o-bbc", "", "", ""),
			rel("r-globe-published", kg.PublishedBy, "a-globe", "o-globe", "", "", "", ev("a-globe", "")),
			rel("r-interference-reported", kg.ReportedBy, "al-interference", "a-bbc", "", "", ""),
			rel("r-statement-reported", kg.ReportedBy, "st-dong-denial", "a-bbc", "", "", ""),
			rel("r-statement-about", kg.About, "st-dong-denial", "al-interference", "", "", ""),
			rel("r-event-about", kg.About, "ev-resignation", "o-liberal", "", "", ""),
			rel("r-consulate-involved", kg.InvolvedIn, "o-consulate", "al-interference", "", "", ""),
			rel("r-consulate-china", kg.Represents, "o-consulate", "c-china", "", "", ""),
			rel("r-meng-huawei", kg.WorksFor, "p-meng-wanzhou", "o-huawei", "chief financial officer", "2011", ""),
			rel("r-trudeau-liberal", kg.Leads, "p-justin-trudeau", "o-liberal", "", "2013-04-14", ""),
			rel("r-trudeau-canada", kg.Leads, "p-justin-trudeau", "c-canada", "Prime Minister", "2015-11-04", ""),
			rel("r-trudeau-commons", kg.MemberOf, "p-justin-trudeau", "o-commons", "", "2008", ""),
			rel("r-joly-liberal", kg.MemberOf, "p-melanie-joly", "o-liberal", "", "2015", ""),
			rel("r-joly-canada", kg.HoldsPosition, "p-melanie-joly", "c-canada", "Minister of Foreign Affairs", "2021-10-26", ""),
			rel("r-chong-commons", kg.MemberOf, "p-michael-chong", "o-commons", "", "2004", ""),
		},
	}
	for i := range b.Entities {
		b.Entities[i].Normalize()
	}
	for i := range b.Relationships {
		b.Relationships[i].Normalize()
	}
	return b
}
