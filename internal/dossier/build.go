package dossier

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/polgraph/polgraph/internal/kg"
)

// item is one entity the dossier defines, as a kg.Entity whose references
// (ID, Outlet, Speaker) still hold dossier keys, with where it came from.
type item struct {
	key        string
	path       string // JSON path of the object: "$.entities[2]"
	explicitID string
	entity     kg.Entity
	// owned items are the dossier's own: its article, allegations, events
	// and statements. On a merge their fields win; an actor's stored
	// fields win, because other articles speak about it too.
	owned bool
	// matchByName: actors are matched to stored entities by kind and name.
	matchByName bool
	mention     string // the MENTIONS evidence quote
	// fields maps a kg.Entity field name (the first segment of a problem
	// path) to the JSON path of the value it came from, where the dossier
	// spells it differently.
	fields map[string]string
}

// rel is one relationship the dossier asserts, From and To still keys.
type rel struct {
	r    kg.Relationship
	from string // keys
	to   string
	path string
	// asserted relationships (written out, or implied by a link) need a
	// quote; the article's mentions and outlet find theirs in the text.
	asserted bool
	// fields maps a kg.Relationship field path ("from", "evidence[0].quote")
	// to the JSON path of the value it came from.
	fields map[string]string
}

// plan is a dossier turned into graph items, before ids are resolved.
type plan struct {
	d          *Dossier
	articleKey string
	items      []*item
	byKey      map[string]*item
	rels       []*rel
}

func path(base string, i int) string { return base + "[" + strconv.Itoa(i) + "]" }

func confidence(c ...*float64) float64 {
	for _, x := range c {
		if x != nil {
			return *x
		}
	}
	return DefaultConfidence
}

