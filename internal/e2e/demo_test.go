package e2e_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The reference reading of the seed article (shared/seed/han-dong-expected.md),
// item by item, as the GraphQL API must serve it from the demo dataset.
// Events and statements have no key in the checklist; they are named by the
// ids the demo dossier gives them.

const articleID = "article"

var wantEntities = []struct {
	id, kind, class, name string
	// aliases are short forms the article uses, which must be among the
	// entity's aliases.
	aliases []string
}{
	{"han-dong", "PERSON", "", "Han Dong", []string{"Mr Dong"}},
	{"justin-trudeau", "PERSON", "", "Justin Trudeau", []string{"Mr Trudeau"}},
	{"han-tao", "PERSON", "", "Han Tao", nil},
	{"michael-kovrig", "PERSON", "", "Michael Kovrig", []string{"Mr Kovrig"}},
	{"michael-spavor", "PERSON", "", "Michael Spavor", []string{"Mr Spavor"}},
	{"meng-wanzhou", "PERSON", "", "Meng Wanzhou", []string{"Ms Meng"}},
	{"wang-wenbin", "PERSON", "", "Wang Wenbin", []string{"Mr Wenbin"}},
	{"liberal-party", "ORGANIZATION", "PARTY", "Liberal Party of Canada", []string{"Liberal Party"}},
	{"conservative-party", "ORGANIZATION", "PARTY", "Conservative Party of Canada", []string{"Conservative Party"}},
	{"house-of-commons", "ORGANIZATION", "LEGISLATURE", "House of Commons of Canada", []string{"House of Commons"}},
	{"chinese-consulate-toronto", "ORGANIZATION", "DIPLOMATIC_MISSION", "Consulate General of China in Toronto", []string{"Chinese consulate in Toronto"}},
	{"china-mfa", "ORGANIZATION", "MINISTRY", "Ministry of Foreign Affairs of China", nil},
	{"huawei", "ORGANIZATION", "COMPANY", "Huawei", nil},
	{"global-news", "ORGANIZATION", "MEDIA_OUTLET", "Global News", nil},
	{"globe-and-mail", "ORGANIZATION", "MEDIA_OUTLET", "The Globe and Mail", nil},
	{"bbc", "ORGANIZATION", "MEDIA_OUTLET", "BBC", nil},
	{"canada", "COUNTRY", "", "Canada", nil},
	{"china", "COUNTRY", "", "China", []string{"Beijing"}},
	{"united-states", "COUNTRY", "", "United States", nil},
	{articleID, "ARTICLE", "", "Canada MP Han Dong Steps Down Over Chinese Interference Claims", nil},
}

