package relate

import (
	"regexp"
	"slices"
	"strings"

	"github.com/polgraph/polgraph/internal/extract/link"
	"github.com/polgraph/polgraph/internal/extract/segment"
	"github.com/polgraph/polgraph/internal/kg"
)

var sayVerbs = map[string]bool{"said": true, "says": true, "say": true, "told": true, "added": true, "wrote": true,
	"stated": true, "insisted": true, "warned": true, "declared": true, "argued": true, "tweeted": true, "posted": true, "announced": true}

var spokesForRe = regexp.MustCompile(`spokes(?:man|woman|person) for (?:the )?(?:⟨([poc])(\d+)⟩|(?:[a-z]+ ){0,3}?⟨([poc])(\d+)⟩)`)

// statements reads each quotation of four words or more with its speaker:
// the name nearest before the saying verb outside the quotation ("...,"
// Mr Dong said; Mr Trudeau said: "..."), a pronoun ("he said"), the name
// after it ("said Mr Dong"), the principal of a spokesperson, or, for "the
// statement said", the speaker of the statement before.
func (r *reader) statements(si int, t string, date kg.Date) {
	s := &r.in.Sentences[si]
	ts := s.Tokens
	type q struct{ a, b int }
	var quotes []q
	open := -1
	for i, tk := range ts {
		switch {
		case segment.IsOpenQuote(tk.Text) || tk.Text == "\"" && open < 0:
			open = i
		case (segment.IsCloseQuote(tk.Text) || tk.Text == "\"") && open >= 0:
			quotes = append(quotes, q{open + 1, i})
			open = -1
		}
	}
	if open >= 0 {
		quotes = append(quotes, q{open + 1, len(ts)})
	}
	if len(quotes) == 0 {
		return
	}
	inQuote := make([]bool, len(ts))
	for _, qq := range quotes {
		for k := qq.a - 1; k <= qq.b && k < len(ts); k++ {
			if k >= 0 {
				inQuote[k] = true
			}
		}
	}
	ws := r.masked[si]
	of := r.tokOf[si]
	var speaker *kg.Entity
	verb := -1
	for i, w := range ws {
		if !inQuote[i] && sayVerbs[w] {
			verb = i
			break
		}
	}
	if verb >= 0 {
		// Spokesperson for X: X speaks.
		if m := spokesForRe.FindStringSubmatch(t); m != nil {
			if m[1] != "" {
				speaker = r.actor(m[1], m[2])
			} else {
				speaker = r.actor(m[3], m[4])
			}
		}
		for k := verb - 1; speaker == nil && k >= 0 && k >= verb-14; k-- {
			if inQuote[k] {
				break
			}
			if c := of[k]; c >= 0 && r.chain(c).Kind.Actor() && r.ent(c).Classification != "MEDIA_OUTLET" {
				speaker = r.ent(c)
			}
			switch ws[k] {
			case "he", "she":
				speaker = r.pronoun(si, t, strings.Index(t, " "+ws[k]+" "))
			case "statement":
				speaker = r.ent2(r.lastSpeaker)
			}
			if speaker != nil {
				break
			}
		}
		for k := verb + 1; speaker == nil && k < len(ts) && k <= verb+3; k++ {
			if c := of[k]; c >= 0 && r.chain(c).Kind.Actor() {
				speaker = r.ent(c)
			}
		}
	}
	if speaker == nil {
		return
	}
	r.lastSpeaker = speaker.ID
	for _, qq := range quotes {
		if qq.b-qq.a < 3 {
			continue
		}
		quote := strings.TrimSpace(string([]rune(s.Text)[ts[qq.a].Start-s.Start : ts[qq.b-1].End-s.Start]))
		quote = strings.TrimRight(quote, ",")
		e := &kg.Entity{ID: link.HashID("statement", r.in.Article, speaker.ID, quote), Kind: kg.Statement,
			Name: speaker.Name + ": " + firstWords(quote, 8), Quote: quote, Speaker: speaker.ID, Date: date}
		r.entity(si, "quotation-attributed", 0.75, e)
		r.rel(si, "quotation-attributed", 0.75, kg.Stated, speaker, e, "")
		if quoteDenyRe.MatchString(strings.ToLower(quote)) {
			r.deny(si, speaker, nil, "quoted-denial", 0.6)
		}
	}
	if m := groundlessRe.FindStringSubmatch(t); m != nil {
		var acc *kg.Entity
		if m[1] != "" {
			acc = r.actor(m[1], m[2])
		}
		r.deny(si, speaker, acc, "claims-groundless", 0.75)
	}
}

