// Package relate reads relationships, allegations, statements and events
// out of sentences whose names are already resolved to entities. Each rule
// is a pattern of the way news writes a fact ("China's consul-general in
// Toronto, Han Tao"; "X has been accused of"; "'...,' Mr Dong said"),
// matched on the sentence with its names masked as placeholders, so that
// one rule serves any names.
package relate

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/polgraph/polgraph/internal/extract/coref"
	"github.com/polgraph/polgraph/internal/extract/lexicon"
	"github.com/polgraph/polgraph/internal/extract/link"
	"github.com/polgraph/polgraph/internal/extract/ner"
	"github.com/polgraph/polgraph/internal/extract/segment"
	"github.com/polgraph/polgraph/internal/kg"
)

// Input is an article read so far.
type Input struct {
	Article   string // id of the ARTICLE entity
	Outlet    string // id of its outlet, "" when unknown
	Published kg.Date
	Sentences []segment.Sentence
	Mentions  []ner.Mention
	Of        []int // mention -> chain (-1: none)
	Chains    []coref.Chain
	Links     []link.Link // per chain
}

// Fact is one thing read: an entity (an allegation, a statement, an event,
// an organisation a rule built) or a relationship, with the sentence that
// supports it.
type Fact struct {
	Entity       *kg.Entity
	Relationship *kg.Relationship
	Sentence     int
	Rule         string
	Confidence   float64
}

type reader struct {
	in    *Input
	facts []Fact
	// masked sentences and what their placeholders stand for
	masked [][]string // per sentence, per token: the masked word
	tokOf  [][]int    // per sentence, per token: the chain it belongs to, -1
	places [][]string // per sentence: place names by placeholder index
	built  map[string]*kg.Entity
	// allegations by accused entity id
	allegations map[string]*kg.Entity
	lastAlleg   *kg.Entity
	lastSpeaker string
	events      []*eventRec
	cur         int // the sentence being read
}

type eventRec struct {
	e        *kg.Entity
	sentence int
	parts    []string
}

// Relate runs every rule over every sentence.
func Relate(in *Input) []Fact {
	r := &reader{in: in, built: map[string]*kg.Entity{}, allegations: map[string]*kg.Entity{}}
	r.mask()
	for si := range in.Sentences {
		if in.Sentences[si].Headline {
			continue
		}
		r.sentence(si)
	}
	r.titles()
	r.article()
	return r.facts
}

// ph is a placeholder: ⟨p3⟩ for chain 3 (a person), ⟨o3⟩ an organisation,
// ⟨c3⟩ a country, ⟨l0⟩ the sentence's first place.
var phRe = regexp.MustCompile(`⟨([pocl])(\d+)⟩`)

func (r *reader) mask() {
	in := r.in
	r.masked = make([][]string, len(in.Sentences))
	r.tokOf = make([][]int, len(in.Sentences))
	r.places = make([][]string, len(in.Sentences))
	for si, s := range in.Sentences {
		ws := make([]string, len(s.Tokens))
		of := make([]int, len(s.Tokens))
		for i, t := range s.Tokens {
			w := strings.ToLower(t.Text)
			w = strings.NewReplacer("’", "'", "“", "\"", "”", "\"", "‘", "'").Replace(w)
			ws[i], of[i] = w, -1
		}
		r.masked[si], r.tokOf[si] = ws, of
	}
	for mi, m := range in.Mentions {
		ws := r.masked[m.Sentence]
		c := in.Of[mi]
		var ph string
		switch {
		case c >= 0:
			k := map[kg.Kind]string{kg.Person: "p", kg.Organization: "o", kg.Country: "c"}[in.Chains[c].Kind]
			if k == "" {
				continue
			}
			ph = "⟨" + k + strconv.Itoa(c) + "⟩"
		case m.Kind == "" && !m.Unknown:
			ph = "⟨l" + strconv.Itoa(len(r.places[m.Sentence])) + "⟩"
			r.places[m.Sentence] = append(r.places[m.Sentence], m.Text)
		default:
			continue
		}
		ws[m.Tok0] = ph
		for k := m.Tok0; k < m.Tok1; k++ {
			r.tokOf[m.Sentence][k] = c
			if k > m.Tok0 {
				ws[k] = ""
			}
		}
	}
}

