package kg

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"strings"
	"time"
)

// RelType is a relationship type from the fixed vocabulary. The spelling is
// the GraphQL RelationshipType enum's and the Neo4j relationship type's.
type RelType string

const (
	MemberOf        RelType = "MEMBER_OF"        // a person (or organization) belongs to a party, legislature, alliance
	Leads           RelType = "LEADS"            // a person leads an organization or country
	HoldsPosition   RelType = "HOLDS_POSITION"   // a person holds an office at an organization (role names it)
	PartOf          RelType = "PART_OF"          // an organization is part of another organization or a country
	Represents      RelType = "REPRESENTS"       // a mission, envoy or body represents a country or organization
	WorksFor        RelType = "WORKS_FOR"        // a person is employed by an organization
	SpokespersonFor RelType = "SPOKESPERSON_FOR" // a person speaks for an organization, person or country
	AccusedIn       RelType = "ACCUSED_IN"       // an actor is accused in an allegation
	InvolvedIn      RelType = "INVOLVED_IN"      // an actor is named in an allegation without being accused
	ReportedBy      RelType = "REPORTED_BY"      // an allegation, event or statement was reported by an outlet or article
	DeniedBy        RelType = "DENIED"           // an actor denied an allegation
	PublishedBy     RelType = "PUBLISHED_BY"     // an article was published by a media outlet
	Cites           RelType = "CITES"            // an article cites a source: an outlet, an article, an actor
	Mentions        RelType = "MENTIONS"         // an article mentions any entity
	ParticipatedIn  RelType = "PARTICIPATED_IN"  // an actor took part in an event
	Stated          RelType = "STATED"           // an actor made a statement
	About           RelType = "ABOUT"            // a statement or event concerns an entity
	CitizenOf       RelType = "CITIZEN_OF"       // a person is a national of a country

	// Mostly for imported data (FollowTheMoney, Popolo).
	Owns        RelType = "OWNS"         // an actor owns (a share of) an organization
	FamilyOf    RelType = "FAMILY_OF"    // a person is family of another (role: the relation)
	AssociateOf RelType = "ASSOCIATE_OF" // an actor is an associate of another
	RelatedTo   RelType = "RELATED_TO"   // any other tie; role names what it is (the FtM schema)
)

// RelTypes is the whole vocabulary, in a fixed order.
var RelTypes = []RelType{
	MemberOf, Leads, HoldsPosition, PartOf, Represents, WorksFor, SpokespersonFor,
	AccusedIn, InvolvedIn, ReportedBy, DeniedBy, PublishedBy, Cites, Mentions,
	ParticipatedIn, Stated, About, CitizenOf,
	Owns, FamilyOf, AssociateOf, RelatedTo,
}

// Valid reports whether t is in the vocabulary. Stores rely on it: a type is
// written into a query only after Valid said yes.
func (t RelType) Valid() bool {
	_, ok := rules[t]
	return ok
}

// ParseRelType accepts a type by its vocabulary spelling.
func ParseRelType(s string) (RelType, error) {
	t := RelType(s)
	if !t.Valid() {
		return "", fmt.Errorf("unknown relationship type %q", s)
	}
	return t, nil
}

// Endpoint describes what may stand at one end of a relationship: entities
// of these kinds, and, for organizations, of these classifications (none
// listed: any organization).
type Endpoint struct {
	Kinds   []Kind
	Classes []OrgClass
}

// Rule says which entities a relationship type may connect.
type Rule struct {
	From, To Endpoint
	Doc      string
}

var (
	actors    = []Kind{Person, Organization, Country}
	people    = []Kind{Person}
	orgs      = []Kind{Organization}
	anyKind   = Kinds
	reporters = []Kind{Organization, Article, Person}
)