// deny records that who denied the allegation against acc (or, when nil,
// the one against who, or the latest).
func (r *reader) deny(si int, who, acc *kg.Entity, rule string, conf float64) {
	var a *kg.Entity
	switch {
	case acc != nil:
		a = r.allegation(si, acc, rule)
	case r.allegations[who.ID] != nil:
		a = r.allegations[who.ID]
	default:
		a = r.lastAlleg
	}
	r.rel(si, rule, conf, kg.DeniedBy, who, a, "")
}

func (r *reader) ent2(id string) *kg.Entity {
	for i := range r.in.Links {
		if r.in.Links[i].Entity.ID == id {
			return &r.in.Links[i].Entity
		}
	}
	if e, ok := r.built[id]; ok {
		return e
	}
	return nil
}

func firstWords(s string, n int) string {
	w := strings.Fields(s)
	if len(w) > n {
		return strings.Join(w[:n], " ") + " …"
	}
	return strings.Join(w, " ")
}

// Event triggers: a word and the type of event it names.
var triggers = map[string]string{
	"arrest": "arrest", "arrested": "arrest", "arresting": "arrest",
	"detained": "arrest", "detention": "detention", "imprisoned": "detention", "jailed": "detention", "imprisonment": "detention",
	"released": "release", "freed": "release",
	"vote": "vote", "voted": "vote", "voting": "vote", "passed": "vote", "approved": "vote",
	"expelled": "expulsion", "expel": "expulsion", "expels": "expulsion", "expulsion": "expulsion",
	"appointed": "appointment", "appoints": "appointment", "appoint": "appointment", "nominated": "appointment", "named": "appointment",
	"resigned": "resignation", "resigns": "resignation", "resignation": "resignation",
	"elected": "election", "re-elected": "election", "defeated": "election",
	"met": "meeting", "meeting": "meeting", "speak": "meeting", "spoke": "meeting", "talks": "meeting", "conversation": "meeting",
	"sentenced": "sentencing", "convicted": "conviction", "charged": "charge", "indicted": "charge",
	"defended": "defence", "sacked": "dismissal", "fired": "dismissal", "dismissed": "dismissal",
	"summoned": "summons", "visited": "visit",
}

var pluralPron = map[string]bool{"their": true, "they": true, "pair": true}

