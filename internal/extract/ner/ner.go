// Package ner finds the names of people, organisations and places in an
// article's sentences. Three signals combine: the graph's own names and
// aliases (a gazetteer, the strongest once parliaments are imported), the
// committed lexicon (countries, titles, organisation head words, outlet
// nouns) and prose's statistical model, which is asked only for the kind
// of a name nothing else classifies.
package ner

import (
	"context"
	"strings"
	"sync"
	"unicode"

	"github.com/jdkato/prose/v2"

	"github.com/polgraph/polgraph/internal/extract/gazetteer"
	"github.com/polgraph/polgraph/internal/extract/lexicon"
	"github.com/polgraph/polgraph/internal/extract/segment"
	"github.com/polgraph/polgraph/internal/kg"
)

// Mention is one name (or a definite description such as "the diplomat")
// in a sentence.
type Mention struct {
	Text       string
	Start, End int // rune offsets in the article
	Sentence   int // index into the sentences
	Tok0, Tok1 int // token range [Tok0, Tok1) in the sentence

	// Kind is "" for a place that is not a country (a city, a region):
	// kept as context ("the consulate in Toronto"), never an entity.
	Kind  kg.Kind
	Class kg.OrgClass
	// Title is the role written before the name ("prime minister", "mr",
	// "senior executive"), lower case.
	Title   string
	Country *lexicon.CountryInfo // for a COUNTRY mention
	// Capital marks a capital standing for its country's government.
	Capital bool
	// Description marks "the <role>" ("the prime minister"): resolved by
	// coreference to whoever holds that role, or dropped.
	Description bool
	// Name is the canonical name when a pattern built it
	// ("Consulate of China in Toronto"); "" means Text.
	Name string
	// Unknown marks a capitalised word nothing classified; it survives only
	// if coreference ties it to a known name.
	Unknown  bool
	Source   string // gazetteer, lexicon, pattern, context, title, model
	Quoted   bool   // inside a quotation
	Headline bool
	Cands    []gazetteer.Candidate
}

// CanonicalName is Name, or Text.
func (m *Mention) CanonicalName() string {
	if m.Name != "" {
		return m.Name
	}
	return m.Text
}

// Model is prose's English model, loaded once and shared.
type Model struct {
	mu sync.Mutex
	m  *prose.Model
}

var (
	modelOnce sync.Once
	model     *Model
)

// DefaultModel loads prose's model (once per process).
func DefaultModel() *Model {
	modelOnce.Do(func() {
		d, err := prose.NewDocument("Load.", prose.WithSegmentation(false))
		if err == nil {
			model = &Model{m: d.Model}
		}
	})
	return model
}

// labels runs the model on one sentence and returns its entity labels
// (PERSON, GPE, ORGANIZATION) by the rune range they cover in the
// sentence's text.
func (m *Model) labels(text string) []span {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, err := prose.NewDocument(text, prose.UsingModel(m.m), prose.WithSegmentation(false))
	if err != nil {
		return nil
	}
	var out []span
	rs := []rune(text)
	from := 0
	for _, e := range d.Entities() {
		er := []rune(e.Text)
		at := indexRunes(rs, er, from)
		if at < 0 {
			continue
		}
		out = append(out, span{at, at + len(er), e.Label})
		from = at + len(er)
	}
	return out
}

type span struct {
	start, end int
	label      string
}

func indexRunes(hay, needle []rune, from int) int {
	for i := from; i+len(needle) <= len(hay); i++ {
		if string(hay[i:i+len(needle)]) == string(needle) {
			return i
		}
	}
	return -1
}

// Options configure recognition.
type Options struct {
	Gazetteer gazetteer.Gazetteer // nil: none
	Model     *Model              // nil: no statistical model
}

var connectors = map[string]bool{"of": true, "and": true, "for": true, "de": true, "du": true, "la": true, "von": true, "van": true, "der": true, "&": true, "the": true, "on": true}

func isCap(t string) bool {
	r := []rune(t)
	return len(r) > 0 && unicode.IsUpper(r[0])
}

func lower(ts []segment.Token, i int) string {
	if i < 0 || i >= len(ts) {
		return ""
	}
	return strings.ToLower(strings.ReplaceAll(ts[i].Text, "’", "'"))
}

