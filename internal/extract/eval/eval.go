// Package eval scores extraction proposals against a gold annotation of
// the same article: precision, recall and F1 for entities, for the four
// relationship families (MP–party, diplomat–consulate, accused–allegation,
// article–source) and their union, and for allegations, statements and
// events. The gold format is documented in docs/extract.md.
package eval

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/polgraph/polgraph/internal/kg"
)

// Gold is the reference reading of one article.
type Gold struct {
	Article       string           `json:"article"` // the article's id; relationships name it "article"
	Title         string           `json:"title,omitempty"`
	Published     kg.Date          `json:"published,omitzero"`
	Outlet        string           `json:"outlet,omitempty"` // id given to the extractor as the article's outlet
	Entities      []GoldEntity     `json:"entities"`
	Relationships []GoldRel        `json:"relationships"`
	Allegations   []GoldAllegation `json:"allegations,omitempty"`
	Statements    []GoldStatement  `json:"statements,omitempty"`
	Events        []GoldEvent      `json:"events,omitempty"`
}

// GoldEntity is an actor the article names.
type GoldEntity struct {
	Key     string   `json:"key"`
	Kind    kg.Kind  `json:"kind"`
	Name    string   `json:"name"`
	Aliases []string `json:"aliases,omitempty"`
}

// GoldRel is a relationship between entity keys ("article" for the article).
type GoldRel struct {
	From string     `json:"from"`
	Type kg.RelType `json:"type"`
	To   string     `json:"to"`
}

// GoldAllegation stands for ACCUSED_IN, REPORTED_BY, DENIED and
// INVOLVED_IN relationships with the allegation's key.
type GoldAllegation struct {
	Key        string   `json:"key"`
	Accused    []string `json:"accused"`
	ReportedBy []string `json:"reportedBy,omitempty"`
	DeniedBy   []string `json:"deniedBy,omitempty"`
	Involves   []string `json:"involves,omitempty"`
}

// GoldStatement is a quotation and its speaker; a proposed statement
// matches when the speaker does and one quote contains the other (after
// normalisation), or they share at least half their words.
type GoldStatement struct {
	Speaker string `json:"speaker"`
	Quote   string `json:"quote"`
}

// GoldEvent matches a proposed event of the same type sharing at least
// one participant.
type GoldEvent struct {
	Type         string   `json:"type"`
	Date         kg.Date  `json:"date,omitzero"`
	Participants []string `json:"participants"`
}

// Load reads a gold file and checks it: kinds and types from the
// vocabulary, every key used defined.
func Load(path string) (*Gold, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, path)
}