// wantRelationships are the checklist's relationship rows and the links of
// its allegations table. quote is a passage the evidence must contain.
var wantRelationships = []struct {
	from, typ, to      string
	role, since, until string
	quote              string
}{
	// The four families: MP–party, diplomat–consulate, accused–allegation,
	// article–source.
	{"han-dong", "MEMBER_OF", "liberal-party", "", "", "2023-03-22", "he will leave Prime Minister Justin Trudeau’s governing Liberal Party"},
	{"han-dong", "MEMBER_OF", "house-of-commons", "MP", "2019", "", "elected to parliament in 2019"},
	{"justin-trudeau", "LEADS", "liberal-party", "Prime Minister", "", "", "Justin Trudeau’s governing Liberal Party"},
	{"han-tao", "HOLDS_POSITION", "chinese-consulate-toronto", "consul-general", "", "", "consul-general in Toronto, Han Tao"},
	{"chinese-consulate-toronto", "REPRESENTS", "china", "", "", "", "Chinese consulate in Toronto"},
	{"wang-wenbin", "SPOKESPERSON_FOR", "china-mfa", "spokesman", "", "", "A spokesman for China’s minister of foreign affairs, Wang Wenbin"},
	{"china-mfa", "PART_OF", "china", "", "", "", "China’s minister of foreign affairs"},
	{"meng-wanzhou", "WORKS_FOR", "huawei", "senior executive", "", "", "Huawei senior executive Meng Wanzhou"},
	{"han-dong", "ACCUSED_IN", "allegation-1", "", "", "", "Han Dong has been accused of lobbying a Chinese diplomat"},
	{"china", "ACCUSED_IN", "allegation-2", "", "", "", "China attempted to interfere in the last two federal elections"},
	{articleID, "PUBLISHED_BY", "bbc", "", "", "", "BBC"},
	{articleID, "CITES", "global-news", "", "", "", "Global News"},
	{articleID, "CITES", "globe-and-mail", "", "", "", "The Globe and Mail"},
	// The allegations: who reported, denied and is involved in them.
	{"allegation-1", "REPORTED_BY", "global-news", "unconfirmed report citing anonymous national security sources", "", "", "Global News citing anonymous national security sources"},
	{"han-dong", "DENIED", "allegation-1", "", "", "", "what has been reported is false"},
	{"han-tao", "INVOLVED_IN", "allegation-1", "", "", "", "Han Tao"},
	{"michael-kovrig", "INVOLVED_IN", "allegation-1", "", "", "", "Michael Kovrig"},
	{"michael-spavor", "INVOLVED_IN", "allegation-1", "", "", "", "Michael Spavor"},
	{"conservative-party", "INVOLVED_IN", "allegation-1", "", "", "", "Conservative Party of Canada"},
	{"allegation-2", "REPORTED_BY", "global-news", "reports based on anonymous national security sources and leaked classified documents", "", "", "leaked classified documents"},
	{"allegation-2", "REPORTED_BY", "globe-and-mail", "reports based on anonymous national security sources and leaked classified documents", "", "", "leaked classified documents"},
	{"chinese-consulate-toronto", "DENIED", "allegation-2", "", "", "", "utterly groundless"},
	{"wang-wenbin", "DENIED", "allegation-2", "", "", "", "denied that Beijing ever attempted to interfere"},
	{"canada", "INVOLVED_IN", "allegation-2", "", "", "", "Canada"},
}

var wantAllegations = []struct {
	id     string
	status string
	// summary lists what the summary must say.
	summary                                 []string
	accused, reportedBy, deniedBy, involved []string
}{
	{
		id: "allegation-1", status: "DENIED",
		summary:    []string{"Han Dong", "Han Tao", "February 2021", "Michael Kovrig", "Michael Spavor", "delayed", "Conservative Party"},
		accused:    []string{"han-dong"},
		reportedBy: []string{"global-news"},
		deniedBy:   []string{"han-dong"},
		involved:   []string{"han-tao", "michael-kovrig", "michael-spavor", "conservative-party"},
	},
	{
		id: "allegation-2", status: "DENIED",
		summary:    []string{"China", "interfered", "two federal elections", "mayoral election in Vancouver", "consulates", "candidates"},
		accused:    []string{"china"},
		reportedBy: []string{"global-news", "globe-and-mail"},
		deniedBy:   []string{"chinese-consulate-toronto", "wang-wenbin"},
		involved:   []string{"canada"},
	},
}

var wantEvents = []struct {
	id, name, date string // date "" when the article gives none
	participants   []string
}{
	{"han-dong-bbc:meng-arrest", "Arrest of Meng Wanzhou", "2018", []string{"meng-wanzhou", "canada", "united-states"}},
	{"han-dong-bbc:two-michaels-detention", "Detention of Michael Kovrig and Michael Spavor", "", []string{"michael-kovrig", "michael-spavor", "china"}},
	{"han-dong-bbc:dong-han-tao-conversation", "Conversation between Han Dong and Han Tao", "2021-02", []string{"han-dong", "han-tao"}},
	{"han-dong-bbc:two-michaels-release", "Release of Michael Kovrig and Michael Spavor", "2021-09-24", []string{"michael-kovrig", "michael-spavor"}},
	{"han-dong-bbc:meng-release", "Release of Meng Wanzhou", "2021-09-25", []string{"meng-wanzhou"}},
	{"han-dong-bbc:trudeau-defends-dong", "defends Han Dong", "2023-02", []string{"justin-trudeau", "han-dong"}},
	{"han-dong-bbc:dong-leaves-caucus", "Han Dong leaves the Liberal caucus", "2023-03-22", []string{"han-dong", "liberal-party"}},
	{"han-dong-bbc:inquiry-motion-vote", "motion calling for a public inquiry", "2023-03-23", []string{"house-of-commons", "han-dong"}},
	{"han-dong-bbc:special-rapporteur-appointed", "special rapporteur", "2023-03", []string{"justin-trudeau"}},
}