// Recognize finds the mentions in the sentences.
func Recognize(ctx context.Context, sents []segment.Sentence, opt Options) ([]Mention, error) {
	var out []Mention
	cache := map[string][]gazetteer.Candidate{}
	lookup := func(name string) ([]gazetteer.Candidate, error) {
		if opt.Gazetteer == nil {
			return nil, nil
		}
		k := kg.NormalizeName(name)
		if c, ok := cache[k]; ok {
			return c, nil
		}
		c, err := opt.Gazetteer.Lookup(ctx, name, nil)
		if err != nil {
			return nil, err
		}
		cache[k] = c
		return c, nil
	}
	// Body first; then headlines, whose every word is capitalised, are
	// read only for the names the body (or the lexicon) knows.
	known := map[string]Mention{}
	for si := range sents {
		s := &sents[si]
		if s.Headline {
			continue
		}
		ms, err := recognizeSentence(s, si, opt, lookup)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if !m.Unknown && m.Kind != "" && !m.Description {
				known[kg.NormalizeName(m.Text)] = m
			}
		}
		out = append(out, ms...)
	}
	for si := range sents {
		if s := &sents[si]; s.Headline {
			out = append(out, headlineMentions(s, si, known)...)
		}
	}
	sortMentions(out)
	return out, nil
}

// headlineMentions finds, in a title-cased line, the longest runs of words
// that are names the body or the lexicon knows.
func headlineMentions(s *segment.Sentence, si int, known map[string]Mention) []Mention {
	ts := s.Tokens
	var out []Mention
	for i := 0; i < len(ts); {
		found := 0
		for j := min(len(ts), i+6); j > i; j-- {
			if !isCap(ts[i].Text) {
				break
			}
			text := textOf(s, ts, i, j)
			m, ok := known[kg.NormalizeName(text)]
			if !ok {
				if c, how := lexicon.Country(text); c != nil && how != "demonym" && isCap(ts[i].Text) {
					m, ok = Mention{Kind: kg.Country, Country: c, Name: c.Name, Capital: how == "capital", Source: "lexicon"}, true
				} else if lexicon.Outlets[strings.ToLower(text)] {
					m, ok = Mention{Kind: kg.Organization, Class: kg.MediaOutlet, Source: "lexicon"}, true
				}
			}
			if !ok {
				continue
			}
			m.Text, m.Start, m.End, m.Sentence, m.Tok0, m.Tok1, m.Headline, m.Title, m.Quoted = text, ts[i].Start, ts[j-1].End, si, i, j, true, "", false
			out = append(out, m)
			found = j - i
			break
		}
		if found == 0 && i >= 2 && strings.EqualFold(ts[i-2].Text, "source") && ts[i-1].Text == ":" && isCap(ts[i].Text) {
			// "Source: Lusa", the agency the article comes from.
			j := i + 1
			for j < len(ts) && isCap(ts[j].Text) {
				j++
			}
			out = append(out, Mention{Text: textOf(s, ts, i, j), Start: ts[i].Start, End: ts[j-1].End, Sentence: si, Tok0: i, Tok1: j,
				Kind: kg.Organization, Class: kg.MediaOutlet, Source: "context", Headline: true})
			found = j - i
		}
		if found == 0 {
			found = 1
		}
		i += found
	}
	return out
}

func quoteDepths(ts []segment.Token) []bool {
	q := make([]bool, len(ts))
	in := false
	for i, t := range ts {
		switch {
		case segment.IsOpenQuote(t.Text):
			in = true
		case segment.IsCloseQuote(t.Text):
			in = false
			q[i] = true
			continue
		case t.Text == "\"":
			in = !in
			q[i] = true
			continue
		}
		q[i] = in
	}
	return q
}