// events2 reads the events of a sentence: each trigger outside quotes with
// the actors around it (those before the first trigger go to it; the rest
// to the nearest trigger before them); "their"/"they"/"the pair" stand for
// the people of the sentence before.
func (r *reader) events2(si int, t string, date kg.Date) {
	ws := r.masked[si]
	of := r.tokOf[si]
	quoted := make([]bool, len(ws))
	in := false
	for i, w := range ws {
		if w == "\"" {
			in = !in
		}
		quoted[i] = in
	}
	type trig struct {
		at  int
		typ string
	}
	var trs []trig
	for i, w := range ws {
		typ, ok := triggers[w]
		if !ok || quoted[i] {
			continue
		}
		if typ == "detention" && i > 0 && ws[i-1] == "from" {
			continue // released from detention: one release
		}
		if typ == "vote" && w == "passed" && !(i+3 < len(ws) && strings.Contains(strings.Join(ws[i+1:min(len(ws), i+6)], " "), "motion") || strings.Contains(strings.Join(ws[i+1:min(len(ws), i+6)], " "), "bill")) {
			continue
		}
		if typ == "meeting" && (w == "speak" || w == "spoke") && !(i+1 < len(ws) && (ws[i+1] == "with" || ws[i+1] == "to")) {
			continue
		}
		if typ == "appointment" && w == "named" && !(i+1 < len(ws) && ws[i+1] == "as") {
			continue
		}
		if typ == "dismissal" && w == "dismissed" && i+2 < len(ws) && (strings.HasPrefix(ws[i+1], "the") || strings.HasPrefix(ws[i+2], "claim") || strings.HasPrefix(ws[i+2], "allegation")) {
			continue
		}
		if len(trs) > 0 && trs[len(trs)-1].typ == typ {
			continue
		}
		if hypothetical(ws, i) {
			continue // "must still be approved": not (yet) an event
		}
		trs = append(trs, trig{i, typ})
	}
	if len(trs) == 0 {
		return
	}
	parts := make([][]*kg.Entity, len(trs))
	for i, c := range of {
		if c < 0 || quoted[i] || (i > 0 && of[i-1] == c) {
			continue
		}
		e := r.ent(c)
		if e.Classification == kg.MediaOutlet || !e.Kind.Actor() {
			continue
		}
		k := 0
		for j := range trs {
			if trs[j].at < i {
				k = j
			}
		}
		if trs[k].at < i && clauseBreak(ws[trs[k].at:i]) {
			continue // after the trigger's clause: "..., said Y"
		}
		if !slices.Contains(parts[k], e) {
			parts[k] = append(parts[k], e)
		}
	}
	// "X, who was sacked": the name before the relative clause is the one
	// the clause's event happened to.
	for j, tr := range trs {
		if k := tr.at; k >= 4 && ws[k-3] == "who" && ws[k-4] == "," || k >= 3 && ws[k-2] == "who" && ws[k-3] == "," {
			at := k - 4
			if ws[k-2] == "who" {
				at = k - 3
			}
			if c := of[at-1]; at >= 1 && c >= 0 {
				e := r.ent(c)
				for jj := range parts {
					parts[jj] = slices.DeleteFunc(parts[jj], func(x *kg.Entity) bool { return x == e })
				}
				parts[j] = append(parts[j], e)
			}
		}
	}
	for j, tr := range trs {
		for i := max(0, tr.at-3); i < tr.at; i++ {
			if pluralPron[ws[i]] && si > 0 {
				for _, c := range r.chainsIn(si-1, false) {
					if e := r.ent(c); e.Kind == kg.Person && !slices.Contains(parts[j], e) {
						parts[j] = append(parts[j], e)
					}
				}
			}
			if (ws[i] == "he" || ws[i] == "she") && len(parts[j]) == 0 {
				if e := r.pronoun(si, t, strings.Index(t, " "+ws[i]+" ")+1); e != nil {
					parts[j] = append(parts[j], e)
				}
			}
		}
		if len(parts[j]) == 0 {
			continue
		}
		anaphoric := tr.at > 0 && (ws[tr.at-1] == "his" || ws[tr.at-1] == "her" || ws[tr.at-1] == "the" || ws[tr.at-1] == "its")
		r.event(si, tr.typ, date, parts[j], anaphoric)
	}
}