var wantStatements = []struct {
	id, speaker, quote string // speaker "" for the unnamed Chinese-Canadian politicians
}{
	{"han-dong-bbc:dong-denial", "han-dong", "what has been reported is false"},
	{"han-dong-bbc:dong-confirms-conversation", "han-dong", "he called for the immediate release"},
	{"han-dong-bbc:trudeau-outstanding-member", "justin-trudeau", "an outstanding member of our team"},
	{"han-dong-bbc:pmo-learned-of-conversation", "justin-trudeau", "only became aware that a conversation took place after Mr Dong told us"},
	{"han-dong-bbc:consulate-groundless", "chinese-consulate-toronto", "utterly groundless"},
	{"han-dong-bbc:wang-non-interference", "wang-wenbin", "China opposes interference in other countries’ internal affairs"},
	{"han-dong-bbc:politicians-racial-motivation", "", "racially motivated"},
}

// articleText fetches the article's text, which every quote must come from.
func articleText(c *client) string {
	c.t.Helper()
	var d struct {
		Article *entity `json:"article"`
	}
	c.query(`query($id: ID!) { article(id: $id) { text } }`, map[string]any{"id": articleID}, &d)
	if d.Article == nil || str(d.Article.Text) == "" {
		c.t.Fatalf("article %q has no text", articleID)
	}
	return *d.Article.Text
}

// checkEvidence asserts that r is supported by the article, every quote a
// verbatim passage of its text, and (when quote is given) that one quotes it.
func checkEvidence(t *testing.T, r relationship, text, quote string) {
	t.Helper()
	label := fmt.Sprintf("%s %s %s", r.From.ID, r.Type, r.To.ID)
	if len(r.Evidence) == 0 {
		t.Errorf("%s: no evidence", label)
		return
	}
	if r.Sources != 1 {
		t.Errorf("%s: sources = %d, want 1 (the article)", label, r.Sources)
	}
	found := quote == ""
	for _, ev := range r.Evidence {
		q := str(ev.Quote)
		if ev.Article.ID != articleID {
			t.Errorf("%s: evidence from %q, want %q", label, ev.Article.ID, articleID)
		}
		if ev.Confidence <= 0 || ev.Confidence > 1 {
			t.Errorf("%s: confidence %v outside (0, 1]", label, ev.Confidence)
		}
		if q == "" || !strings.Contains(text, q) {
			t.Errorf("%s: evidence quote %q is not a passage of the article", label, q)
		}
		if strings.Contains(q, quote) {
			found = true
		}
	}
	if !found {
		t.Errorf("%s: no evidence quotes %q; got %+v", label, quote, r.Evidence)
	}
}

func TestDemoEntities(t *testing.T) {
	c := demoServer(t)
	const q = `query($id: ID!) {
	  entity(id: $id) { ` + entityFields + ` }
	  node(id: $id) { __typename id }
	}`
	for _, want := range wantEntities {
		t.Run(want.id, func(t *testing.T) {
			c := c.with(t)
			var d struct {
				Entity *entity `json:"entity"`
				Node   *struct {
					Typename string `json:"__typename"`
					ID       string `json:"id"`
				} `json:"node"`
			}
			c.query(q, map[string]any{"id": want.id}, &d)
			e := d.Entity
			if e == nil {
				t.Fatalf("entity(id: %q) is null", want.id)
			}
			typename := want.kind[:1] + strings.ToLower(want.kind[1:])
			if e.ID != want.id || e.Kind != want.kind || e.Typename != typename || e.Name != want.name {
				t.Errorf("got %s %s %s %q, want %s %s %s %q", e.ID, e.Kind, e.Typename, e.Name, want.id, want.kind, typename, want.name)
			}
			if want.kind == "ORGANIZATION" && str(e.Classification) != want.class {
				t.Errorf("classification %q, want %q", str(e.Classification), want.class)
			}
			for _, a := range want.aliases {
				if !slices.Contains(e.Aliases, a) {
					t.Errorf("aliases %q lack %q", e.Aliases, a)
				}
			}
			if d.Node == nil || d.Node.ID != want.id || d.Node.Typename != typename {
				t.Errorf("node(id: %q) = %+v, want the %s", want.id, d.Node, typename)
			}
		})
	}

	// The article: its title, source and text.
	var d struct {
		Article *entity `json:"article"`
	}
	c.query(`{ article(id: "article") { __typename id kind name title url outlet { id name } published text } }`, nil, &d)
	a := d.Article
	if a == nil {
		t.Fatal(`article(id: "article") is null`)
	}
	if a.Title != "Canada MP Han Dong Steps Down Over Chinese Interference Claims" || a.Outlet == nil || a.Outlet.ID != "bbc" || str(a.Published) != "2023-03-23" {
		t.Errorf("article: title %q outlet %+v published %q", a.Title, a.Outlet, str(a.Published))
	}
	if text := str(a.Text); !strings.Contains(text, a.Title) || !strings.Contains(text, "Source : BBC") {
		t.Errorf("the article's text is not the seed article: %.200q", text)
	}
}