// buildPlan turns a decoded dossier into items and relationships. It does
// not validate: Parse checks the plan, Ingest resolves and writes it.
func buildPlan(d *Dossier) *plan {
	pl := &plan{d: d, articleKey: d.Article.Key, byKey: map[string]*item{}}
	if pl.articleKey == "" {
		pl.articleKey = DefaultArticleKey
	}
	a := d.Article
	text := a.Text
	add := func(it *item) {
		if it.fields == nil {
			it.fields = map[string]string{}
		}
		if it.explicitID == "" {
			it.fields["id"] = it.path + ".key"
		}
		pl.items = append(pl.items, it)
		if _, dup := pl.byKey[it.key]; !dup && it.key != "" {
			pl.byKey[it.key] = it
		}
	}
	add(&item{
		key: pl.articleKey, path: "$.article", explicitID: a.ID, owned: true,
		entity: kg.Entity{
			Kind: kg.Article, Name: a.Title, Description: a.Description, Identifiers: clone(a.Identifiers),
			Title: a.Title, URL: a.URL, Outlet: a.Outlet, Published: a.Published, Text: a.Text,
		},
		fields: map[string]string{"name": "$.article.title"},
	})
	if a.Key == "" {
		pl.items[0].fields["id"] = "$.article"
	}
	for i, e := range d.Entities {
		p := path("$.entities", i)
		it := &item{
			key: e.Key, path: p, explicitID: e.ID, matchByName: e.Kind.Actor(),
			entity: kg.Entity{
				Kind: e.Kind, Name: e.Name, Aliases: clone(e.Aliases), Description: e.Description,
				Identifiers: clone(e.Identifiers), BirthDate: e.BirthDate, Classification: e.Classification,
				CountryCode: e.CountryCode, Title: e.Title, URL: e.URL, Published: e.Published,
			},
			mention: e.Quote,
		}
		if it.mention == "" {
			it.mention = findMention(text, it.entity.Names())
		}
		add(it)
	}
	for i, al := range d.Allegations {
		p := path("$.allegations", i)
		it := &item{
			key: al.Key, path: p, explicitID: al.ID, owned: true, mention: al.Quote,
			entity: kg.Entity{
				Kind: kg.Allegation, Name: orDefault(al.Name, shorten(al.Summary)), Aliases: clone(al.Aliases),
				Description: al.Description, Identifiers: clone(al.Identifiers), Summary: al.Summary, Status: al.Status,
			},
		}
		if al.Name == "" {
			it.fields = map[string]string{"name": p + ".summary"}
		}
		add(it)
	}
	for i, ev := range d.Events {
		p := path("$.events", i)
		add(&item{
			key: ev.Key, path: p, explicitID: ev.ID, owned: true, mention: ev.Quote,
			entity: kg.Entity{
				Kind: kg.Event, Name: ev.Name, Aliases: clone(ev.Aliases), Description: ev.Description,
				Identifiers: clone(ev.Identifiers), EventType: ev.EventType, Date: ev.Date,
			},
		})
	}
	for i, st := range d.Statements {
		p := path("$.statements", i)
		it := &item{
			key: st.Key, path: p, explicitID: st.ID, owned: true, mention: st.Quote,
			entity: kg.Entity{
				Kind: kg.Statement, Name: orDefault(st.Name, shorten(st.Quote)), Aliases: clone(st.Aliases),
				Description: st.Description, Identifiers: clone(st.Identifiers), Quote: st.Quote, Date: st.Date,
			},
			fields: map[string]string{"speaker": p + ".speaker.key"},
		}
		if st.Name == "" {
			it.fields["name"] = p + ".quote"
		}
		if st.Speaker != nil {
			it.entity.Speaker = st.Speaker.Key
		}
		add(it)
	}

	// Relationships: those written out, then those implied by the article,
	// the allegations, events and statements, then the article's mentions.
	for i, r := range d.Relationships {
		p := path("$.relationships", i)
		pl.rels = append(pl.rels, &rel{
			r: kg.Relationship{
				ID: r.ID, Type: r.Type, Role: r.Role, Since: r.Since, Until: r.Until,
				Evidence: []kg.Evidence{{Quote: r.Quote, Confidence: confidence(r.Confidence)}},
			},
			from: r.From, to: r.To, path: p, asserted: true,
			fields: map[string]string{
				"evidence[0].quote": p + ".quote", "evidence[0].confidence": p + ".confidence",
				"evidence[0].article": "$.article", "evidence": p,
			},
		})
	}
	// link adds the relationship a link implies. The item end is the
	// object holding the link; linkFrom says whether the link's key is the
	// relationship's from end.
	link := func(t kg.RelType, itemKey, itemPath string, l Link, lpath string, linkFrom bool, quote string, conf *float64) {
		from, to := itemKey, l.Key
		fromPath, toPath := itemPath+".key", lpath+".key"
		if linkFrom {
			from, to, fromPath, toPath = to, from, toPath, fromPath
		}
		if l.Key == itemKey { // a loop: the link is what is wrong
			fromPath, toPath = lpath+".key", lpath+".key"
		}
		if itemPath == "$.article" && pl.d.Article.Key == "" {
			if linkFrom {
				toPath = itemPath
			} else {
				fromPath = itemPath
			}
		}
		q, qpath := l.Quote, lpath+".quote"
		if q == "" {
			q, qpath = quote, itemPath+".quote"
		}
		confPath := lpath + ".confidence"
		if l.Confidence == nil && conf != nil {
			confPath = itemPath + ".confidence"
		}
		pl.rels = append(pl.rels, &rel{
			r: kg.Relationship{
				Type: t, Role: l.Role,
				Evidence: []kg.Evidence{{Quote: q, Confidence: confidence(l.Confidence, conf)}},
			},
			from: from, to: to, path: lpath, asserted: true,
			fields: map[string]string{
				"from": fromPath, "to": toPath, "evidence[0].quote": qpath, "role": lpath + ".role",
				"evidence[0].confidence": confPath, "evidence[0].article": "$.article",
				"evidence": lpath,
			},
		})
	}
	links := func(t kg.RelType, key, p string, ls []Link, field string, linkFrom bool, quote string, conf *float64) {
		for j, l := range ls {
			link(t, key, p, l, path(p+"."+field, j), linkFrom, quote, conf)
		}
	}
	if a.Outlet != "" {
		q := ""
		if o := pl.byKey[a.Outlet]; o != nil {
			q = o.mention
		}
		pl.rels = append(pl.rels, &rel{
			r:    kg.Relationship{Type: kg.PublishedBy, Evidence: []kg.Evidence{{Quote: q, Confidence: DefaultConfidence}}},
			from: pl.articleKey, to: a.Outlet, path: "$.article.outlet",
			fields: map[string]string{"from": "$.article", "to": "$.article.outlet", "evidence": "$.article.outlet"},
		})
	}
	links(kg.Cites, pl.articleKey, "$.article", a.Cites, "cites", false, "", nil)
	for i, al := range d.Allegations {
		p := path("$.allegations", i)
		links(kg.AccusedIn, al.Key, p, al.Accused, "accused", true, al.Quote, al.Confidence)
		links(kg.InvolvedIn, al.Key, p, al.Involved, "involved", true, al.Quote, al.Confidence)
		links(kg.ReportedBy, al.Key, p, al.ReportedBy, "reportedBy", false, al.Quote, al.Confidence)
		links(kg.DeniedBy, al.Key, p, al.DeniedBy, "deniedBy", true, al.Quote, al.Confidence)
	}
	for i, ev := range d.Events {
		p := path("$.events", i)
		links(kg.ParticipatedIn, ev.Key, p, ev.Participants, "participants", true, ev.Quote, ev.Confidence)
		links(kg.About, ev.Key, p, ev.About, "about", false, ev.Quote, ev.Confidence)
		links(kg.ReportedBy, ev.Key, p, ev.ReportedBy, "reportedBy", false, ev.Quote, ev.Confidence)
	}
	for i, st := range d.Statements {
		p := path("$.statements", i)
		if st.Speaker != nil {
			link(kg.Stated, st.Key, p, *st.Speaker, p+".speaker", true, st.Quote, st.Confidence)
		}
		links(kg.About, st.Key, p, st.About, "about", false, st.Quote, st.Confidence)
		links(kg.ReportedBy, st.Key, p, st.ReportedBy, "reportedBy", false, st.Quote, st.Confidence)
	}
	// The article mentions everything the dossier involves, cited sources
	// included.
	for _, it := range pl.items[1:] {
		qpath := it.path + ".quote"
		pl.rels = append(pl.rels, &rel{
			r:    kg.Relationship{Type: kg.Mentions, Evidence: []kg.Evidence{{Quote: it.mention, Confidence: DefaultConfidence}}},
			from: pl.articleKey, to: it.key, path: it.path,
			fields: map[string]string{
				"from": "$.article", "to": it.path + ".key", "evidence[0].quote": qpath, "evidence": it.path,
			},
		})
	}
	return pl
}