func recognizeSentence(s *segment.Sentence, si int, opt Options, lookup func(string) ([]gazetteer.Candidate, error)) ([]Mention, error) {
	ts := s.Tokens
	quoted := quoteDepths(ts)
	// The model runs only for a sentence with a name nothing else
	// classified: it is the slowest signal.
	var labels []span
	labeled := false
	labelOf := func(t0, t1 int) string {
		if !labeled {
			labeled = true
			if opt.Model != nil && !s.Headline {
				labels = opt.Model.labels(s.Text)
			}
		}
		a, b := ts[t0].Start-s.Start, ts[t1-1].End-s.Start
		for _, l := range labels {
			if l.start < b && a < l.end {
				return l.label
			}
		}
		return ""
	}
	words := make([]string, len(ts))
	for i, t := range ts {
		words[i] = strings.ReplaceAll(t.Text, "’", "'")
	}
	var out []Mention
	mk := func(t0, t1 int) Mention {
		m := Mention{Start: ts[t0].Start, End: ts[t1-1].End, Sentence: si, Tok0: t0, Tok1: t1, Quoted: quoted[t0], Headline: s.Headline}
		m.Text = textOf(s, ts, t0, t1)
		return m
	}
	// Lower-case patterns first: missions, ministries, descriptions.
	patterned := make([]bool, len(ts))
	for i := 0; i < len(ts); i++ {
		if m, ok := missionAt(s, ts, words, i); ok {
			m.Sentence, m.Quoted, m.Headline = si, quoted[m.Tok0], s.Headline
			out = append(out, m)
			for k := m.Tok0; k < m.Tok1; k++ {
				patterned[k] = true
			}
			i = m.Tok1 - 1
		}
	}
	for i := 0; i < len(ts); i++ {
		if patterned[i] {
			continue
		}
		if strings.ToLower(words[i]) == "the" && i+1 < len(ts) {
			if name, r, n := lexicon.RoleAt(lowerAll(words), i+1); n > 0 && r.Rel != "" && name != "member" && name != "head" && name != "chair" && !(i+1+n < len(ts) && isCap(words[i+1+n])) && !(i+1+n < len(ts) && words[i+1+n] == "of") {
				end := i + 1 + n
				// "the prime minister's office" still names the minister.
				m := mk(i, end)
				m.Kind, m.Description, m.Title, m.Source = kg.Person, true, name, "description"
				out = append(out, m)
				i = end - 1
			}
		}
	}
	// Capitalised runs.
	i := 0
	for i < len(ts) {
		if patterned[i] || !isCap(words[i]) || !isNameToken(words[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(ts) && !patterned[j] {
			if isCap(words[j]) && isNameToken(words[j]) {
				j++
				continue
			}
			if words[j] == "of" && j+2 < len(ts) && words[j+1] == "the" && isCap(words[j+2]) && isNameToken(words[j+2]) && ofJoins(strings.ToLower(words[j-1])) {
				j += 3 // "Assembly of the Republic"
				continue
			}
			if (words[j] == "of" || words[j] == "for" || words[j] == "on") && !ofJoins(strings.ToLower(words[j-1])) {
				break // "Ms Lopes of Podemos" is two names
			}
			if connectors[strings.ToLower(words[j])] && j+1 < len(ts) && isCap(words[j+1]) && isNameToken(words[j+1]) && words[j] != "The" {
				// "Michael Kovrig and Michael Spavor" are two names; "The
				// Globe and Mail" is one.
				if words[j] == "and" && j-i >= 2 && j+2 < len(ts) && isCap(words[j+2]) && lexicon.OrgHeads[strings.ToLower(words[j-1])] == "" {
					break
				}
				j += 2
				continue
			}
			break
		}
		ms, err := classifyRun(s, si, ts, words, i, j, quoted, labelOf, lookup, mk)
		if err != nil {
			return nil, err
		}
		out = append(out, ms...)
		i = j
	}
	sortMentions(out)
	return out, nil
}

var functionWords = map[string]bool{"the": true, "a": true, "an": true, "on": true, "in": true, "at": true, "according": true,
	"after": true, "before": true, "when": true, "while": true, "but": true, "and": true, "as": true, "for": true, "from": true,
	"by": true, "with": true, "to": true, "of": true, "if": true, "this": true, "that": true, "his": true, "her": true, "their": true, "its": true}

// orgRun reports whether words (lower case) end in an organisation's head
// word, or have one before "of".
func orgRun(ws []string) bool {
	if len(ws) == 0 {
		return false
	}
	if lexicon.OrgHeads[ws[len(ws)-1]] != "" {
		return true
	}
	for k := 0; k+1 < len(ws); k++ {
		if ws[k+1] == "of" && lexicon.OrgHeads[ws[k]] != "" {
			return true
		}
	}
	return false
}

// ofJoins reports whether "<w> of X" is one name: an organisation's head
// word or a word that heads institutions ("House of Commons").
func ofJoins(w string) bool {
	switch w {
	case "house", "chamber", "republic", "state", "people's", "secretary", "minister", "court", "bank", "university", "kingdom", "union", "council":
		return true
	}
	return lexicon.OrgHeads[w] != ""
}

func lowerAll(ws []string) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = strings.ToLower(w)
	}
	return out
}