func TestDemoRelationships(t *testing.T) {
	c := demoServer(t)
	text := articleText(c)
	// Each row is looked up from both ends: OUT from `from` and IN to `to`
	// must find the same single relationship.
	const q = `query($from: ID!, $to: ID!, $types: [RelationshipType!]) {
	  from: entity(id: $from) { relationships(direction: OUT, types: $types, first: 500) { totalCount edges { node { ` + relFields + ` } } } }
	  to: entity(id: $to) { relationships(direction: IN, types: $types, first: 500) { edges { node { id from { id } } } } }
	}`
	for _, want := range wantRelationships {
		t.Run(want.from+" "+want.typ+" "+want.to, func(t *testing.T) {
			c := c.with(t)
			var d struct {
				From, To *struct {
					Relationships relConnection `json:"relationships"`
				}
			}
			c.query(q, map[string]any{"from": want.from, "to": want.to, "types": []string{want.typ}}, &d)
			if d.From == nil || d.To == nil {
				t.Fatalf("an end is missing: from %v, to %v", d.From != nil, d.To != nil)
			}
			var got []relationship
			for _, r := range d.From.Relationships.nodes() {
				if r.Type != want.typ || r.From.ID != want.from {
					t.Errorf("types/direction filter let through %s %s %s", r.From.ID, r.Type, r.To.ID)
				}
				if r.To.ID == want.to {
					got = append(got, r)
				}
			}
			if len(got) != 1 {
				t.Fatalf("%d relationships, want 1", len(got))
			}
			r := got[0]
			if str(r.Role) != want.role || str(r.Since) != want.since || str(r.Until) != want.until {
				t.Errorf("role %q since %q until %q; want %q %q %q", str(r.Role), str(r.Since), str(r.Until), want.role, want.since, want.until)
			}
			checkEvidence(t, r, text, want.quote)
			if !slices.ContainsFunc(d.To.Relationships.nodes(), func(in relationship) bool { return in.ID == r.ID && in.From.ID == want.from }) {
				t.Errorf("%s is not among %s's incoming %s relationships", r.ID, want.to, want.typ)
			}

			// And by its id.
			var byID struct {
				Relationship *relationship `json:"relationship"`
			}
			c.query(`query($id: ID!) { relationship(id: $id) { `+relFields+` } }`, map[string]any{"id": r.ID}, &byID)
			if diff := cmp.Diff(&r, byID.Relationship); diff != "" {
				t.Errorf("relationship(id: %q) differs from the listing (-list +byID):\n%s", r.ID, diff)
			}
		})
	}
}