var rules = map[RelType]Rule{
	MemberOf:        {From: Endpoint{Kinds: []Kind{Person, Organization, Country}}, To: Endpoint{Kinds: orgs}, Doc: "membership of a party, legislature or other body"},
	Leads:           {From: Endpoint{Kinds: people}, To: Endpoint{Kinds: []Kind{Organization, Country}}, Doc: "leadership of an organization or country"},
	HoldsPosition:   {From: Endpoint{Kinds: people}, To: Endpoint{Kinds: []Kind{Organization, Country}}, Doc: "an office held at an organization; role names it"},
	PartOf:          {From: Endpoint{Kinds: orgs}, To: Endpoint{Kinds: []Kind{Organization, Country}}, Doc: "an organization within another, or within a country's state"},
	Represents:      {From: Endpoint{Kinds: []Kind{Person, Organization}}, To: Endpoint{Kinds: []Kind{Organization, Country}}, Doc: "a mission or envoy representing a country or organization"},
	WorksFor:        {From: Endpoint{Kinds: people}, To: Endpoint{Kinds: orgs}, Doc: "employment"},
	SpokespersonFor: {From: Endpoint{Kinds: people}, To: Endpoint{Kinds: actors}, Doc: "speaking on behalf of an actor"},
	AccusedIn:       {From: Endpoint{Kinds: actors}, To: Endpoint{Kinds: []Kind{Allegation}}, Doc: "accused in an allegation"},
	InvolvedIn:      {From: Endpoint{Kinds: actors}, To: Endpoint{Kinds: []Kind{Allegation}}, Doc: "named in an allegation without being accused"},
	ReportedBy:      {From: Endpoint{Kinds: []Kind{Allegation, Event, Statement}}, To: Endpoint{Kinds: reporters}, Doc: "who reported an allegation, event or statement"},
	DeniedBy:        {From: Endpoint{Kinds: actors}, To: Endpoint{Kinds: []Kind{Allegation}}, Doc: "an actor denied an allegation"},
	PublishedBy:     {From: Endpoint{Kinds: []Kind{Article}}, To: Endpoint{Kinds: orgs, Classes: []OrgClass{MediaOutlet}}, Doc: "the outlet that published an article"},
	Cites:           {From: Endpoint{Kinds: []Kind{Article}}, To: Endpoint{Kinds: []Kind{Organization, Article, Person, Country, Dataset}}, Doc: "a source an article cites: an outlet, an article, an actor, a dataset"},
	Mentions:        {From: Endpoint{Kinds: []Kind{Article}}, To: Endpoint{Kinds: anyKind}, Doc: "an entity an article mentions"},
	ParticipatedIn:  {From: Endpoint{Kinds: actors}, To: Endpoint{Kinds: []Kind{Event}}, Doc: "taking part in an event"},
	Stated:          {From: Endpoint{Kinds: actors}, To: Endpoint{Kinds: []Kind{Statement}}, Doc: "the speaker of a statement"},
	About:           {From: Endpoint{Kinds: []Kind{Statement, Event}}, To: Endpoint{Kinds: anyKind}, Doc: "what a statement or event concerns"},
	CitizenOf:       {From: Endpoint{Kinds: people}, To: Endpoint{Kinds: []Kind{Country}}, Doc: "nationality"},
	Owns:            {From: Endpoint{Kinds: []Kind{Person, Organization}}, To: Endpoint{Kinds: orgs}, Doc: "ownership of (a share of) a company, organization or media outlet; role may give the share"},
	FamilyOf:        {From: Endpoint{Kinds: actors}, To: Endpoint{Kinds: actors}, Doc: "a family tie; role names the relation (spouse, child, ...)"},
	AssociateOf:     {From: Endpoint{Kinds: actors}, To: Endpoint{Kinds: actors}, Doc: "a known associate, business or personal"},
	RelatedTo:       {From: Endpoint{Kinds: anyKind}, To: Endpoint{Kinds: anyKind}, Doc: "any other tie, between entities of any kind; role names what it is (for imported data, the source's own name for it)"},
}

// RuleFor returns the rule of a relationship type.
func RuleFor(t RelType) (Rule, bool) {
	r, ok := rules[t]
	return r, ok
}

// Allows reports whether an entity may stand at this end, and if not, why.
func (ep Endpoint) Allows(e *Entity) (bool, string) { return ep.allows(e.Kind, e.Classification) }

// allows is Allows for an entity of that kind and classification: all an
// endpoint looks at.
func (ep Endpoint) allows(kind Kind, class OrgClass) (bool, string) {
	okKind := false
	for _, k := range ep.Kinds {
		if k == kind {
			okKind = true
			break
		}
	}
	if !okKind {
		return false, fmt.Sprintf("is a %s; this end takes %v", kind, ep.Kinds)
	}
	if kind == Organization && len(ep.Classes) > 0 {
		for _, c := range ep.Classes {
			if c == class {
				return true, ""
			}
		}
		return false, fmt.Sprintf("is an organization classified %q; this end takes %v", class, ep.Classes)
	}
	return true, ""
}