// Read parses and checks a gold annotation; name is used in errors.
func Read(r io.Reader, name string) (*Gold, error) {
	var g Gold
	dec := json.NewDecoder(io.LimitReader(r, 8<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&g); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	keys := map[string]bool{"article": true}
	for i, e := range g.Entities {
		if e.Key == "" || e.Name == "" || !e.Kind.Valid() {
			return nil, fmt.Errorf("%s: entities[%d]: needs key, name and a valid kind (got %q)", name, i, e.Kind)
		}
		keys[e.Key] = true
	}
	for _, a := range g.Allegations {
		keys[a.Key] = true
	}
	need := func(path, k string) error {
		if !keys[k] {
			return fmt.Errorf("%s: %s: unknown key %q", name, path, k)
		}
		return nil
	}
	for i, r := range g.Relationships {
		if !r.Type.Valid() {
			return nil, fmt.Errorf("%s: relationships[%d]: unknown type %q", name, i, r.Type)
		}
		if family(r.Type) == "" {
			return nil, fmt.Errorf("%s: relationships[%d]: type %q is in none of the scored families (statements and events have their own records)", name, i, r.Type)
		}
		for _, k := range []string{r.From, r.To} {
			if err := need(fmt.Sprintf("relationships[%d]", i), k); err != nil {
				return nil, err
			}
		}
	}
	for i, a := range g.Allegations {
		for _, k := range slices.Concat(a.Accused, a.ReportedBy, a.DeniedBy, a.Involves) {
			if err := need(fmt.Sprintf("allegations[%d]", i), k); err != nil {
				return nil, err
			}
		}
	}
	for i, s := range g.Statements {
		if err := need(fmt.Sprintf("statements[%d].speaker", i), s.Speaker); err != nil {
			return nil, err
		}
	}
	for i, e := range g.Events {
		for _, k := range e.Participants {
			if err := need(fmt.Sprintf("events[%d]", i), k); err != nil {
				return nil, err
			}
		}
	}
	return &g, nil
}

// Families group relationship types into the four the mission names.
var Families = []struct {
	Name  string
	Types []kg.RelType
}{
	{"mp-party", []kg.RelType{kg.MemberOf, kg.Leads}},
	{"diplomat-consulate", []kg.RelType{kg.HoldsPosition, kg.WorksFor, kg.SpokespersonFor, kg.Represents, kg.PartOf, kg.CitizenOf}},
	{"accused-allegation", []kg.RelType{kg.AccusedIn, kg.InvolvedIn, kg.DeniedBy, kg.ReportedBy}},
	{"article-source", []kg.RelType{kg.PublishedBy, kg.Cites, kg.Mentions}},
}

func family(t kg.RelType) string {
	for _, f := range Families {
		if slices.Contains(f.Types, t) {
			return f.Name
		}
	}
	return ""
}

// Score is one category's counts.
type Score struct {
	Category   string
	TP, FP, FN int
	Missed     []string // gold items not found
	Spurious   []string // proposals not in the gold
}

func (s Score) Precision() float64 { return ratio(s.TP, s.TP+s.FP) }
func (s Score) Recall() float64    { return ratio(s.TP, s.TP+s.FN) }
func (s Score) F1() float64 {
	p, r := s.Precision(), s.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// Report is every category's score, in a fixed order: entities, the four
// families, relationships (their union), allegations, statements, events.
type Report []Score

// Get returns a category's score.
func (r Report) Get(cat string) Score {
	for _, s := range r {
		if s.Category == cat {
			return s
		}
	}
	return Score{Category: cat}
}

// Print writes the report as a table.
func (r Report) Print(w io.Writer) {
	fmt.Fprintf(w, "%-20s %5s %5s %5s %9s %6s %6s\n", "category", "tp", "fp", "fn", "precision", "recall", "f1")
	for _, s := range r {
		fmt.Fprintf(w, "%-20s %5d %5d %5d %9.2f %6.2f %6.2f\n", s.Category, s.TP, s.FP, s.FN, s.Precision(), s.Recall(), s.F1())
	}
}

func norm(s string) string { return strings.TrimPrefix(kg.NormalizeName(s), "the ") }

// Evaluate scores proposals against the gold.
func Evaluate(g *Gold, props []kg.Proposal) Report {
	article := g.Article
	// Entities: one-to-one by kind and name/alias.
	idKey := map[string]string{}
	for _, p := range props {
		if p.Kind == kg.ProposeRelationship {
			if r := p.Relationship; r != nil && article == "" && r.Type == kg.Mentions {
				article = r.From
			}
		}
	}
	idKey[article] = "article"
	ent := Score{Category: "entities"}
	used := map[string]bool{}
	for _, p := range props {
		e := p.Entity
		if p.Kind != kg.ProposeEntity || e == nil || !e.Kind.Actor() {
			continue
		}
		names := append([]string{e.Name}, e.Aliases...)
		key := ""
		for _, ge := range g.Entities {
			if ge.Kind != e.Kind || used[ge.Key] {
				continue
			}
			gn := append([]string{ge.Name}, ge.Aliases...)
			if slices.ContainsFunc(names, func(n string) bool {
				return slices.ContainsFunc(gn, func(x string) bool { return norm(x) == norm(n) })
			}) {
				key = ge.Key
				break
			}
		}
		if key == "" {
			ent.FP++
			ent.Spurious = append(ent.Spurious, string(e.Kind)+" "+e.Name)
			continue
		}
		used[key] = true
		idKey[e.ID] = key
		ent.TP++
	}
	for _, ge := range g.Entities {
		if !used[ge.Key] {
			ent.FN++
			ent.Missed = append(ent.Missed, string(ge.Kind)+" "+ge.Name)
		}
	}
	// Allegations: by accused.
	alleg := Score{Category: "allegations"}
	allegKey := map[string]string{}
	usedA := map[string]bool{}
	var proposedAlleg []string
	for _, p := range props {
		if p.Kind == kg.ProposeEntity && p.Entity != nil && p.Entity.Kind == kg.Allegation {
			proposedAlleg = append(proposedAlleg, p.Entity.ID)
		}
	}
	for _, aid := range proposedAlleg {
		for _, p := range props {
			r := p.Relationship
			if r == nil || r.Type != kg.AccusedIn || r.To != aid || allegKey[aid] != "" {
				continue
			}
			for _, ga := range g.Allegations {
				if !usedA[ga.Key] && slices.Contains(ga.Accused, idKey[r.From]) {
					allegKey[aid], usedA[ga.Key] = ga.Key, true
					break
				}
			}
		}
		if allegKey[aid] == "" {
			alleg.FP++
			alleg.Spurious = append(alleg.Spurious, aid)
		} else {
			alleg.TP++
		}
	}
	for _, ga := range g.Allegations {
		if !usedA[ga.Key] {
			alleg.FN++
			alleg.Missed = append(alleg.Missed, ga.Key)
		}
	}
	// Relationships by family.
	type triple struct{ from, t, to string }
	goldRels := map[triple]bool{}
	for _, r := range g.Relationships {
		goldRels[triple{r.From, string(r.Type), r.To}] = true
	}
	for _, a := range g.Allegations {
		for _, k := range a.Accused {
			goldRels[triple{k, string(kg.AccusedIn), a.Key}] = true
		}
		for _, k := range a.ReportedBy {
			goldRels[triple{a.Key, string(kg.ReportedBy), k}] = true
		}
		for _, k := range a.DeniedBy {
			goldRels[triple{k, string(kg.DeniedBy), a.Key}] = true
		}
		for _, k := range a.Involves {
			goldRels[triple{k, string(kg.InvolvedIn), a.Key}] = true
		}
	}
	keyOf := func(id string) string {
		if k, ok := idKey[id]; ok {
			return k
		}
		if k, ok := allegKey[id]; ok {
			return k
		}
		return "?" + id
	}
	fams := map[string]*Score{}
	for _, f := range Families {
		fams[f.Name] = &Score{Category: f.Name}
	}
	found := map[triple]bool{}
	for _, p := range props {
		r := p.Relationship
		if p.Kind != kg.ProposeRelationship || r == nil {
			continue
		}
		f := family(r.Type)
		if f == "" {
			continue
		}
		t := triple{keyOf(r.From), string(r.Type), keyOf(r.To)}
		if found[t] {
			continue
		}
		found[t] = true
		if goldRels[t] {
			fams[f].TP++
		} else {
			fams[f].FP++
			fams[f].Spurious = append(fams[f].Spurious, t.from+" "+t.t+" "+t.to)
		}
	}
	for t := range goldRels {
		if !found[t] {
			s := fams[family(kg.RelType(t.t))]
			s.FN++
			s.Missed = append(s.Missed, t.from+" "+t.t+" "+t.to)
		}
	}
	all := Score{Category: "relationships"}
	rep := Report{ent}
	for _, f := range Families {
		s := fams[f.Name]
		slices.Sort(s.Missed)
		all.TP, all.FP, all.FN = all.TP+s.TP, all.FP+s.FP, all.FN+s.FN
		all.Missed, all.Spurious = append(all.Missed, s.Missed...), append(all.Spurious, s.Spurious...)
		rep = append(rep, *s)
	}
	rep = append(rep, all, alleg, statements(g, props, idKey), events(g, props, idKey))
	return rep
}

func words(s string) []string { return strings.Fields(kg.NormalizeName(s)) }

func quoteMatch(a, b string) bool {
	na, nb := kg.NormalizeName(a), kg.NormalizeName(b)
	if na == "" || nb == "" {
		return false
	}
	if strings.Contains(na, nb) || strings.Contains(nb, na) {
		return true
	}
	wa, wb := words(a), words(b)
	common := 0
	for _, w := range wa {
		if slices.Contains(wb, w) {
			common++
		}
	}
	return common*2 >= min(len(wa), len(wb))
}

func statements(g *Gold, props []kg.Proposal, idKey map[string]string) Score {
	s := Score{Category: "statements"}
	greedy(&s, props, kg.Statement, g.Statements,
		func(e *kg.Entity, gs GoldStatement) bool {
			return idKey[e.Speaker] == gs.Speaker && quoteMatch(gs.Quote, e.Quote)
		},
		func(gs GoldStatement) string { return gs.Speaker + ": " + gs.Quote })
	return s
}

func events(g *Gold, props []kg.Proposal, idKey map[string]string) Score {
	s := Score{Category: "events"}
	parts := map[string][]string{}
	for _, p := range props {
		if r := p.Relationship; r != nil && r.Type == kg.ParticipatedIn {
			parts[r.To] = append(parts[r.To], idKey[r.From])
		}
	}
	greedy(&s, props, kg.Event, g.Events,
		func(e *kg.Entity, ge GoldEvent) bool {
			return ge.Type == e.EventType &&
				slices.ContainsFunc(ge.Participants, func(k string) bool { return slices.Contains(parts[e.ID], k) })
		},
		func(ge GoldEvent) string { return ge.Type + " " + strings.Join(ge.Participants, ",") })
	return s
}

// greedy scores the proposed entities of one kind against gold items: a
// proposal is a hit when it matches the first gold item not yet used, else
// spurious; every gold item left unused is missed.
func greedy[G any](s *Score, props []kg.Proposal, kind kg.Kind, gold []G, match func(*kg.Entity, G) bool, describe func(G) string) {
	used := make([]bool, len(gold))
	for _, p := range props {
		e := p.Entity
		if p.Kind != kg.ProposeEntity || e == nil || e.Kind != kind {
			continue
		}
		hit := false
		for i, gi := range gold {
			if !used[i] && match(e, gi) {
				used[i], hit = true, true
				break
			}
		}
		if hit {
			s.TP++
		} else {
			s.FP++
			s.Spurious = append(s.Spurious, e.Name)
		}
	}
	for i, gi := range gold {
		if !used[i] {
			s.FN++
			s.Missed = append(s.Missed, describe(gi))
		}
	}
}