func TestDemoArticleMentionsEveryEntity(t *testing.T) {
	c := demoServer(t)
	text := articleText(c)
	var d struct {
		Article struct {
			Mentions      entityConnection `json:"mentions"`
			Relationships relConnection    `json:"relationships"`
		} `json:"article"`
		ByOutlet  entityConnection `json:"byOutlet"`
		ByMention entityConnection `json:"byMention"`
	}
	c.query(`{
	  article(id: "article") {
	    mentions(first: 500) { totalCount edges { node { id } } }
	    relationships(direction: OUT, types: [MENTIONS], first: 500) { totalCount edges { node { `+relFields+` } } }
	  }
	  byOutlet: articles(outlet: "bbc") { totalCount edges { node { id } } }
	  byMention: articles(mentions: "meng-wanzhou") { totalCount edges { node { id } } }
	}`, nil, &d)
	mentioned := map[string]relationship{}
	for _, r := range d.Article.Relationships.nodes() {
		if r.Type != "MENTIONS" || r.From.ID != articleID {
			t.Errorf("MENTIONS filter let through %s %s %s", r.From.ID, r.Type, r.To.ID)
		}
		if _, dup := mentioned[r.To.ID]; dup {
			t.Errorf("the article mentions %s twice", r.To.ID)
		}
		mentioned[r.To.ID] = r
	}
	want := []string{"allegation-1", "allegation-2"}
	for _, e := range wantEntities {
		if e.id != articleID {
			want = append(want, e.id)
		}
	}
	for _, id := range want {
		r, ok := mentioned[id]
		if !ok {
			t.Errorf("the article does not mention %s", id)
			continue
		}
		checkEvidence(t, r, text, "")
	}
	if n := d.Article.Relationships.TotalCount; n != len(d.Article.Relationships.Edges) {
		t.Errorf("MENTIONS totalCount %d, %d edges", n, len(d.Article.Relationships.Edges))
	}
	if got, want := sorted(d.Article.Mentions.ids()), sorted(mapKeys(mentioned)); !slices.Equal(got, want) {
		t.Errorf("Article.mentions = %q, want the MENTIONS relationships' ends %q", got, want)
	}
	if d.Article.Mentions.TotalCount != len(d.Article.Mentions.Edges) {
		t.Errorf("Article.mentions totalCount %d, %d edges", d.Article.Mentions.TotalCount, len(d.Article.Mentions.Edges))
	}
	for name, conn := range map[string]entityConnection{"articles(outlet: bbc)": d.ByOutlet, "articles(mentions: meng-wanzhou)": d.ByMention} {
		if got := conn.ids(); !slices.Equal(got, []string{articleID}) || conn.TotalCount != 1 {
			t.Errorf("%s = %q (totalCount %d), want [article]", name, got, conn.TotalCount)
		}
	}
}

func mapKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestDemoAllegations(t *testing.T) {
	c := demoServer(t)
	text := articleText(c)
	const q = `query($id: ID!) {
	  entity(id: $id) {
	    ` + entityFields + `
	    involved: relationships(direction: IN, types: [INVOLVED_IN], first: 500) { edges { node { ` + relFields + ` } } }
	  }
	  allegations(accused: $id) { totalCount }
	}`
	for _, want := range wantAllegations {
		t.Run(want.id, func(t *testing.T) {
			c := c.with(t)
			var d struct {
				Entity *struct {
					entity
					Involved relConnection `json:"involved"`
				} `json:"entity"`
			}
			c.query(q, map[string]any{"id": want.id}, &d)
			a := d.Entity
			if a == nil {
				t.Fatalf("entity(id: %q) is null", want.id)
			}
			if a.Kind != "ALLEGATION" || a.Typename != "Allegation" || a.Status != want.status {
				t.Errorf("kind %s (%s), status %s; want ALLEGATION (Allegation), %s", a.Kind, a.Typename, a.Status, want.status)
			}
			for _, s := range want.summary {
				if !strings.Contains(a.Summary, s) {
					t.Errorf("summary %q does not say %q", a.Summary, s)
				}
			}
			var involved []string
			for _, r := range a.Involved.nodes() {
				involved = append(involved, r.From.ID)
				checkEvidence(t, r, text, "")
			}
			for _, f := range []struct {
				name      string
				got, want []string
			}{
				{"accused", ids(a.Accused), want.accused},
				{"reportedBy", ids(a.ReportedBy), want.reportedBy},
				{"deniedBy", ids(a.DeniedBy), want.deniedBy},
				{"involved (INVOLVED_IN)", involved, want.involved},
			} {
				if diff := cmp.Diff(sorted(f.want), sorted(f.got)); diff != "" {
					t.Errorf("%s (-want +got):\n%s", f.name, diff)
				}
			}
		})
	}

	// allegations(...) filters.
	var d struct {
		Dong    entityConnection `json:"dong"`
		China   entityConnection `json:"china"`
		Denied  entityConnection `json:"denied"`
		Alleged entityConnection `json:"alleged"`
	}
	c.query(`{
	  dong: allegations(accused: "han-dong") { totalCount edges { node { id } } }
	  china: allegations(accused: "china") { totalCount edges { node { id } } }
	  denied: allegations(status: DENIED) { totalCount edges { node { id } } }
	  alleged: allegations(status: ALLEGED) { totalCount edges { node { id } } }
	}`, nil, &d)
	for _, tc := range []struct {
		name string
		got  entityConnection
		want []string
	}{
		{`accused: "han-dong"`, d.Dong, []string{"allegation-1"}},
		{`accused: "china"`, d.China, []string{"allegation-2"}},
		{`status: DENIED`, d.Denied, []string{"allegation-1", "allegation-2"}},
		{`status: ALLEGED`, d.Alleged, []string{}},
	} {
		if got := tc.got.ids(); !slices.Equal(got, tc.want) || tc.got.TotalCount != len(tc.want) {
			t.Errorf("allegations(%s) = %q (totalCount %d), want %q", tc.name, got, tc.got.TotalCount, tc.want)
		}
	}
}