func isNameToken(w string) bool {
	r := []rune(w)
	if !unicode.IsLetter(r[0]) {
		return false
	}
	lw := strings.ToLower(w)
	if _, ok := lexicon.Months[strings.TrimSuffix(lw, ".")]; ok && lw != "may" {
		return false
	}
	if _, ok := lexicon.Weekdays[lw]; ok {
		return false
	}
	return true
}

func textOf(s *segment.Sentence, ts []segment.Token, t0, t1 int) string {
	rs := []rune(s.Text)
	return string(rs[ts[t0].Start-s.Start : ts[t1-1].End-s.Start])
}

// missionAt reads "<Demonym|Country's> (consulate|embassy)[ general|-general]
// [in <Place>]" and "<Country's|Demonym> (foreign ministry | ministry of
// <portfolio>)".
func missionAt(s *segment.Sentence, ts []segment.Token, words []string, i int) (Mention, bool) {
	var c *lexicon.CountryInfo
	j := i
	if cc, how := lexicon.Country(words[i]); cc != nil && (how == "demonym" || how == "name" || how == "alias") {
		c = cc
		j = i + 1
		if j < len(ts) && (words[j] == "'s") {
			j++
		}
	}
	if c == nil || j >= len(ts) {
		return Mention{}, false
	}
	w := strings.ToLower(words[j])
	mk := func(end int, name string, class kg.OrgClass) Mention {
		start := i
		if i > 0 && strings.ToLower(words[i-1]) == "the" {
			start = i - 1
		}
		m := Mention{Start: ts[start].Start, End: ts[end-1].End, Tok0: start, Tok1: end, Kind: kg.Organization, Class: class, Name: name, Source: "pattern"}
		m.Text = textOf(s, ts, start, end)
		return m
	}
	switch w {
	case "consulate", "consulate-general", "embassy", "mission", "high commission":
		kind := strings.TrimSuffix(w, "-general")
		end := j + 1
		if end+1 < len(ts) && strings.ToLower(words[end]) == "general" {
			end++
		}
		place := ""
		if end+1 < len(ts) && (words[end] == "in" || words[end] == "to") && isCap(words[end+1]) {
			k := end + 1
			for k < len(ts) && isCap(words[k]) {
				k++
			}
			place = textOf(s, ts, end+1, k)
			if pc, _ := lexicon.Country(place); pc != nil && words[end] == "to" {
				place = pc.Name
			}
			end = k
		}
		return mk(end, lexicon.MissionName(kind, c, place), kg.DiplomaticMission), true
	case "ministry":
		if j+2 < len(ts) && words[j+1] == "of" {
			k := j + 2
			for k < len(ts) && (unicode.IsLetter([]rune(words[k])[0])) && (k == j+2 || words[k] == "and" || words[k-1] == "and" || k == j+3 && !isVerbish(words[k])) {
				k++
			}
			return mk(k, lexicon.MinistryName(strings.ToLower(strings.Join(words[j+2:k], " ")), c), kg.Ministry), true
		}
	default:
		if p, ok := lexicon.Portfolios[w]; ok && j+1 < len(ts) && strings.ToLower(words[j+1]) == "ministry" {
			return mk(j+2, lexicon.MinistryName(p, c), kg.Ministry), true
		}
	}
	return Mention{}, false
}

func isVerbish(w string) bool {
	w = strings.ToLower(w)
	return strings.HasSuffix(w, "ed") || strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") || w == "said" || w == "did" || w == "has" || w == "was"
}