// Evidence is one source's support for a relationship: the article that
// asserts it, the passage that does, and how confident the reading is; or
// the dataset record that asserts it. Exactly one of Article and Dataset
// is set.
type Evidence struct {
	Article    string  `json:"article,omitempty"` // id of an ARTICLE entity
	Quote      string  `json:"quote,omitempty"`
	Confidence float64 `json:"confidence"` // 0..1

	// Dataset evidence: the DATASET entity, the record in it (its id in the
	// source file), the file it was read from and when it was imported.
	// Merging keeps the first Imported of a (Dataset, Record), so that
	// importing the same file twice changes nothing.
	Dataset  string    `json:"dataset,omitempty"`
	Record   string    `json:"record,omitempty"`
	File     string    `json:"file,omitempty"`
	Imported time.Time `json:"imported,omitzero"`
}

// Attribute is a named value the vocabulary has no field for (an FtM
// property, a Popolo link or image), kept rather than dropped.
type Attribute struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Relationship is an edge of the graph with its time and provenance.
type Relationship struct {
	ID       string     `json:"id"`
	Type     RelType    `json:"type"`
	From     string     `json:"from"`
	To       string     `json:"to"`
	Role     string     `json:"role,omitempty"`
	Since    Date       `json:"since,omitzero"`
	Until    Date       `json:"until,omitzero"`
	Evidence []Evidence `json:"evidence,omitempty"`
	// Attributes keeps what an imported tie carries beyond the vocabulary.
	Attributes []Attribute `json:"attributes,omitempty"`
	// Unsupported is set on a relationship a retraction left with no
	// evidence and kept because the curator asked (Retraction
	// KeepUnsupported): it needs a curator's look. Adding evidence clears it.
	Unsupported bool `json:"unsupported,omitempty"`
}

// MaxEvidence bounds the evidence one relationship keeps.
const MaxEvidence = 1000