func TestDemoEvents(t *testing.T) {
	c := demoServer(t)
	text := articleText(c)
	const q = `query($id: ID!) {
	  entity(id: $id) {
	    ` + entityFields + `
	    participation: relationships(direction: IN, types: [PARTICIPATED_IN], first: 500) { edges { node { ` + relFields + ` } } }
	  }
	}`
	for _, want := range wantEvents {
		t.Run(want.id, func(t *testing.T) {
			c := c.with(t)
			var d struct {
				Entity *struct {
					entity
					Participation relConnection `json:"participation"`
				} `json:"entity"`
			}
			c.query(q, map[string]any{"id": want.id}, &d)
			e := d.Entity
			if e == nil {
				t.Fatalf("entity(id: %q) is null", want.id)
			}
			if e.Kind != "EVENT" || e.Typename != "Event" || !strings.Contains(e.Name, want.name) || str(e.Date) != want.date {
				t.Errorf("%s (%s) %q dated %q; want EVENT (Event) named ...%q... dated %q", e.Kind, e.Typename, e.Name, str(e.Date), want.name, want.date)
			}
			if diff := cmp.Diff(sorted(want.participants), sorted(ids(e.Participants))); diff != "" {
				t.Errorf("participants (-want +got):\n%s", diff)
			}
			var viaRels []string
			for _, r := range e.Participation.nodes() {
				viaRels = append(viaRels, r.From.ID)
				checkEvidence(t, r, text, "")
			}
			if diff := cmp.Diff(sorted(want.participants), sorted(viaRels)); diff != "" {
				t.Errorf("PARTICIPATED_IN relationships (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDemoStatements(t *testing.T) {
	c := demoServer(t)
	text := articleText(c)
	const q = `query($id: ID!) {
	  entity(id: $id) {
	    ` + entityFields + `
	    stated: relationships(direction: IN, types: [STATED], first: 500) { edges { node { ` + relFields + ` } } }
	  }
	}`
	for _, want := range wantStatements {
		t.Run(want.id, func(t *testing.T) {
			c := c.with(t)
			var d struct {
				Entity *struct {
					entity
					Stated relConnection `json:"stated"`
				} `json:"entity"`
			}
			c.query(q, map[string]any{"id": want.id}, &d)
			s := d.Entity
			if s == nil {
				t.Fatalf("entity(id: %q) is null", want.id)
			}
			if s.Kind != "STATEMENT" || s.Typename != "Statement" {
				t.Errorf("kind %s (%s), want STATEMENT (Statement)", s.Kind, s.Typename)
			}
			if !strings.Contains(s.Quote, want.quote) || !strings.Contains(text, s.Quote) {
				t.Errorf("quote %q: want a verbatim passage of the article saying %q", s.Quote, want.quote)
			}
			var speaker string
			if s.Speaker != nil {
				speaker = s.Speaker.ID
			}
			if speaker != want.speaker {
				t.Errorf("speaker %q, want %q", speaker, want.speaker)
			}
			var stated []string
			for _, r := range s.Stated.nodes() {
				stated = append(stated, r.From.ID)
				checkEvidence(t, r, text, "")
			}
			wantStated := []string{}
			if want.speaker != "" {
				wantStated = []string{want.speaker}
			}
			if diff := cmp.Diff(wantStated, sorted(stated)); diff != "" {
				t.Errorf("STATED relationships (-want +got):\n%s", diff)
			}
		})
	}
}