// classifyRun splits a capitalised run at titles ("Canada MP Han Dong",
// "Prime Minister Justin Trudeau") and classifies each name in it.
func classifyRun(s *segment.Sentence, si int, ts []segment.Token, words []string, i, j int, quoted []bool,
	labelOf func(int, int) string, lookup func(string) ([]gazetteer.Candidate, error), mk func(int, int) Mention) ([]Mention, error) {
	lw := lowerAll(words)
	var out []Mention
	title := ""
	// A lower-case role just before the run is its title
	// ("diplomat Han Tao", "senior executive Meng Wanzhou").
	for k := lexicon.MaxRoleWords; k >= 1; k-- {
		if i-k < 0 {
			continue
		}
		if name, r, n := lexicon.RoleAt(lw, i-k); n == k && r.Rel != "" && !isCap(words[i-k]) {
			title = name
			break
		}
	}
	start := i
	flush := func(a, b int, title string) error {
		// Leading common words ("The", "According", "On") are not names,
		// unless the whole is a known name.
		for a < b {
			whole := textOf(s, ts, a, b)
			if c, _ := lexicon.Country(whole); c != nil {
				break
			}
			if lexicon.Outlets[strings.ToLower(whole)] {
				break
			}
			if !lexicon.IsCommon(words[a]) {
				break
			}
			// An organisation keeps its adjectives ("National Assembly",
			// "Central Bank of Kenya"); only function words go.
			if b-a >= 2 && orgRun(lw[a:b]) && !functionWords[lw[a]] {
				break
			}
			// "The" inside a sentence stays with an outlet ("newspaper The Globe").
			if words[a] == "The" && a > 0 && a+1 < b && lexicon.OutletNouns[lw[a-1]] {
				break
			}
			a++
		}
		for b > a && (connectors[lw[b-1]]) {
			b--
		}
		if a >= b {
			return nil
		}
		if _, _, n := lexicon.RoleAt(lw, a); n == b-a {
			return nil // "MP", "President": a role, no name
		}
		m := mk(a, b)
		m.Title = title
		if err := classify(&m, s, ts, words, lw, labelOf, lookup); err != nil {
			return err
		}
		if m.Source != "" {
			out = append(out, m)
		}
		return nil
	}
	for k := i; k < j; k++ {
		name, r, n := lexicon.RoleAt(lw, k)
		if n == 0 || !r.Title || k+n >= j {
			continue
		}
		if !isCap(words[k+n]) && !(connectors[lw[k+n]] && k+n+1 < j && isCap(words[k+n+1])) {
			continue // "Ms de Vries": a particle may follow a title
		}
		// "Prime Minister" in "Prime Minister Justin Trudeau" is a title;
		// "President" in "the President of France" is not (nothing follows).
		if k > start {
			if err := flush(start, k, title); err != nil {
				return nil, err
			}
		}
		title = name
		start = k + n
		k = start - 1
	}
	if err := flush(start, j, title); err != nil {
		return nil, err
	}
	return out, nil
}