// text is the masked sentence, words joined by single spaces.
func (r *reader) text(si int) string {
	var b strings.Builder
	for _, w := range r.masked[si] {
		if w == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	return b.String()
}

func (r *reader) ent(c int) *kg.Entity     { return &r.in.Links[c].Entity }
func (r *reader) chain(c int) *coref.Chain { return &r.in.Chains[c] }

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

func (r *reader) rel(si int, rule string, conf float64, t kg.RelType, from, to *kg.Entity, role string) *kg.Relationship {
	if from == nil || to == nil || from.ID == to.ID {
		return nil
	}
	rl, _ := kg.RuleFor(t)
	if ok, _ := rl.From.Allows(from); !ok {
		return nil
	}
	if ok, _ := rl.To.Allows(to); !ok {
		return nil
	}
	rel := &kg.Relationship{Type: t, From: from.ID, To: to.ID, Role: role}
	rel.ID = kg.RelationshipID(t, from.ID, to.ID, role)
	r.facts = append(r.facts, Fact{Relationship: rel, Sentence: si, Rule: rule, Confidence: conf})
	return rel
}

func (r *reader) entity(si int, rule string, conf float64, e *kg.Entity) *kg.Entity {
	if old, ok := r.built[e.ID]; ok {
		return old
	}
	r.built[e.ID] = e
	r.facts = append(r.facts, Fact{Entity: e, Sentence: si, Rule: rule, Confidence: conf})
	return e
}

// placeholder decoding
func (r *reader) actor(kind, idx string) *kg.Entity {
	if kind == "l" || kind == "" {
		return nil
	}
	return r.ent(atoi(idx))
}

// pronoun resolves he/she/him/her/his at byte offset pos of sentence si's
// masked text to the latest person named before it (in the sentence, then
// in earlier sentences, the first person of the nearest one).
func (r *reader) pronoun(si int, text string, pos int) *kg.Entity {
	var last *kg.Entity
	for _, m := range phRe.FindAllStringSubmatchIndex(text[:pos], -1) {
		if text[m[2]:m[3]] == "p" {
			last = r.ent(atoi(text[m[4]:m[5]]))
		}
	}
	if last != nil {
		return last
	}
	for s := si - 1; s >= 0 && s >= si-4; s-- {
		for k, c := range r.tokOf[s] {
			if c >= 0 && r.chain(c).Kind == kg.Person && (k == 0 || r.tokOf[s][k-1] != c) {
				return r.ent(c)
			}
		}
	}
	return nil
}

// subject decodes a SUBJ capture: a placeholder or a pronoun.
func (r *reader) subject(si int, text string, m []int, kind, idx, pron int) *kg.Entity {
	if m[kind*2] >= 0 {
		return r.actor(text[m[kind*2]:m[kind*2+1]], text[m[idx*2]:m[idx*2+1]])
	}
	if pron >= 0 && m[pron*2] >= 0 {
		return r.pronoun(si, text, m[pron*2])
	}
	return nil
}

const subj = `(?:⟨([poc])(\d+)⟩|\b(he|she)\b)`

// psubj is subj for a person only (who leaves or joins a party).
const psubj = `(?:⟨(p)(\d+)⟩|\b(he|she)\b)`

var roleAlt = func() string {
	var ks []string
	for k, v := range lexicon.Roles {
		if v.Rel != "" {
			ks = append(ks, regexp.QuoteMeta(k))
		}
	}
	slices.SortFunc(ks, func(a, b string) int { return len(b) - len(a) })
	return "(" + strings.Join(ks, "|") + ")"
}()

var (
	// China's consul-general in Toronto, Han Tao | Hungary's foreign minister, Peter Szijjarto
	possApposRe = regexp.MustCompile(`⟨([co])(\d+)⟩ 's (?:[a-z-]+ ){0,2}?` + roleAlt + `(?: of ([a-z]+(?: and [a-z]+| [a-z]+)?))?(?: (?:in|to|at) (?:⟨([lc])(\d+)⟩))? , (?:the )?⟨p(\d+)⟩`)
	// Peter Szijjarto, Hungary's foreign minister | X, the ambassador of Y
	apposPossRe = regexp.MustCompile(`⟨p(\d+)⟩ , (?:the |a |who is )?(?:⟨([co])(\d+)⟩ 's (?:[a-z-]+ ){0,2}?` + roleAlt + `(?: of ([a-z]+(?: and [a-z]+)?))?(?: (?:in|to) ⟨([lc])(\d+)⟩)?|(?:[a-z-]+ ){0,2}?` + roleAlt + `(?: (?:of|for|at|in|to) (?:the )?⟨([co])(\d+)⟩))`)
	// the Estonian finance minister, Karin Vaher
	demonymApposRe = regexp.MustCompile(`(?:^|\bthe |\ba |, )([a-z]+) ` + roleAlt + ` , ⟨p(\d+)⟩`)
	// Mr Asante, 61, who leads the National Democratic Congress
	leadsVerbRe = regexp.MustCompile(subj + ` (?:, \d+ )?(?:, (?:who|which) )?(?:now |also )?(?:leads|led|heads|headed|chairs|chaired|founded) (?:the )?⟨o(\d+)⟩`)
	// X was sworn in as Ghana's president | became prime minister of Y | appointed X, ..., as finance minister
	becameRe      = regexp.MustCompile(subj + ` (?:[a-z]+ ){0,3}?(?:sworn in as|became|was elected|was re-elected|was named|was appointed|took office as|installed as) (?:the )?(?:(?:new|next|first|interim|acting) )?(?:⟨c(\d+)⟩ 's )?(?:new )?` + roleAlt + `(?: of (?:the )?⟨([co])(\d+)⟩)?`)
	appointedAsRe = regexp.MustCompile(`\b(?:appointed|named|nominated|chose|picked) ⟨p(\d+)⟩ (?:, [^,]{1,60} , )?as (?:the )?(?:new )?(?:⟨c(\d+)⟩ 's )?` + roleAlt + `(?: of (?:the )?⟨([co])(\d+)⟩)?`)
	// the former president, John Boateng
	descApposRe = regexp.MustCompile(`(?:^|\bthe |\ba )(?:(?:former|new|outgoing|incoming|current|then|acting|interim|late) )?` + roleAlt + ` , ⟨p(\d+)⟩`)
	// police accused him of ...
	activeAccuseRe = regexp.MustCompile(`\b(?:accused|accuses|accuse|accusing|suspect|suspects|suspected) (?:⟨([poc])(\d+)⟩|(him|her|them)) of\b`)
	// Huawei senior executive Meng Wanzhou | Canada MP Han Dong | French President X
	prefixRoleRe = regexp.MustCompile(`(?:⟨([co])(\d+)⟩|\b([a-z]+)) (?:'s )?(?:(?:senior|former|deputy|acting|interim|new|top|veteran|opposition|ruling|foreign|then|chief|outgoing|incoming|junior|longtime|long-time) )?` + roleAlt + ` ⟨p(\d+)⟩`)
	// Prime Minister Justin Trudeau's governing Liberal Party
	possPartyRe = regexp.MustCompile(`⟨p(\d+)⟩ 's (?:(?:governing|ruling|own|opposition|centre-right|centre-left|right-wing|left-wing|conservative|populist|nationalist|new) )*⟨o(\d+)⟩`)
	// spokesman for China's minister of foreign affairs, Wang Wenbin
	spokesRe      = regexp.MustCompile(`spokes(?:man|woman|person) for (?:the )?(?:⟨([co])(\d+)⟩(?: 's (minister of [a-z]+(?: and [a-z]+| [a-z]+)?|foreign minister|foreign ministry|ministry of [a-z]+(?: [a-z]+)?))?)(?: , ⟨p(\d+)⟩)?`)
	spokesBefore  = regexp.MustCompile(`spokes(?:man|woman|person) for (?:the )?$`)
	spokesAfterRe = regexp.MustCompile(`⟨p(\d+)⟩ , (?:a |the )?(?:[a-z]+ )?spokes(?:man|woman|person) for (?:the )?⟨([oc])(\d+)⟩`)

	leaveRe         = regexp.MustCompile(psubj + ` (?:[a-z]+ ){0,3}?(leave|leaves|left|leaving|quit|quits|quitting|resigned from|resigns from|resign from|defected from|defect from|defects from|step down from|stepped down from|steps down from|expelled from|kicked out of|withdrew from|withdraw from|exit|exits|exited)(?: (?:[a-z']+|⟨[pc]\d+⟩)){0,5}? ⟨o(\d+)⟩`)
	joinRe          = regexp.MustCompile(psubj + ` (?:[a-z]+ ){0,3}?(join|joins|joined|joining|rejoined|rejoins|defected to|defects to|switched to|crossed the floor to)(?: [a-z']+){0,5}? ⟨o(\d+)⟩`)
	memberRe        = regexp.MustCompile(subj + ` (?:, |is |was |has been |remains )(?:a |an )?(?:[a-z]+ )?(?:member|mp|lawmaker|senator|deputy) (?:of|for|in) (?:the )?⟨o(\d+)⟩`)
	partyRoleRe     = regexp.MustCompile(`⟨o(\d+)⟩ (mp|lawmaker|senator|deputy|member|politician|candidate|leader|chairman|chairwoman|chair|mep)s? ⟨p(\d+)⟩`)
	personOfPartyRe = regexp.MustCompile(`⟨p(\d+)⟩ (?:, )?(?:of|from) (?:the )?⟨o(\d+)⟩`)
	electedRe       = regexp.MustCompile(subj + ` (?:, who )?(?:was |has been |had been |were |first )?(?:re-)?elected (?:to|as an? mp for|in) (?:(?:the )?⟨o(\d+)⟩|parliament|the legislature)`)

	accusedRe     = regexp.MustCompile(subj + ` (?:has |have |had |was |were |is |are |being |been )*(?:accused|suspected|charged|alleged|investigated|under investigation)\b`)
	allegedlyRe   = regexp.MustCompile(subj + ` (?:allegedly|reportedly|is alleged to|was alleged to|is said to have|was said to have)\b`)
	claimsRe      = regexp.MustCompile(`\b(?:allegations?|accusations?|claims?|reports?|concerns?|suspicions?|fears?|evidence)(?: (?:that|of [a-z]+ by|against|of))? (?:the [a-z]+ )?(?:⟨([poc])(\d+)⟩|\b(he|she|him|her)\b)`)
	deniedRe      = regexp.MustCompile(subj + ` (?:[a-z]+ ){0,2}?(?:denied|denies|deny|rejected|rejects|dismissed|dismisses|refuted|refutes|rebuffed)(?: (?:the|these|those|all|any|such|an|a))?(?: [a-z-]+)? (?:allegations?|accusations?|claims?|charges?|reports?|wrongdoing|suggestions?)(?: (?:against|about|of) (?:⟨([poc])(\d+)⟩|(him|her|them|it)))?`)
	deniedThatRe  = regexp.MustCompile(subj + ` (?:(?:[a-z,]+|⟨[poc]\d+⟩) ){0,16}?(?:denied|denies|deny|rejected|rejects) that (?:⟨([poc])(\d+)⟩|(it|he|she|they)\b)`)
	groundlessRe  = regexp.MustCompile(`\b(?:claims?|allegations?|accusations?|reports?|suggestions?|charges?)\b(?: of [a-z]+ by ⟨([poc])(\d+)⟩)?[^⟨]{0,80}?\b(?:are|is|were|was|be)\b (?:[a-z]+ )?(?:groundless|baseless|false|untrue|unfounded|fabricated|nonsense|lies|smears?|absurd|ridiculous)\b`)
	whichDeniedRe = regexp.MustCompile(`\b(?:which|a claim|claims|an allegation|allegations|accusations|a charge|charges|an accusation)(?: that)? (he|she) (?:has |had |strongly |flatly )?(?:denied|denies|rejected|rejects|dismissed|dismisses|disputed|disputes)\b`)
	calledRe      = regexp.MustCompile(subj + ` (?:, )?(?:[a-z]+ ){0,2}?(?:called|described|branded|dismissed) the (?:allegations?|accusations?|claims?|charges?|case|reports?|investigation) (?:as )?(?:[a-z]+ )?(?:politically motivated|baseless|groundless|false|absurd|fabricated|unfounded|a witch hunt|a smear|lies|nonsense)`)
	quoteDenyRe   = regexp.MustCompile(`\b(?:false|untrue|groundless|baseless|unfounded|fabricated|lies|smear)\b`)

	reportRe = regexp.MustCompile(`\b(?:reports?|reported|reporting|according to|citing|investigation|revealed|published by|told|confirmed to|statement to|interview with)\b`)
	sourceRe = regexp.MustCompile(`^(?:source|sources|credit) :? ⟨o(\d+)⟩$|^\( ?⟨o(\d+)⟩ ?\)|^by [a-z ]+ , ⟨o(\d+)⟩`)
)

func (r *reader) roleTarget(si int, role string, poss *kg.Entity, portfolio, placeKind, placeIdx string) (kg.RelType, *kg.Entity) {
	rl := lexicon.Roles[role]
	var country *lexicon.CountryInfo
	if poss != nil && poss.Kind == kg.Country {
		country, _ = lexicon.Country(poss.Name)
	}
	switch {
	case rl.Class == kg.DiplomaticMission && country != nil:
		kind := "Embassy"
		if strings.HasPrefix(role, "consul") {
			kind = "Consulate"
		}
		place := ""
		if placeKind == "l" {
			if ps := r.places[si]; atoi(placeIdx) < len(ps) {
				place = ps[atoi(placeIdx)]
			}
		} else if placeKind == "c" {
			place = r.ent(atoi(placeIdx)).Name
		}
		m := r.mission(si, kind, country, place)
		r.rel(si, "mission-represents", 0.8, kg.Represents, m, poss, "")
		return kg.HoldsPosition, m
	case rl.Class == kg.Ministry && country != nil:
		p := strings.TrimSpace(portfolio)
		if w := strings.Fields(role); len(w) == 2 && w[1] == "minister" {
			p = lexicon.Portfolios[w[0]]
		}
		if p == "" {
			return kg.HoldsPosition, poss
		}
		m := r.builtOrg(si, lexicon.MinistryName(p, country), kg.Ministry)
		r.rel(si, "ministry-part-of", 0.8, kg.PartOf, m, poss, "")
		return kg.HoldsPosition, m
	case rl.Class == kg.Legislature && country != nil:
		return kg.MemberOf, r.legislature(country)
	}
	return rl.Rel, poss
}

// office records that who holds role at at; with at unknown, a role held
// at a country (president, prime minister, minister) is taken to be held at
// the article's country when it names exactly one.
func (r *reader) office(si int, rule string, who *kg.Entity, role string, at *kg.Entity) {
	if who == nil || role == "" {
		return
	}
	if at == nil {
		at = r.onlyCountry()
		if at == nil {
			return
		}
	}
	typ, to := r.roleTarget(si, role, at, "", "", "")
	r.rel(si, rule, 0.7, typ, who, to, roleName(role))
}

// onlyCountry is the article's country when it names exactly one.
func (r *reader) onlyCountry() *kg.Entity {
	var found *kg.Entity
	for c := range r.in.Chains {
		if r.in.Chains[c].Kind == kg.Country {
			if found != nil {
				return nil
			}
			found = r.ent(c)
		}
	}
	return found
}

// titles gives the people whose titles are offices held at a country
// ("President Samuel Otieno", "Vice-President Ama Owusu") that office at
// the article's one country, unless a rule already placed them.
func (r *reader) titles() {
	country := r.onlyCountry()
	if country == nil {
		return
	}
	placed := map[string]bool{}
	for _, f := range r.facts {
		if rel := f.Relationship; rel != nil && (rel.Type == kg.Leads || rel.Type == kg.HoldsPosition) {
			placed[rel.From] = true
		}
	}
	for mi, m := range r.in.Mentions {
		c := r.in.Of[mi]
		if c < 0 || m.Title == "" || m.Headline || r.in.Chains[c].Kind != kg.Person {
			continue
		}
		rl := lexicon.Roles[m.Title]
		if rl.Class != "" || (rl.Rel != kg.Leads && rl.Rel != kg.HoldsPosition) || placed[r.ent(c).ID] {
			continue
		}
		switch m.Title {
		case "chairman", "chairwoman", "mayor", "governor", "director", "chief":
			continue // offices of a body or a city, not of the state
		}
		placed[r.ent(c).ID] = true
		r.rel(m.Sentence, "title-of-country", 0.6, rl.Rel, r.ent(c), country, roleName(m.Title))
	}
}

// mission is a country's mission: the article's own mission of that
// country when it names one ("the Russian embassy in Oslo" for "Russia's
// ambassador to Norway"), else one built from the role.
func (r *reader) mission(si int, kind string, country *lexicon.CountryInfo, place string) *kg.Entity {
	prefix := kg.NormalizeName(lexicon.MissionName(kind, country, ""))
	for c := range r.in.Chains {
		if ch := &r.in.Chains[c]; ch.Kind == kg.Organization && ch.Class == kg.DiplomaticMission && strings.HasPrefix(kg.NormalizeName(ch.Name), prefix) {
			return r.ent(c)
		}
	}
	return r.builtOrg(si, lexicon.MissionName(kind, country, place), kg.DiplomaticMission)
}

// builtOrg is an organisation a rule names: the chain of that name when
// the article has one, else a new entity.
func (r *reader) builtOrg(si int, name string, class kg.OrgClass) *kg.Entity {
	n := kg.NormalizeName(name)
	for c := range r.in.Chains {
		for _, x := range r.in.Chains[c].Names {
			if kg.NormalizeName(x) == n {
				return r.ent(c)
			}
		}
	}
	return r.entity(si, "role-organisation", 0.7, &kg.Entity{ID: link.Slug(name), Kind: kg.Organization, Name: name, Classification: class})
}

// legislature is the article's one legislature (of the country when it
// says), or nil.
func (r *reader) legislature(country *lexicon.CountryInfo) *kg.Entity {
	var found *kg.Entity
	for c := range r.in.Chains {
		ch := &r.in.Chains[c]
		if ch.Kind == kg.Organization && ch.Class == kg.Legislature {
			if found != nil {
				return nil
			}
			found = r.ent(c)
		}
	}
	return found
}

func (r *reader) sentence(si int) {
	r.cur = si
	t := r.text(si)
	date := DateIn(t, r.in.Published)
	get := func(m []int, i int) string {
		if m[2*i] < 0 {
			return ""
		}
		return t[m[2*i]:m[2*i+1]]
	}
	// Roles.
	for _, m := range possApposRe.FindAllStringSubmatchIndex(t, -1) {
		if spokesBefore.MatchString(t[:m[0]]) {
			continue // "a spokesman for China's foreign minister, X": X is the spokesman
		}
		poss := r.actor(get(m, 1), get(m, 2))
		person := r.ent(atoi(get(m, 7)))
		role := get(m, 3)
		typ, to := r.roleTarget(si, role, poss, get(m, 4), get(m, 5), get(m, 6))
		r.rel(si, "role-possessive-apposition", 0.85, typ, person, to, roleName(role))
	}
	for _, m := range demonymApposRe.FindAllStringSubmatchIndex(t, -1) {
		// "the Estonian finance minister, Karin Vaher"
		c, how := lexicon.Country(get(m, 1))
		if c == nil || how != "demonym" || spokesBefore.MatchString(t[:m[0]]) {
			continue
		}
		typ, to := r.roleTarget(si, get(m, 2), r.countryEntity(c), "", "", "")
		r.rel(si, "role-demonym-apposition", 0.8, typ, r.ent(atoi(get(m, 3))), to, roleName(get(m, 2)))
	}
	for _, m := range leadsVerbRe.FindAllStringSubmatchIndex(t, -1) {
		r.rel(si, "leads-verb", 0.8, kg.Leads, r.subject(si, t, m, 1, 2, 3), r.ent(atoi(get(m, 4))), "")
	}
	for _, m := range becameRe.FindAllStringSubmatchIndex(t, -1) {
		who := r.subject(si, t, m, 1, 2, 3)
		var at *kg.Entity
		if get(m, 4) != "" {
			at = r.ent(atoi(get(m, 4)))
		} else if get(m, 6) != "" {
			at = r.actor(get(m, 6), get(m, 7))
		}
		r.office(si, "became-role", who, get(m, 5), at)
	}
	for _, m := range appointedAsRe.FindAllStringSubmatchIndex(t, -1) {
		var at *kg.Entity
		if get(m, 2) != "" {
			at = r.ent(atoi(get(m, 2)))
		} else if get(m, 4) != "" {
			at = r.actor(get(m, 4), get(m, 5))
		}
		r.office(si, "appointed-as", r.ent(atoi(get(m, 1))), get(m, 3), at)
	}
	for _, m := range descApposRe.FindAllStringSubmatchIndex(t, -1) {
		if spokesBefore.MatchString(t[:m[0]]) {
			continue
		}
		// Preceded by a country's possessive or a demonym, the rules above
		// have it; here the role stands alone ("the former president, X").
		if m[0] > 0 && strings.HasSuffix(t[:m[0]], "'s ") {
			continue
		}
		r.office(si, "role-apposition-bare", r.ent(atoi(get(m, 2))), get(m, 1), nil)
	}
	for _, m := range apposPossRe.FindAllStringSubmatchIndex(t, -1) {
		person := r.ent(atoi(get(m, 1)))
		if get(m, 4) != "" {
			poss := r.actor(get(m, 2), get(m, 3))
			typ, to := r.roleTarget(si, get(m, 4), poss, get(m, 5), get(m, 6), get(m, 7))
			r.rel(si, "role-apposition", 0.8, typ, person, to, roleName(get(m, 4)))
		} else if get(m, 8) != "" {
			org := r.actor(get(m, 9), get(m, 10))
			typ, to := r.roleTarget(si, get(m, 8), org, "", "", "")
			r.rel(si, "role-apposition-of", 0.8, typ, person, to, roleName(get(m, 8)))
		}
	}
	for _, m := range prefixRoleRe.FindAllStringSubmatchIndex(t, -1) {
		person := r.ent(atoi(get(m, 5)))
		role := get(m, 4)
		var poss *kg.Entity
		if get(m, 1) != "" {
			poss = r.actor(get(m, 1), get(m, 2))
		} else if c, how := lexicon.Country(get(m, 3)); c != nil && how == "demonym" {
			poss = r.countryEntity(c)
		}
		if poss == nil {
			continue
		}
		rl := lexicon.Roles[role]
		if poss.Kind == kg.Organization && rl.Class == kg.Legislature && poss.Classification == kg.Party {
			r.rel(si, "party-role-prefix", 0.8, kg.MemberOf, person, poss, "")
			continue
		}
		typ, to := r.roleTarget(si, role, poss, "", "", "")
		if poss.Kind == kg.Organization && rl.Class != "" && rl.Class != poss.Classification && rl.Class != kg.Company {
			continue
		}
		r.rel(si, "role-prefix", 0.75, typ, person, to, roleName(role))
	}
	for _, m := range possPartyRe.FindAllStringSubmatchIndex(t, -1) {
		person, party := r.ent(atoi(get(m, 1))), r.ent(atoi(get(m, 2)))
		if party.Classification != kg.Party {
			continue
		}
		role := "leader"
		for _, ti := range r.chain(atoi(get(m, 1))).Titles {
			if rl := lexicon.Roles[ti]; rl.Rel == kg.Leads {
				role = ti
				break
			}
		}
		r.rel(si, "leader-possessive-party", 0.75, kg.Leads, person, party, titleCase(role))
	}
	for _, m := range spokesRe.FindAllStringSubmatchIndex(t, -1) {
		if get(m, 4) == "" {
			continue
		}
		person := r.ent(atoi(get(m, 4)))
		target := r.actor(get(m, 1), get(m, 2))
		if body := get(m, 3); body != "" && target != nil && target.Kind == kg.Country {
			c, _ := lexicon.Country(target.Name)
			p := strings.TrimPrefix(strings.TrimPrefix(body, "minister of "), "ministry of ")
			if strings.HasPrefix(body, "foreign") {
				p = "foreign affairs"
			}
			if c != nil {
				min := r.builtOrg(si, lexicon.MinistryName(p, c), kg.Ministry)
				r.rel(si, "ministry-part-of", 0.8, kg.PartOf, min, target, "")
				target = min
			}
		}
		r.rel(si, "spokesperson-apposition", 0.8, kg.SpokespersonFor, person, target, "")
	}
	for _, m := range spokesAfterRe.FindAllStringSubmatchIndex(t, -1) {
		r.rel(si, "spokesperson-apposition", 0.8, kg.SpokespersonFor, r.ent(atoi(get(m, 1))), r.actor(get(m, 2), get(m, 3)), "")
	}
	// Membership.
	for _, m := range leaveRe.FindAllStringSubmatchIndex(t, -1) {
		who := r.subject(si, t, m, 1, 2, 3)
		org := r.ent(atoi(get(m, 5)))
		if who == nil || org.Kind != kg.Organization || (org.Classification != kg.Party && org.Classification != kg.Legislature && org.Classification != kg.Government) {
			continue
		}
		if rel := r.rel(si, "membership-departure", 0.8, kg.MemberOf, who, org, ""); rel != nil {
			rel.Until = date
		}
		verb := get(m, 4)
		typ := "departure"
		if strings.Contains(verb, "expel") || strings.Contains(verb, "kicked") {
			typ = "expulsion"
		}
		r.event(si, typ, date, []*kg.Entity{who, org}, false)
	}
	for _, m := range joinRe.FindAllStringSubmatchIndex(t, -1) {
		who := r.subject(si, t, m, 1, 2, 3)
		org := r.ent(atoi(get(m, 5)))
		if who == nil || org.Kind != kg.Organization || org.Classification == kg.MediaOutlet {
			continue
		}
		if rel := r.rel(si, "membership-joining", 0.75, kg.MemberOf, who, org, ""); rel != nil {
			rel.Since = date
		}
	}
	for _, m := range memberRe.FindAllStringSubmatchIndex(t, -1) {
		r.rel(si, "membership-apposition", 0.8, kg.MemberOf, r.subject(si, t, m, 1, 2, 3), r.ent(atoi(get(m, 4))), "")
	}
	for _, m := range personOfPartyRe.FindAllStringSubmatchIndex(t, -1) {
		// "Opposition leader Ruth Achieng of the Orange Democratic Movement"
		person, org := r.ent(atoi(get(m, 1))), r.ent(atoi(get(m, 2)))
		if org.Classification != kg.Party {
			continue
		}
		typ, role := kg.MemberOf, ""
		for _, ti := range r.chain(atoi(get(m, 1))).Titles {
			if rl := lexicon.Roles[ti]; rl.Rel == kg.Leads && (rl.Class == kg.Party || rl.Class == "") && ti != "president" && ti != "prime minister" {
				typ, role = kg.Leads, ti
			}
		}
		r.rel(si, "person-of-party", 0.7, typ, person, org, role)
	}
	for _, m := range partyRoleRe.FindAllStringSubmatchIndex(t, -1) {
		org, person := r.ent(atoi(get(m, 1))), r.ent(atoi(get(m, 3)))
		typ := kg.MemberOf
		if rl := lexicon.Roles[get(m, 2)]; rl.Rel == kg.Leads {
			typ = kg.Leads
		}
		if org.Classification == kg.Party {
			r.rel(si, "party-role-prefix", 0.8, typ, person, org, "")
		}
	}
	for _, m := range electedRe.FindAllStringSubmatchIndex(t, -1) {
		who := r.subject(si, t, m, 1, 2, 3)
		var org *kg.Entity
		if get(m, 4) != "" {
			org = r.ent(atoi(get(m, 4)))
		} else {
			org = r.legislature(nil)
		}
		if org != nil && org.Classification == kg.Legislature {
			if rel := r.rel(si, "membership-elected", 0.75, kg.MemberOf, who, org, "MP"); rel != nil {
				rel.Since = DateIn(t[m[1]:], r.in.Published)
			}
		}
	}
	// Allegations.
	var accusedHere []*kg.Entity
	accuse := func(who *kg.Entity, rule string) {
		if who == nil || who.Kind == kg.Organization && who.Classification == kg.MediaOutlet {
			return
		}
		a := r.allegation(si, who, rule)
		if !slices.Contains(accusedHere, who) {
			accusedHere = append(accusedHere, who)
		}
		r.lastAlleg = a
	}
	for _, m := range accusedRe.FindAllStringSubmatchIndex(t, -1) {
		accuse(r.subject(si, t, m, 1, 2, 3), "accused-of")
	}
	for _, m := range activeAccuseRe.FindAllStringSubmatchIndex(t, -1) {
		accuse(r.subject(si, t, m, 1, 2, 3), "accused-active")
	}
	for _, m := range allegedlyRe.FindAllStringSubmatchIndex(t, -1) {
		accuse(r.subject(si, t, m, 1, 2, 3), "allegedly")
	}
	direct := len(accusedHere) > 0
	for _, m := range claimsRe.FindAllStringSubmatchIndex(t, -1) {
		// "the allegations against him" in a denial is the denier's own.
		if deniedRe.MatchString(t) && get(m, 3) != "" {
			continue
		}
		accuse(r.subject(si, t, m, 1, 2, 3), "allegations-that")
	}
	// Who else the accusation names is involved in it.
	if direct {
		for _, c := range r.chainsIn(si, false) {
			e := r.ent(c)
			if slices.Contains(accusedHere, e) || e.Kind == kg.Country || e.Classification == kg.MediaOutlet || r.afterBy(si, c) {
				continue
			}
			r.rel(si, "involved-in-accusation", 0.6, kg.InvolvedIn, e, r.lastAlleg, "")
		}
	}
	// Denials.
	for _, m := range deniedRe.FindAllStringSubmatchIndex(t, -1) {
		who := r.subject(si, t, m, 1, 2, 3)
		var target *kg.Entity
		switch {
		case get(m, 4) != "":
			target = r.allegation(si, r.actor(get(m, 4), get(m, 5)), "denied-allegations")
		case get(m, 6) != "" && who != nil:
			target = r.allegation(si, who, "denied-allegations")
		case who != nil && r.allegations[who.ID] != nil:
			target = r.allegations[who.ID]
		default:
			target = r.lastAlleg
		}
		r.rel(si, "denied-allegations", 0.8, kg.DeniedBy, who, target, "")
	}
	for _, m := range calledRe.FindAllStringSubmatchIndex(t, -1) {
		// "His lawyer, X, called the charges politically motivated."
		if who := r.subject(si, t, m, 1, 2, 3); who != nil {
			r.deny(si, who, nil, "called-baseless", 0.7)
		}
	}
	for _, m := range whichDeniedRe.FindAllStringSubmatchIndex(t, -1) {
		// "..., which she denied"; "a claim he rejected".
		who := r.pronoun(si, t, m[2])
		r.deny(si, who, nil, "denied-relative", 0.7)
	}
	for _, m := range deniedThatRe.FindAllStringSubmatchIndex(t, -1) {
		// The denier is the sentence's first person, else its subject.
		who := r.subject(si, t, m, 1, 2, 3)
		if pm := phRe.FindAllStringSubmatch(t[:m[1]], -1); pm != nil && get(m, 6) == "" {
			for _, x := range pm {
				if x[1] == "p" {
					who = r.ent(atoi(x[2]))
					break
				}
			}
		}
		acc := r.actor(get(m, 4), get(m, 5))
		if get(m, 6) != "" {
			acc = who // "Moscow denied that it had ..."
		}
		if acc == nil {
			continue
		}
		a := r.allegation(si, acc, "denied-that")
		r.rel(si, "denied-that", 0.75, kg.DeniedBy, who, a, "")
	}
	// Statements (also feed the "claims are groundless" denials).
	r.statements(si, t, date)
	// Reports and citations.
	if reportRe.MatchString(t) {
		for _, c := range r.chainsIn(si, false) {
			e := r.ent(c)
			if e.Classification != kg.MediaOutlet {
				continue
			}
			for _, acc := range accusedHere {
				r.rel(si, "reported-by", 0.75, kg.ReportedBy, r.allegations[acc.ID], e, "")
			}
		}
	}
	// Events.
	r.events2(si, t, date)
}

// roleName is a role as a relationship's role ("MP", "consul-general").
func roleName(role string) string {
	if role == "mp" {
		return "MP"
	}
	return role
}

func titleCase(s string) string {
	w := strings.Fields(s)
	for i := range w {
		w[i] = strings.ToUpper(w[i][:1]) + w[i][1:]
	}
	return strings.Join(w, " ")
}

// countryEntity is the article's chain for the country, or, when only its
// demonym is written ("the Estonian finance minister"), a new entity.
func (r *reader) countryEntity(c *lexicon.CountryInfo) *kg.Entity {
	for i := range r.in.Chains {
		if r.in.Chains[i].Kind == kg.Country && r.in.Links[i].Entity.Name == c.Name {
			return r.ent(i)
		}
	}
	if e, ok := r.built[link.Slug(c.Name)]; ok {
		return e
	}
	return r.entity(r.cur, "demonym-country", 0.6, &kg.Entity{ID: link.Slug(c.Name), Kind: kg.Country, Name: c.Name, CountryCode: c.Code})
}

// afterBy reports whether chain c's first mention in sentence si follows
// "by" (an accuser or a reporter, not someone involved).
func (r *reader) afterBy(si, c int) bool {
	for k, x := range r.tokOf[si] {
		if x == c {
			return k > 0 && r.masked[si][k-1] == "by"
		}
	}
	return false
}

// chainsIn lists the chains named in sentence si (outside quotes unless
// quoted), in order, once each.
func (r *reader) chainsIn(si int, quoted bool) []int {
	var out []int
	for mi, m := range r.in.Mentions {
		if m.Sentence != si || (m.Quoted && !quoted) {
			continue
		}
		if c := r.in.Of[mi]; c >= 0 && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

func (r *reader) allegation(si int, accused *kg.Entity, rule string) *kg.Entity {
	if accused == nil {
		return nil
	}
	if a, ok := r.allegations[accused.ID]; ok {
		return a
	}
	s := r.in.Sentences[si].Text
	a := &kg.Entity{ID: link.HashID("allegation", r.in.Article, accused.ID), Kind: kg.Allegation,
		Name: "Allegations against " + accused.Name, Summary: s, Status: kg.Alleged}
	r.allegations[accused.ID] = a
	r.entity(si, rule, 0.7, a)
	r.rel(si, rule, 0.75, kg.AccusedIn, accused, a, "")
	return a
}