// mapPath turns a problem path relative to a kg item ("outlet",
// "evidence[0].quote") into the dossier's JSON path.
func mapPath(base string, fields map[string]string, sub string) string {
	if sub == "" {
		return base
	}
	if p, ok := fields[sub]; ok {
		return p
	}
	head, rest := sub, ""
	if i := strings.IndexAny(sub, ".["); i >= 0 {
		head, rest = sub[:i], sub[i:]
	}
	if p, ok := fields[head]; ok {
		return p + rest
	}
	return base + "." + sub
}

// findMention returns the first passage of text that spells one of names as
// whole words: with the same case if any name occurs so, else ignoring case
// (so a short name like "US" is not found in "told us" when "US" occurs);
// "" when there is none.
func findMention(text string, names []string) string {
	if text == "" {
		return ""
	}
	for _, fold := range []bool{false, true} {
		best, bestAt := "", len(text)+1
		for _, n := range names {
			if strings.TrimSpace(n) == "" {
				continue
			}
			expr := regexp.QuoteMeta(n)
			if isWordByte(n[0]) {
				expr = `\b` + expr
			}
			if isWordByte(n[len(n)-1]) {
				expr += `\b`
			}
			if fold {
				expr = `(?i)` + expr
			}
			if loc := regexp.MustCompile(expr).FindStringIndex(text); loc != nil && loc[0] < bestAt {
				best, bestAt = text[loc[0]:loc[1]], loc[0]
			}
		}
		if best != "" {
			return best
		}
	}
	return ""
}

// shorten makes a default name out of a long text: its first 120 bytes, cut
// at a word boundary.
func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	const max = 120
	if len(s) <= max {
		return s
	}
	cut := strings.LastIndexByte(s[:max], ' ')
	if cut <= 0 {
		cut = max
		for cut > 0 && !isRuneStart(s[cut]) {
			cut--
		}
	}
	return s[:cut] + "…"
}

func isWordByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

func clone[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return append([]T(nil), s...)
}