func classify(m *Mention, s *segment.Sentence, ts []segment.Token, words, lw []string, labelOf func(int, int) string, lookup func(string) ([]gazetteer.Candidate, error)) error {
	text := m.Text
	prev := ""
	if m.Tok0 > 0 {
		prev = lw[m.Tok0-1]
	}
	next := ""
	if m.Tok1 < len(ts) {
		next = lw[m.Tok1]
	}
	// Countries (and capitals for their government); demonyms are
	// adjectives, not mentions.
	if c, how := lexicon.Country(text); c != nil {
		if how == "demonym" {
			return nil
		}
		m.Kind, m.Country, m.Source = kg.Country, c, "lexicon"
		m.Capital = how == "capital"
		m.Name = c.Name
		return nil
	}
	if strings.Contains(text, "-") {
		parts := strings.Split(text, "-")
		if c, how := lexicon.Country(parts[0]); c != nil && how == "demonym" {
			return nil // "Chinese-Canadian"
		}
	}
	cands, err := lookup(text)
	if err != nil {
		return err
	}
	if len(cands) > 0 && cands[0].How != gazetteer.Fuzzy || len(cands) > 0 && len([]rune(text)) > 6 {
		e := cands[0].Entity
		m.Kind, m.Class, m.Cands, m.Source = e.Kind, e.Classification, cands, "gazetteer"
		if e.Kind == kg.Country {
			m.Name = e.Name
		}
		return nil
	}
	last := lw[m.Tok1-1]
	for k := m.Tok0; k+1 < m.Tok1; k++ {
		if lw[k+1] == "of" && lexicon.OrgHeads[lw[k]] != "" {
			last = lw[k] // "Conservative Party of Canada", "Bank of England"
			break
		}
	}
	switch {
	case prev == ":" && m.Tok0 >= 2 && lw[m.Tok0-2] == "source", prev == "source:":
		m.Kind, m.Class, m.Source = kg.Organization, kg.MediaOutlet, "context"
	case lexicon.Seats[kg.NormalizeName(strings.TrimPrefix(text, "The "))]:
		m.Kind, m.Class, m.Source = kg.Organization, kg.Government, "lexicon"
	case lexicon.Outlets[strings.ToLower(strings.TrimPrefix(text, "The "))]:
		m.Kind, m.Class, m.Source = kg.Organization, kg.MediaOutlet, "lexicon"
	case lexicon.OutletNouns[prev] && m.Title == "", m.Tok1-m.Tok0 >= 2 && lexicon.OutletNouns[lw[m.Tok0]], lexicon.OutletNouns[next] && m.Title == "" && labelOf(m.Tok0, m.Tok1) != "PERSON":
		m.Kind, m.Class, m.Source = kg.Organization, kg.MediaOutlet, "context"
	case lexicon.OrgHeads[last] != "" && m.Tok1-m.Tok0 >= 1 && !(m.Tok1-m.Tok0 == 1 && m.Title != ""):
		m.Kind, m.Class, m.Source = kg.Organization, lexicon.OrgHeads[last], "lexicon"
	case lexicon.OrgNouns[prev] != "" && m.Title == "":
		m.Kind, m.Class, m.Source = kg.Organization, lexicon.OrgNouns[prev], "context"
	case m.Title != "":
		m.Kind, m.Source = kg.Person, "title"
	case followedByEmployeeRole(lw, m.Tok1):
		m.Kind, m.Class, m.Source = kg.Organization, kg.Company, "context"
	default:
		switch labelOf(m.Tok0, m.Tok1) {
		case "PERSON":
			if m.Tok1-m.Tok0 >= 2 {
				m.Kind, m.Source = kg.Person, "model"
			} else {
				m.Unknown, m.Source = true, "model"
			}
		case "ORGANIZATION":
			m.Kind, m.Class, m.Source = kg.Organization, kg.OtherOrg, "model"
		case "GPE":
			m.Kind, m.Source = "", "model" // a place
			if m.Tok1-m.Tok0 == 1 && isAllCaps(text) {
				m.Kind, m.Class = kg.Organization, kg.OtherOrg
			}
		default:
			if m.Tok1-m.Tok0 >= 2 && !s.Headline && (m.Tok0 > 0 || noCommon(lw[m.Tok0:m.Tok1])) {
				m.Kind, m.Source = kg.Person, "shape"
			} else if m.Tok0 > 0 || m.Tok1-m.Tok0 >= 2 {
				m.Unknown, m.Source = true, "shape"
			}
		}
	}
	return nil
}

func isAllCaps(s string) bool {
	n := 0
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n >= 2
}

// followedByEmployeeRole reads "Huawei senior executive", "Acme chief
// executive": a name before a job at a company is the company.
func followedByEmployeeRole(lw []string, i int) bool {
	_, r, n := lexicon.RoleAt(lw, i)
	return n > 0 && r.Rel == kg.WorksFor && r.Class == kg.Company
}

func sortMentions(ms []Mention) {
	for i := 1; i < len(ms); i++ {
		for j := i; j > 0 && ms[j].Start < ms[j-1].Start; j-- {
			ms[j], ms[j-1] = ms[j-1], ms[j]
		}
	}
}

// noCommon reports whether none of the words is a common word (a
// sentence-initial "Lena Fischer" is a name; "Some Chinese" is not).
func noCommon(ws []string) bool {
	for _, w := range ws {
		if lexicon.IsCommon(w) || connectors[w] {
			return false
		}
	}
	return true
}
