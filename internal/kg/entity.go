package kg

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Identifier is an external identifier of an entity: a scheme ("wikidata",
// "everypolitician", "ftm", "isni", ...) and a value ("Q3183383").
type Identifier struct {
	Scheme string `json:"scheme"`
	Value  string `json:"value"`
}

// Entity is a node of the graph. The fields after Identifiers are kind
// specific: each is meaningful, and set, only for the kinds its comment names.
type Entity struct {
	ID          string       `json:"id"`
	Kind        Kind         `json:"kind"`
	Name        string       `json:"name"`
	Aliases     []string     `json:"aliases,omitempty"`
	Description string       `json:"description,omitempty"`
	Identifiers []Identifier `json:"identifiers,omitempty"`

	// PERSON
	BirthDate Date   `json:"birthDate,omitzero"`
	DeathDate Date   `json:"deathDate,omitzero"`
	Gender    string `json:"gender,omitempty"`

	// DATASET (URL is also a dataset's): who publishes it, under which
	// licence, and when it was retrieved.
	Publisher string `json:"publisher,omitempty"`
	Licence   string `json:"licence,omitempty"`
	Retrieved Date   `json:"retrieved,omitzero"`

	// Attributes keeps what an imported record carries beyond the
	// vocabulary; Sources the dataset records the entity was imported from.
	Attributes []Attribute `json:"attributes,omitempty"`
	Sources    []Source    `json:"sources,omitempty"`

	// ORGANIZATION
	Classification OrgClass `json:"classification,omitempty"`

	// COUNTRY: ISO 3166-1 alpha-2 code, upper case ("CA").
	CountryCode string `json:"countryCode,omitempty"`

	// ARTICLE
	Title     string `json:"title,omitempty"`
	URL       string `json:"url,omitempty"`
	Outlet    string `json:"outlet,omitempty"` // id of the media outlet (an ORGANIZATION)
	Published Date   `json:"published,omitzero"`
	Text      string `json:"text,omitempty"` // the article's text, when it may be kept

	// ALLEGATION
	Summary string           `json:"summary,omitempty"`
	Status  AllegationStatus `json:"status,omitempty"`

	// EVENT (Date is also a STATEMENT's date)
	Date      Date   `json:"date,omitzero"`
	EventType string `json:"eventType,omitempty"`

	// STATEMENT: Quote is what was said; Speaker the id of who said it.
	Quote   string `json:"quote,omitempty"`
	Speaker string `json:"speaker,omitempty"`
}

// Limits on the size of entity fields, so that one write cannot bloat the
// store or a response.
const (
	MaxIDLen       = 200
	MaxNameLen     = 500
	MaxAliases     = 100
	MaxIdentifiers = 50
	MaxTextLen     = 1 << 20 // an article's text
	MaxFieldLen    = 20000   // descriptions, summaries, quotes

	// Attributes on an entity or a relationship: how many, and how long a
	// name and a value may be.
	MaxAttributes       = 200
	MaxAttributeNameLen = 200
	// Sources of one entity (dataset records it was imported from).
	MaxSources = 1000
	// A person's gender, a dataset's publisher and licence.
	MaxGenderLen    = 100
	MaxPublisherLen = 500
	MaxLicenceLen   = 500
)

// Validate checks the entity on its own (references to other entities are
// checked by Service, which can see the store). path prefixes the problems'
// paths, e.g. "entity" or "$.entities[2]".
func (e *Entity) Validate(path string) []Problem {
	var p problems
	at := func(f string) string { return joinPath(path, f) }
	validateID(&p, at("id"), e.ID)
	if !e.Kind.Valid() {
		p.add(at("kind"), "unknown kind %q; want one of %v", e.Kind, Kinds)
	}
	// Every text field: NFC already (Normalize), valid UTF-8, no control
	// characters (tab and newline only in long text), bounded.
	text := func(f, v string, max int, long bool) {
		if why := textProblem(v, max, long); why != "" {
			p.add(at(f), "%s", why)
		}
	}
	if strings.TrimSpace(e.Name) == "" {
		p.add(at("name"), "must not be empty")
	} else {
		text("name", e.Name, MaxNameLen, false)
	}
	if len(e.Aliases) > MaxAliases {
		p.add(at("aliases"), "more than %d aliases", MaxAliases)
	}
	for i, a := range e.Aliases {
		if strings.TrimSpace(a) == "" {
			p.add(at("aliases")+index(i), "must not be empty")
		} else {
			text("aliases"+index(i), a, MaxNameLen, false)
		}
	}
	text("description", e.Description, MaxFieldLen, true)
	if len(e.Identifiers) > MaxIdentifiers {
		p.add(at("identifiers"), "more than %d identifiers", MaxIdentifiers)
	}
	for i, id := range e.Identifiers {
		ip := "identifiers" + index(i)
		if strings.TrimSpace(id.Scheme) == "" {
			p.add(at(ip+".scheme"), "must not be empty")
		} else {
			text(ip+".scheme", id.Scheme, MaxSchemeLen, false)
		}
		if strings.TrimSpace(id.Value) == "" {
			p.add(at(ip+".value"), "must not be empty")
		} else {
			text(ip+".value", id.Value, MaxIdentValueLen, false)
		}
	}
	text("title", e.Title, MaxTitleLen, false)
	text("url", e.URL, MaxURLLen, false)
	text("gender", e.Gender, MaxGenderLen, false)
	text("publisher", e.Publisher, MaxPublisherLen, false)
	text("licence", e.Licence, MaxLicenceLen, false)
	validateAttributes(&p, at("attributes"), e.Attributes)
	if len(e.Sources) > MaxSources {
		p.add(at("sources"), "more than %d sources", MaxSources)
	}
	for i, src := range e.Sources {
		sp := at("sources") + index(i)
		validateID(&p, joinPath(sp, "dataset"), src.Dataset)
		validateSourceRecord(&p, sp, src.Record, src.File)
	}
	text("text", e.Text, MaxTextLen, true)
	text("summary", e.Summary, MaxFieldLen, true)
	text("eventType", e.EventType, MaxEventTypeLen, false)
	text("quote", e.Quote, MaxFieldLen, true)
	// Kind-specific fields: required ones, and ones that do not belong.
	set := func(f string, isSet bool, kinds ...Kind) {
		if !isSet {
			return
		}
		for _, k := range kinds {
			if e.Kind == k {
				return
			}
		}
		p.add(at(f), "is only for %v, not %s", kinds, e.Kind)
	}
	set("birthDate", !e.BirthDate.IsZero(), Person)
	set("deathDate", !e.DeathDate.IsZero(), Person)
	set("gender", e.Gender != "", Person)
	set("classification", e.Classification != "", Organization)
	set("countryCode", e.CountryCode != "", Country)
	set("title", e.Title != "", Article)
	set("url", e.URL != "", Article, Dataset)
	set("publisher", e.Publisher != "", Dataset)
	set("licence", e.Licence != "", Dataset)
	set("retrieved", !e.Retrieved.IsZero(), Dataset)
	set("outlet", e.Outlet != "", Article)
	set("published", !e.Published.IsZero(), Article)
	set("text", e.Text != "", Article)
	set("summary", e.Summary != "", Allegation)
	set("status", e.Status != "", Allegation)
	set("date", !e.Date.IsZero(), Event, Statement)
	set("eventType", e.EventType != "", Event)
	set("quote", e.Quote != "", Statement)
	set("speaker", e.Speaker != "", Statement)

	for f, d := range map[string]Date{"birthDate": e.BirthDate, "deathDate": e.DeathDate, "published": e.Published, "date": e.Date, "retrieved": e.Retrieved} {
		if !d.Valid() {
			p.add(at(f), "is not a valid date")
		}
	}
	if !e.BirthDate.IsZero() && !e.DeathDate.IsZero() && e.BirthDate.Valid() && e.DeathDate.Valid() && e.BirthDate.Lo() > e.DeathDate.Hi() {
		p.add(at("deathDate"), "%s is before birthDate %s", e.DeathDate, e.BirthDate)
	}
	switch e.Kind {
	case Organization:
		if e.Classification != "" && !e.Classification.Valid() {
			p.add(at("classification"), "unknown classification %q; want one of %v", e.Classification, OrgClasses)
		}
	case Country:
		if e.CountryCode != "" && !isCountryCode(e.CountryCode) {
			p.add(at("countryCode"), "%q is not an ISO 3166-1 alpha-2 code (two upper-case letters)", e.CountryCode)
		}
	case Article, Dataset:
		if e.Kind == Article && strings.TrimSpace(e.Title) == "" {
			p.add(at("title"), "an article needs a title")
		}
		if e.URL != "" && textProblem(e.URL, MaxURLLen, false) == "" {
			if u, err := url.Parse(e.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(e.URL, " \t\n") {
				p.add(at("url"), "%q is not an http(s) URL", e.URL)
			}
		}
		if e.Outlet != "" {
			validateID(&p, at("outlet"), e.Outlet)
		}
	case Allegation:
		if strings.TrimSpace(e.Summary) == "" {
			p.add(at("summary"), "an allegation needs a summary")
		}
		if e.Status != "" && !e.Status.Valid() {
			p.add(at("status"), "unknown status %q; want one of %v", e.Status, AllegationStatuses)
		}
	case Statement:
		if strings.TrimSpace(e.Quote) == "" {
			p.add(at("quote"), "a statement needs the quoted text")
		}
		if e.Speaker != "" {
			validateID(&p, at("speaker"), e.Speaker)
		}
	}
	return p.list
}

// Normalize fills defaults (an allegation's status is ALLEGED unless said
// otherwise), puts every text in NFC (NormalizeText) and trims names and
// short fields. It is applied before validation and storage so that every
// store holds the same value. Ids are not changed: one that is not NFC is
// rejected by Validate instead, so an id always reads back as it was sent.
func (e *Entity) Normalize() {
	short := func(s *string) { *s = strings.TrimSpace(NormalizeText(*s, false)) }
	long := func(s *string) { *s = NormalizeText(*s, true) }
	short(&e.Name)
	for i := range e.Aliases {
		short(&e.Aliases[i])
	}
	for i := range e.Identifiers {
		short(&e.Identifiers[i].Scheme)
		short(&e.Identifiers[i].Value)
	}
	short(&e.Title)
	short(&e.URL)
	short(&e.Gender)
	short(&e.Publisher)
	short(&e.Licence)
	normalizeAttributes(e.Attributes)
	for i := range e.Sources {
		src := &e.Sources[i]
		short(&src.Record)
		short(&src.File)
		src.Imported = NormalizeTime(src.Imported)
	}
	e.Sources = MergeSources(nil, e.Sources)
	short(&e.EventType)
	short(&e.CountryCode)
	long(&e.Description)
	long(&e.Text)
	long(&e.Summary)
	long(&e.Quote)
	e.Aliases = dedupeStrings(e.Aliases, e.Name)
	if e.Kind == Allegation && e.Status == "" {
		e.Status = Alleged
	}
	if e.Kind == Country {
		e.CountryCode = strings.ToUpper(e.CountryCode)
	}
}

// Names returns the entity's name followed by its aliases.
func (e *Entity) Names() []string {
	return append([]string{e.Name}, e.Aliases...)
}

func dedupeStrings(list []string, skip string) []string {
	seen := map[string]bool{NormalizeName(skip): true}
	out := list[:0]
	for _, s := range list {
		n := NormalizeName(s)
		if s == "" || seen[n] {
			continue
		}
		seen[n] = true
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func isCountryCode(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

// validateID checks an id: non-empty, bounded, visible characters only,
// NFC (idProblem).
func validateID(p *problems, path, id string) {
	if why := idProblem(id); why != "" {
		p.add(path, "%s", why)
	}
}

func joinPath(prefix, field string) string {
	if prefix == "" {
		return field
	}
	return prefix + "." + field
}

func index(i int) string {
	return "[" + strconv.Itoa(i) + "]"
}

// Source is one dataset record an entity was imported from. Merging
// entities' sources keeps the first Imported of a (Dataset, Record).
type Source struct {
	Dataset  string    `json:"dataset"` // id of a DATASET entity
	Record   string    `json:"record"`  // the record's id in the dataset
	File     string    `json:"file,omitempty"`
	Imported time.Time `json:"imported,omitzero"`
}

// MergeSources adds the sources in add to have: a source is keyed by
// (dataset, record); one already present keeps its first file and import
// time, so importing the same record again changes nothing. The result is
// what a store keeps when an entity is upserted (Decide), in the order
// first met.
func MergeSources(have, add []Source) []Source {
	if len(add) == 0 {
		if len(have) == 0 {
			return nil
		}
		return have
	}
	out := append([]Source(nil), have...)
	for _, src := range add {
		i := slices.IndexFunc(out, func(s Source) bool { return s.Dataset == src.Dataset && s.Record == src.Record })
		if i < 0 {
			out = append(out, src)
			continue
		}
		if out[i].File == "" {
			out[i].File = src.File
		}
		if out[i].Imported.IsZero() {
			out[i].Imported = src.Imported
		}
	}
	return out
}

// FromDataset reports whether one of the entity's sources is a record of
// the dataset.
func (e *Entity) FromDataset(dataset string) bool {
	return slices.ContainsFunc(e.Sources, func(s Source) bool { return s.Dataset == dataset })
}

// validateAttributes checks attributes: bounded in number and size, each
// with a name.
func validateAttributes(p *problems, path string, attrs []Attribute) {
	if len(attrs) > MaxAttributes {
		p.add(path, "more than %d attributes", MaxAttributes)
	}
	for i, a := range attrs {
		ap := path + index(i)
		if strings.TrimSpace(a.Name) == "" {
			p.add(joinPath(ap, "name"), "must not be empty")
		} else if why := textProblem(a.Name, MaxAttributeNameLen, false); why != "" {
			p.add(joinPath(ap, "name"), "%s", why)
		}
		if why := textProblem(a.Value, MaxFieldLen, true); why != "" {
			p.add(joinPath(ap, "value"), "%s", why)
		}
	}
}

func normalizeAttributes(attrs []Attribute) {
	for i := range attrs {
		attrs[i].Name = strings.TrimSpace(NormalizeText(attrs[i].Name, false))
		attrs[i].Value = NormalizeText(attrs[i].Value, true)
	}
}