func (r *reader) event(si int, typ string, date kg.Date, parts []*kg.Entity, anaphoric bool) {
	var ps []*kg.Entity
	for _, p := range parts {
		if p != nil {
			ps = append(ps, p)
		}
	}
	if len(ps) == 0 {
		return
	}
	// The same event again: in the same sentence; in the next one,
	// undated, naming one of its participants ("Mr X was arrested. Mr X
	// was detained at his home."); or a definite or possessive reference
	// ("his vote", "the detention"), which never starts an event of its
	// own.
	var ev *eventRec
	for _, old := range r.events {
		if old.e.EventType != typ {
			continue
		}
		shares := slices.ContainsFunc(ps, func(p *kg.Entity) bool { return slices.Contains(old.parts, p.ID) })
		if old.sentence == si || anaphoric || old.sentence == si-1 && date.IsZero() && shares {
			ev = old
		}
	}
	if ev == nil && anaphoric {
		return
	}
	if ev == nil {
		name := strings.ToUpper(typ[:1]) + typ[1:] + ": " + ps[0].Name
		e := &kg.Entity{ID: link.HashID("event", r.in.Article, typ, ps[0].ID, date.String()), Kind: kg.Event, Name: name, EventType: typ, Date: date}
		e = r.entity(si, "event-"+typ, 0.65, e)
		ev = &eventRec{e: e, sentence: si}
		r.events = append(r.events, ev)
	}
	for _, p := range ps {
		if !slices.Contains(ev.parts, p.ID) {
			ev.parts = append(ev.parts, p.ID)
			r.rel(si, "event-"+typ, 0.65, kg.ParticipatedIn, p, ev.e, "")
		}
	}
}

// article relates the article itself: PUBLISHED_BY its outlet (given, or
// read from a "Source: X" line), CITES the other outlets it names, and
// MENTIONS every actor it names.
func (r *reader) article() {
	art := &kg.Entity{ID: r.in.Article, Kind: kg.Article}
	publisher := r.ent2(r.in.Outlet)
	pubSent := 0
	if r.in.Outlet == "" {
		for si := range r.in.Sentences {
			if m := sourceRe.FindStringSubmatch(r.text(si)); m != nil {
				for _, g := range m[1:] {
					if g != "" {
						publisher, pubSent = r.ent(atoi(g)), si
					}
				}
			}
		}
	}
	if publisher != nil && publisher.Kind == kg.Organization {
		publisher.Classification = kg.MediaOutlet
		r.rel(pubSent, "published-by", 0.9, kg.PublishedBy, art, publisher, "")
	} else if r.in.Outlet != "" {
		r.facts = append(r.facts, Fact{Relationship: &kg.Relationship{ID: kg.RelationshipID(kg.PublishedBy, art.ID, r.in.Outlet, ""), Type: kg.PublishedBy, From: art.ID, To: r.in.Outlet}, Rule: "published-by", Confidence: 0.95})
	}
	first := map[int]int{}
	for mi, m := range r.in.Mentions {
		if c := r.in.Of[mi]; c >= 0 {
			if _, ok := first[c]; !ok {
				first[c] = m.Sentence
			}
		}
	}
	for c := range r.in.Chains {
		si, ok := first[c]
		if !ok {
			continue
		}
		e := r.ent(c)
		if !e.Kind.Actor() {
			continue
		}
		if e.Kind == kg.Organization && e.Classification == kg.MediaOutlet && (publisher == nil || e.ID != publisher.ID) {
			r.rel(si, "cites-outlet", 0.7, kg.Cites, art, e, "")
		}
		r.rel(si, "mentions", 0.9, kg.Mentions, art, e, "")
	}
	for _, f := range r.facts {
		if f.Entity != nil && (f.Entity.Kind == kg.Organization || f.Entity.Kind == kg.Country) {
			r.facts = append(r.facts, Fact{Relationship: &kg.Relationship{ID: kg.RelationshipID(kg.Mentions, art.ID, f.Entity.ID, ""), Type: kg.Mentions, From: art.ID, To: f.Entity.ID}, Sentence: f.Sentence, Rule: "mentions", Confidence: 0.8})
		}
	}
}

var modals = map[string]bool{"must": true, "will": true, "would": true, "could": true, "should": true, "may": true, "might": true, "can": true, "to": true}

// hypothetical reports whether the trigger at i is governed by a modal
// within three words ("must still be approved", "could be arrested").
func hypothetical(ws []string, i int) bool {
	for k := max(0, i-3); k < i; k++ {
		if modals[ws[k]] {
			return true
		}
	}
	return false
}

// clauseBreak reports whether words contain the end of a clause.
func clauseBreak(ws []string) bool {
	for _, w := range ws {
		switch w {
		case ",", ";", "that", "but", ":", "--", "—":
			return true
		}
	}
	return false
}