// RelationshipID is the id a relationship gets when none is given: the same
// type, ends and role always give the same id, so a second article asserting
// the same tie adds evidence to it instead of creating a twin. A caller that
// needs two spells of the same tie (left a party, rejoined it) gives ids.
func RelationshipID(t RelType, from, to, role string) string {
	h := sha256.New()
	for _, s := range []string{string(t), from, to, NormalizeName(role)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return "rel-" + strings.ToLower(string(t)) + "-" + hex.EncodeToString(h.Sum(nil)[:8])
}

// ValidAt reports whether the relationship holds at (overlaps) the date.
func (r *Relationship) ValidAt(at Date) bool { return ValidDuring(r.Since, r.Until, at) }

// Other returns the end of r that is not id (for an undirected walk).
func (r *Relationship) Other(id string) string {
	if r.From == id {
		return r.To
	}
	return r.From
}

// Sources is the number of distinct sources (articles and datasets) that
// support the relationship.
func (r *Relationship) Sources() int {
	seen := make(map[string]struct{}, len(r.Evidence))
	for _, ev := range r.Evidence {
		seen[ev.Source()] = struct{}{}
	}
	return len(seen)
}

// Source is the id of the entity the evidence comes from: its article or
// its dataset.
func (ev *Evidence) Source() string {
	if ev.Dataset != "" {
		return ev.Dataset
	}
	return ev.Article
}

// FromDataset reports whether the evidence is a dataset record's.
func (ev *Evidence) FromDataset() bool { return ev.Dataset != "" }

// sameEvidence reports whether two pieces are the same evidence: the same
// article and quote, or the same dataset and record.
func sameEvidence(a, b *Evidence) bool {
	if a.Dataset != "" || b.Dataset != "" {
		return a.Dataset == b.Dataset && a.Record == b.Record
	}
	return a.Article == b.Article && a.Quote == b.Quote
}

// Normalize fills the id when empty, puts the role (trimmed) and the
// evidence's quotes in NFC.
func (r *Relationship) Normalize() {
	r.Role = strings.TrimSpace(NormalizeText(r.Role, false))
	if r.ID == "" {
		r.ID = RelationshipID(r.Type, r.From, r.To, r.Role)
	}
	for i := range r.Evidence {
		r.Evidence[i].Normalize()
	}
	normalizeAttributes(r.Attributes)
}

// Normalize trims the quote, record and file and puts them in NFC; an
// import time is kept in UTC to the microsecond (what every store keeps).
func (ev *Evidence) Normalize() {
	ev.Quote = strings.TrimSpace(NormalizeText(ev.Quote, true))
	ev.Record = strings.TrimSpace(NormalizeText(ev.Record, false))
	ev.File = strings.TrimSpace(NormalizeText(ev.File, false))
	ev.Imported = NormalizeTime(ev.Imported)
}

// NormalizeTime puts an import time in UTC, truncated to the microsecond;
// the zero time stays zero.
func NormalizeTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

// Validate checks the relationship on its own; kinds of the ends and the
// existence of referenced entities are checked by Service.
func (r *Relationship) Validate(path string) []Problem {
	var p problems
	at := func(f string) string { return joinPath(path, f) }
	validateID(&p, at("id"), r.ID)
	if !r.Type.Valid() {
		p.add(at("type"), "unknown relationship type %q", r.Type)
	}
	validateID(&p, at("from"), r.From)
	validateID(&p, at("to"), r.To)
	if r.From != "" && r.From == r.To {
		p.add(at("to"), "a relationship cannot connect %q to itself", r.From)
	}
	if why := textProblem(r.Role, MaxNameLen, false); why != "" {
		p.add(at("role"), "%s", why)
	}
	if !r.Since.Valid() {
		p.add(at("since"), "is not a valid date")
	}
	if !r.Until.Valid() {
		p.add(at("until"), "is not a valid date")
	}
	if !r.Since.IsZero() && !r.Until.IsZero() && r.Since.Lo() > r.Until.Hi() {
		p.add(at("until"), "%s is before since %s", r.Until, r.Since)
	}
	if len(r.Evidence) > MaxEvidence {
		p.add(at("evidence"), "more than %d pieces of evidence", MaxEvidence)
	}
	for i, ev := range r.Evidence {
		p.list = append(p.list, ev.Validate(at("evidence")+index(i))...)
	}
	validateAttributes(&p, at("attributes"), r.Attributes)
	return p.list
}

// Limits on dataset evidence and sources.
const (
	MaxRecordLen = 500  // a record's id in its dataset
	MaxFileLen   = 2000 // the file (path or URL) it was read from
)

// Validate checks one piece of evidence: exactly one of article and
// dataset; a dataset's needs its record, and record, file and import time
// are only a dataset's.
func (ev *Evidence) Validate(path string) []Problem {
	var p problems
	switch {
	case ev.Article != "" && ev.Dataset != "":
		p.add(joinPath(path, "dataset"), "evidence comes from an article or a dataset, not both (article %q)", ev.Article)
	case ev.Dataset != "":
		validateID(&p, joinPath(path, "dataset"), ev.Dataset)
		validateSourceRecord(&p, path, ev.Record, ev.File)
	case ev.Article != "":
		validateID(&p, joinPath(path, "article"), ev.Article)
		if ev.Record != "" {
			p.add(joinPath(path, "record"), "is only for dataset evidence")
		}
		if ev.File != "" {
			p.add(joinPath(path, "file"), "is only for dataset evidence")
		}
		if !ev.Imported.IsZero() {
			p.add(joinPath(path, "imported"), "is only for dataset evidence")
		}
	default:
		p.add(joinPath(path, "article"), "evidence needs an article or a dataset")
	}
	if why := textProblem(ev.Quote, MaxFieldLen, true); why != "" {
		p.add(joinPath(path, "quote"), "%s", why)
	}
	if math.IsNaN(ev.Confidence) || ev.Confidence < 0 || ev.Confidence > 1 {
		p.add(joinPath(path, "confidence"), "%v is not between 0 and 1", ev.Confidence)
	}
	return p.list
}

// validateSourceRecord checks a dataset record's id and file.
func validateSourceRecord(p *problems, path, record, file string) {
	if strings.TrimSpace(record) == "" {
		p.add(joinPath(path, "record"), "dataset evidence needs the record's id in the dataset")
	} else if why := textProblem(record, MaxRecordLen, false); why != "" {
		p.add(joinPath(path, "record"), "%s", why)
	}
	if why := textProblem(file, MaxFileLen, false); why != "" {
		p.add(joinPath(path, "file"), "%s", why)
	}
}

// MergeEvidence adds the evidence in add to have. Article evidence is
// keyed by (article, quote): a piece already present has its confidence
// replaced. Dataset evidence is keyed by (dataset, record): a piece already
// present has its quote and confidence replaced and keeps its first file
// and import time, so importing the same file again changes nothing. A new
// piece is appended. The result is the evidence a store keeps after an
// upsert, so merging the same evidence twice changes nothing.
func MergeEvidence(have, add []Evidence) []Evidence {
	out := append([]Evidence(nil), have...)
	for _, ev := range add {
		found := false
		for i := range out {
			if sameEvidence(&out[i], &ev) {
				out[i].Confidence = ev.Confidence
				if ev.Dataset != "" {
					out[i].Quote = ev.Quote
					if out[i].File == "" {
						out[i].File = ev.File
					}
					if out[i].Imported.IsZero() {
						out[i].Imported = ev.Imported
					}
				}
				found = true
				break
			}
		}
		if !found {
			out = append(out, ev)
		}
	}
	return out
}
