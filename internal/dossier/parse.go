package dossier

import (
	"strings"

	"golang.org/x/text/language"

	"github.com/polgraph/polgraph/internal/kg"
)

// MaxSize bounds a dossier's size in bytes: an article's text (kg.MaxTextLen)
// plus generous room for what the curator says about it.
const MaxSize = 4 << 20

// Parse reads a dossier and checks it on its own, without the graph: JSON
// syntax (with line and column), unknown fields, types, dates, enum values,
// keys (unique, defined before use), the kinds each relationship may
// connect, required quotes and, when the article's text is given, that
// every quote occurs in it. The error is a *kg.Error of KindInvalid listing
// every problem with its JSON path ("$.relationships[3].to").
func Parse(data []byte) (*Dossier, error) {
	const op = "parseDossier"
	if len(data) > MaxSize {
		return nil, kg.Invalidf(op, "$", "the dossier is %d bytes, above the maximum %d", len(data), MaxSize)
	}
	var decodeProblems problems
	d := new(Dossier)
	decodeJSON(&decodeProblems, data, d)
	if n := len(decodeProblems.list); n > 0 && decodeProblems.list[n-1].Path == "$" {
		return nil, kg.Invalid(op, decodeProblems.list...) // not a JSON object: nothing to check further
	}
	var p problems
	check(&p, d)
	all := append(decodeProblems.list, dropShadowed(decodeProblems.list, p.list)...)
	if len(all) > 0 {
		return nil, kg.Invalid(op, all...)
	}
	return d, nil
}

// dropShadowed leaves out the problems found at or under a path where the
// JSON itself was wrong (a number given for a name is not also "missing"),
// and keeps one problem per path.
func dropShadowed(decoded, checked []kg.Problem) []kg.Problem {
	seen := map[string]bool{}
	for _, q := range decoded {
		seen[q.Path] = true
	}
	var out []kg.Problem
	for _, q := range checked {
		if seen[q.Path] || under(decoded, q.Path) {
			continue
		}
		seen[q.Path] = true
		out = append(out, q)
	}
	return out
}

func under(decoded []kg.Problem, path string) bool {
	for _, q := range decoded {
		if strings.HasPrefix(path, q.Path) && len(path) > len(q.Path) && (path[len(q.Path)] == '.' || path[len(q.Path)] == '[') {
			return true
		}
	}
	return false
}

// check runs the dossier's own rules on a decoded dossier.
func check(p *problems, d *Dossier) {
	switch {
	case d.ID == "":
		p.add("$.dossier", "required: the dossier's id (e.g. \"han-dong-bbc\")")
	default:
		checkKey(p, "$.dossier", d.ID)
	}
	if d.Article.Language != "" {
		if _, err := language.Parse(d.Article.Language); err != nil {
			p.add("$.article.language", "%q is not a BCP 47 language tag (e.g. \"en\", \"fr-CA\")", d.Article.Language)
		}
	}
	pl := buildPlan(d)

	// Keys: present, well-formed, unique.
	owner := map[string]string{}
	for _, it := range pl.items {
		kp := it.path + ".key"
		if it.path == "$.article" {
			if d.Article.Key == "" {
				owner[it.key] = it.path
				continue
			}
		}
		switch {
		case it.key == "":
			p.add(kp, "required: the name other parts of this dossier use for it")
		case checkKey(p, kp, it.key):
			if prev, dup := owner[it.key]; dup {
				p.add(kp, "key %q is already used by %s", it.key, prev)
			} else {
				owner[it.key] = it.path
			}
		}
	}
	misplaced := map[string]bool{}
	for i, e := range d.Entities {
		switch e.Kind {
		case kg.Allegation, kg.Event, kg.Statement:
			p.add(path("$.entities", i)+".kind", "%s entities go under $.%ss, with their links", e.Kind, strings.ToLower(e.Kind.Label()))
			misplaced[path("$.entities", i)] = true
		}
	}

	// Each entity on its own, by the domain's rules.
	for _, it := range pl.items {
		if misplaced[it.path] {
			continue
		}
		e := it.entity
		e.ID = it.explicitID
		if e.ID == "" {
			e.ID = "key" // the key was checked above
		}
		e.Normalize()
		for _, q := range e.Validate("") {
			p.add(mapPath(it.path, it.fields, q.Path), "%s", q.Reason)
		}
	}

	// Relationships: ends defined and of the right kinds, quotes present
	// and found in the text.
	text := fold(d.Article.Text)
	for _, r := range pl.rels {
		x := r.r
		x.From, x.To = r.from, r.to
		if x.ID == "" {
			x.ID = "rel"
		}
		for i := range x.Evidence {
			x.Evidence[i].Article = pl.articleKey
		}
		for _, q := range x.Validate("") {
			p.add(mapPath(r.path, r.fields, q.Path), "%s", q.Reason)
		}
		if rule, ok := kg.RuleFor(x.Type); ok {
			checkEnd(p, pl, mapPath(r.path, r.fields, "from"), r.from, rule.From)
			checkEnd(p, pl, mapPath(r.path, r.fields, "to"), r.to, rule.To)
		}
		quote := x.Evidence[0].Quote
		switch {
		case r.asserted && strings.TrimSpace(quote) == "":
			p.add(r.path+".quote", "required: the passage of the article that says so (here or on the item it belongs to)")
		case quote != "" && text != "" && !strings.Contains(text, fold(quote)):
			p.add(mapPath(r.path, r.fields, "evidence[0].quote"), "not found in the article's text; quotes must be copied from it verbatim")
		}
	}
	if text != "" {
		for i, st := range d.Statements {
			if st.Quote != "" && !strings.Contains(text, fold(st.Quote)) {
				p.add(path("$.statements", i)+".quote", "not found in the article's text; quotes must be copied from it verbatim")
			}
		}
	}
}

// checkEnd checks that key names an entity of the dossier that may stand at
// this end of a relationship. An organization whose classification the
// dossier leaves out is let through: the graph may know it, and Ingest
// checks again against what is stored.
func checkEnd(p *problems, pl *plan, at, key string, ep kg.Endpoint) {
	if key == "" {
		return // reported as empty by the relationship's own checks
	}
	it, ok := pl.byKey[key]
	if !ok {
		p.add(at, "no entity with key %q in this dossier", key)
		return
	}
	e := it.entity
	if e.Kind == kg.Organization && e.Classification == "" {
		ep.Classes = nil
	}
	if ok, why := ep.Allows(&e); !ok && e.Kind.Valid() {
		p.add(at, "%q %s", key, why)
	}
}

// checkKey checks a key or dossier id: non-empty, bounded, no whitespace.
func checkKey(p *problems, at, key string) bool {
	switch {
	case len(key) > kg.MaxIDLen:
		p.add(at, "longer than %d bytes", kg.MaxIDLen)
	case strings.IndexFunc(key, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0:
		p.add(at, "%q contains whitespace or control characters", key)
	default:
		return true
	}
	return false
}

// fold makes a quote comparable with the text it was copied from despite
// the usual copy-and-paste changes: typographic quotes and apostrophes
// become ASCII, runs of white space become one space.
func fold(s string) string {
	s = quoteFolder.Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

var quoteFolder = strings.NewReplacer("‘", "'", "’", "'", "“", `"`, "”", `"`, "\u00a0", " ")
