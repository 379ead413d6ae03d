package ftm

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/polgraph/polgraph/internal/kg"
)

// How FtM entities become polgraph's, in short (docs in README, "FtM"):
//
//   - Person → PERSON; Organization, Company, PublicBody, LegalEntity →
//     ORGANIZATION (classified); Article, Document and the other documents
//     → ARTICLE; Event → EVENT; Sanction → EVENT (eventType "sanction")
//     with an ABOUT relationship to the sanctioned entity.
//   - Edge schemata become relationships with the edge entity's id:
//     Membership MEMBER_OF, Directorship and Occupancy HOLDS_POSITION
//     (an occupied Position folds into the relationship: to the
//     Position's organization, role its name), Employment WORKS_FOR,
//     Representation REPRESENTS, Family FAMILY_OF, Associate
//     ASSOCIATE_OF, Ownership OWNS, UnknownLink RELATED_TO, Mention and
//     Documentation MENTIONS; when the ends' kinds do not fit the type
//     (a company as director), and for every other edge schema (Payment,
//     Debt, Succession, ...), RELATED_TO with the schema as role.
//   - Address and Identification (Passport) entities are kept whole, as
//     attributes "ftm:Address", "ftm:Passport", ... of the entities that
//     reference them (holder, addressEntity).
//   - Every property value without a field is kept as an Attribute named
//     by the property; the FtM schema, when the kind and classification
//     do not say it, as attribute "ftm:schema"; top-level keys beyond id,
//     schema, properties and caption (datasets, referents, first_seen, ...)
//     as "ftm:<key>" with their JSON.
//   - What cannot be kept (an entity of a schema polgraph has no place
//     for, such as a Vessel, an edge to one) is skipped and reported.
//   - What is outside the model (a schema or property FtM ModelVersion
//     does not have) is kept and counted apart (Stats.Unsupported): a
//     property as an attribute, an entity of an unknown schema whole
//     ("ftm:<Schema>") in the imported entities it names; the exporter
//     writes both back into the bucket (BucketKey) of the entity they
//     came with, where FtM's validation does not look.

// Role says what an FtM entity becomes.
type Role int

const (
	Skip     Role = iota // not imported (reported)
	Node                 // an entity
	Link                 // a relationship
	Embedded             // kept whole in the entities that reference it
	Post                 // a Position: folded into its occupancies, or a node
)

// Reserved attribute names.
const (
	AttrSchema  = "ftm:schema"  // the FtM schema when kind and classification do not say it
	AttrPost    = "ftm:post"    // a folded Position, as JSON, on a HOLDS_POSITION
	AttrDerived = "ftm:derived" // on a relationship made from a node's property (Sanction.entity)
	attrPrefix  = "ftm:"
)

// Ref is what an importer's index knows of an entity in the file before
// converting it: its schema and, for nodes, the kind and classification
// it becomes (the endpoint rules of relationships need them).
type Ref struct {
	Schema string
	Kind   kg.Kind
	Class  kg.OrgClass
}

// Index answers what converting one entity needs to know of others in
// the same file.
type Index interface {
	// Ref describes an entity of the file; false when there is none.
	Ref(id string) (Ref, bool)
	// Entity reads back an Embedded or Post entity of the file.
	Entity(id string) (*Entity, error)
	// Held lists the Identification entities held by id.
	Held(id string) []string
	// Folded reports whether a Position folds into its occupancies: it is
	// occupied, and its organization is an ORGANIZATION of the file.
	Folded(id string) bool
}

// RoleOf says what an entity of this schema becomes.
func RoleOf(schema string) Role {
	s, ok := SchemaByName(schema)
	if !ok {
		// Outside the model: kept whole in the entities it names.
		return Embedded
	}
	switch {
	case s.Is("Position"):
		return Post
	case s.Is("Sanction"), s.Is("Event"), s.Is("LegalEntity"), s.Is("Document"):
		return Node
	case s.Is("Address"), s.Is("Identification"):
		return Embedded
	case s.Edge != nil, s.Is("Mention"):
		return Link
	}
	return Skip
}

// NodeKind is the kind and classification a node entity becomes.
func NodeKind(e *Entity) (kg.Kind, kg.OrgClass) {
	s, _ := SchemaByName(e.Schema)
	switch {
	case s == nil:
		return "", ""
	case s.Is("Person"):
		return kg.Person, ""
	case s.Is("LegalEntity"), s.Is("Position"):
		return kg.Organization, orgClass(e, s)
	case s.Is("Document"):
		return kg.Article, ""
	case s.Is("Sanction"), s.Is("Event"):
		return kg.Event, ""
	}
	return "", ""
}

// orgClass classifies an organization: by its classification property
// when that names one of polgraph's classes, else by schema and topics.
func orgClass(e *Entity, s *Schema) kg.OrgClass {
	for _, v := range e.Properties["classification"] {
		if c := kg.OrgClass(strings.ToUpper(v)); c.Valid() && v == string(c) {
			return c
		}
	}
	topics := e.Properties["topics"]
	has := func(t string) bool { return slices.Contains(topics, t) }
	switch {
	case s.Is("Company"):
		return kg.Company
	case has("pol.party"):
		return kg.Party
	case s.Is("PublicBody") || has("gov"):
		switch {
		case has("gov.legislative"):
			return kg.Legislature
		case has("gov.judicial"):
			return kg.Court
		case has("gov.executive"):
			return kg.Government
		}
		return kg.Agency
	}
	return kg.OtherOrg
}

// impliedTopic is the topic the exporter writes for a classification; the
// importer consumes it, so it does not reappear as an attribute.
func impliedTopic(c kg.OrgClass) string {
	_, t := orgSchema(c)
	return t
}

// Stats counts what one conversion kept where.
type Stats struct {
	// Kept counts property values kept as attributes, by property.
	Kept map[string]int
	// Unsupported counts what is outside the FtM model and kept all the
	// same: values of unknown properties by "Schema.prop", entities of
	// unknown schemata by schema name.
	Unsupported map[string]int
}

// Unsupport counts something outside the model that was kept.
func (st *Stats) Unsupport(what string, n int) {
	if st == nil || n == 0 {
		return
	}
	if st.Unsupported == nil {
		st.Unsupported = map[string]int{}
	}
	if _, ok := st.Unsupported[what]; !ok && len(st.Unsupported) >= MaxKeptFields-1 {
		what = KeptOther
	}
	st.Unsupported[what] += n
}

// MaxKeptFields bounds how many fields Stats counts apart (a file's
// top-level keys are the file's to choose); the rest count as KeptOther.
const (
	MaxKeptFields = 1000
	KeptOther     = "ftm:other"
)

// Keep counts n values of a field kept as attributes.
func (st *Stats) Keep(prop string, n int) { st.keep(prop, n) }

func (st *Stats) keep(prop string, n int) {
	if st == nil || n == 0 {
		return
	}
	if st.Kept == nil {
		st.Kept = map[string]int{}
	}
	if _, ok := st.Kept[prop]; !ok && len(st.Kept) >= MaxKeptFields-1 {
		prop = KeptOther
	}
	st.Kept[prop] += n
}

// converter accumulates one entity's fields and the values left over.
type converter struct {
	src   *Entity
	s     *Schema
	rest  map[string][]string // property values not (yet) mapped to a field
	attrs []kg.Attribute      // meta attributes (ftm:...)
	stats *Stats
}

func newConverter(e *Entity, s *Schema, st *Stats) *converter {
	c := &converter{src: e, s: s, rest: make(map[string][]string, len(e.Properties)), stats: st}
	for k, v := range e.Properties {
		c.rest[k] = slices.Clone(v)
	}
	return c
}

// take removes and returns a property's values.
func (c *converter) take(prop string) []string {
	v := c.rest[prop]
	delete(c.rest, prop)
	return v
}

// takeFirst removes and returns a property's first value that passes ok
// and that FtM accepts (so that an export writes it back, first); the
// other values stay for attributes.
func (c *converter) takeFirst(prop string, ok func(string) bool) string {
	p, _ := c.s.Property(prop)
	for i, v := range c.rest[prop] {
		if (ok != nil && !ok(v)) || !Valid(p, v) {
			continue
		}
		c.consume(prop, c.rest[prop][i])
		return v
	}
	return ""
}

// consume removes one value of a property, if present.
func (c *converter) consume(prop, value string) {
	vs := c.rest[prop]
	if i := slices.Index(vs, value); i >= 0 {
		vs = slices.Delete(vs, i, i+1)
		if len(vs) == 0 {
			delete(c.rest, prop)
		} else {
			c.rest[prop] = vs
		}
	}
}

func (c *converter) meta(name, value string) {
	c.attrs = append(c.attrs, kg.Attribute{Name: name, Value: value})
}

// attributes returns the leftover values as attributes, property by
// property in name order, then the meta attributes; when there are more
// than kg.MaxAttributes, each property's values are packed into one
// attribute "prop[]" holding a JSON list.
func (c *converter) attributes() ([]kg.Attribute, error) {
	names := make([]string, 0, len(c.rest))
	n := 0
	for k, vs := range c.rest {
		names = append(names, k)
		n += len(vs)
	}
	sort.Strings(names)
	extra := make([]string, 0, len(c.src.Extra))
	for k := range c.src.Extra {
		extra = append(extra, k)
	}
	sort.Strings(extra)
	packed := n+len(c.attrs)+len(extra) > kg.MaxAttributes
	var out []kg.Attribute
	for _, k := range names {
		vs := c.rest[k]
		sort.Strings(vs)
		c.stats.keep(k, len(vs))
		if _, ok := c.s.Property(k); !ok {
			c.stats.Unsupport(c.src.Schema+"."+k, len(vs))
		}
		if packed && len(vs) > 1 {
			b, _ := marshal(vs)
			out = append(out, kg.Attribute{Name: k + "[]", Value: string(b)})
			continue
		}
		for _, v := range vs {
			out = append(out, kg.Attribute{Name: k, Value: v})
		}
	}
	for _, k := range extra {
		c.stats.keep(attrPrefix+k, 1)
		out = append(out, kg.Attribute{Name: attrPrefix + k, Value: string(c.src.Extra[k])})
	}
	out = append(out, c.attrs...)
	if len(out) > kg.MaxAttributes {
		return nil, fmt.Errorf("properties: %d values to keep, more than the %d attributes an entity can hold", len(out), kg.MaxAttributes)
	}
	for _, a := range out {
		if len(a.Value) > kg.MaxFieldLen {
			return nil, fmt.Errorf("properties.%s: a value of %d bytes is longer than the %d an attribute holds", strings.TrimSuffix(a.Name, "[]"), len(a.Value), kg.MaxFieldLen)
		}
	}
	return out, nil
}

// fits reports whether s can be stored in a short field of at most max
// bytes: valid UTF-8, no control characters or line separators.
func fits(s string, max int) bool {
	if len(s) > max || !utf8.ValidString(s) || strings.TrimSpace(s) == "" {
		return false
	}
	for _, r := range s {
		if unicode.Is(unicode.Cc, r) || r == '\u2028' || r == '\u2029' {
			return false
		}
	}
	return true
}

func fitsName(s string) bool { return fits(s, kg.MaxNameLen) }

func isDate(s string) bool {
	d, err := kg.ParseDate(s)
	return err == nil && !d.IsZero()
}

func date(s string) kg.Date {
	d, _ := kg.ParseDate(s)
	return d
}

// ToEntity converts a Node entity (or a Position that does not fold) into
// a polgraph entity, with the relationships its own properties make
// (a Sanction's ABOUT, an Event's PARTICIPATED_IN), which carry the
// attribute ftm:derived. Sources and evidence are the caller's to add.
func ToEntity(src *Entity, ix Index, st *Stats) (kg.Entity, []kg.Relationship, error) {
	s, ok := SchemaByName(src.Schema)
	if !ok {
		return kg.Entity{}, nil, fmt.Errorf("schema: unknown schema %q", src.Schema)
	}
	kind, class := NodeKind(src)
	if kind == "" {
		return kg.Entity{}, nil, fmt.Errorf("schema: %s entities are not imported as entities", src.Schema)
	}
	c := newConverter(src, s, st)
	e := kg.Entity{ID: src.ID, Kind: kind, Classification: class}

	// Names: the first name is the name; the others and the aliases are
	// aliases (aliases first, so that an export read back keeps them).
	e.Name = c.takeFirst("name", fitsName)
	if e.Name == "" {
		switch {
		case fitsName(src.Caption):
			e.Name = src.Caption
		case s.Is("Document") && fitsName(src.first("title")):
			e.Name = src.first("title")
		case s.Is("Sanction") && fitsName(src.first("program")):
			e.Name = src.first("program")
		default:
			e.Name = src.Schema
		}
	}
	c.aliases(&e)

	e.Description = c.takeFirst("description", func(v string) bool { return fits(strings.ReplaceAll(v, "\n", " "), kg.MaxFieldLen) })
	c.identifiers(&e, s)

	switch kind {
	case kg.Person:
		e.BirthDate = date(c.takeFirst("birthDate", isDate))
		e.DeathDate = date(c.takeFirst("deathDate", isDate))
		e.Gender = c.takeFirst("gender", func(v string) bool { return fits(v, 100) })
	case kg.Organization:
		c.consume("classification", string(class))
		if t := impliedTopic(class); t != "" {
			c.consume("topics", t)
		}
	case kg.Article:
		e.Title = c.takeFirst("title", func(v string) bool { return fits(v, kg.MaxTitleLen) })
		if e.Title == "" {
			e.Title = e.Name
		}
		e.URL = c.takeFirst("sourceUrl", isHTTPURL)
		e.Published = date(c.takeFirst("publishedAt", isDate))
		e.Text = c.takeFirst("bodyText", func(v string) bool { return len(v) <= kg.MaxTextLen })
		if vs := c.rest["fileName"]; len(vs) == 1 && vs[0] == src.ID+".html" {
			c.take("fileName")
		}
	case kg.Event:
		if s.Is("Sanction") {
			e.EventType = "sanction"
			e.Date = date(c.takeFirst("startDate", isDate))
		} else {
			e.Date = date(c.takeFirst("date", isDate))
		}
	}

	// The schema is always recorded: the exporter writes what carries it
	// back as it came.
	c.meta(AttrSchema, src.Schema)

	// Entities kept whole inside this one: its addresses and the
	// identity documents it holds.
	kept := slices.Clone(src.Kept)
	if ix != nil {
		var ids []string
		for _, id := range src.Properties["addressEntity"] {
			if r, ok := ix.Ref(id); ok && RoleOf(r.Schema) == Embedded {
				ids = append(ids, id)
			}
		}
		ids = append(ids, ix.Held(src.ID)...)
		for _, id := range ids {
			x, err := ix.Entity(id)
			if err != nil {
				return kg.Entity{}, nil, fmt.Errorf("reading %s: %w", id, err)
			}
			kept = append(kept, x)
		}
	}
	if err := c.keepWhole(kept); err != nil {
		return kg.Entity{}, nil, err
	}
	c.dangling(ix)

	// Relationships the node's own properties make; the properties stay
	// as attributes, so the entity exports whole.
	var rels []kg.Relationship
	derive := func(prop string, t kg.RelType, role string, fromNode bool) {
		if ix == nil {
			return
		}
		for _, id := range src.Properties[prop] {
			r, ok := ix.Ref(id)
			if !ok || r.Kind == "" || id == src.ID {
				continue
			}
			rule, _ := kg.RuleFor(t)
			me := &kg.Entity{Kind: kind, Classification: class}
			other := &kg.Entity{Kind: r.Kind, Classification: r.Class}
			from, to := me, other
			fromID, toID := src.ID, id
			if !fromNode {
				from, to, fromID, toID = other, me, id, src.ID
			}
			if ok, _ := rule.From.Allows(from); !ok {
				continue
			}
			if ok, _ := rule.To.Allows(to); !ok {
				continue
			}
			rels = append(rels, kg.Relationship{
				ID: kg.RelationshipID(t, fromID, toID, role), Type: t, From: fromID, To: toID, Role: role,
				Attributes: []kg.Attribute{{Name: AttrDerived, Value: src.Schema + "." + prop}},
			})
		}
	}
	switch {
	case s.Is("Sanction"):
		derive("entity", kg.About, "", true)
	case s.Is("Event"):
		derive("involved", kg.ParticipatedIn, "", false)
		derive("organizer", kg.ParticipatedIn, "organizer", false)
	}

	attrs, err := c.attributes()
	if err != nil {
		return kg.Entity{}, nil, err
	}
	e.Attributes = attrs
	return e, rels, nil
}

// keepWhole keeps entities inside this one, as attributes "ftm:<Schema>"
// holding their JSON (values sorted), in (schema, id) order.
func (c *converter) keepWhole(kept []*Entity) error {
	slices.SortFunc(kept, func(a, b *Entity) int {
		if a.Schema != b.Schema {
			return strings.Compare(a.Schema, b.Schema)
		}
		return strings.Compare(a.ID, b.ID)
	})
	for i, x := range kept {
		if i > 0 && x.ID == kept[i-1].ID {
			continue
		}
		x.complete()
		x.canonical()
		b, err := x.MarshalJSON()
		if err != nil {
			return err
		}
		c.meta(attrPrefix+x.Schema, string(b))
	}
	return nil
}

// AttrDangling prefixes the attributes holding references to entities
// that are not in the file (or not imported): "ftm:dangling:addressEntity".
const AttrDangling = "ftm:dangling:"

// dangling moves the references that name no entity polgraph keeps out
// of the properties: the exporter writes them aside (BucketKey), so that
// its FtM validates, and the importer reads them back here again.
func (c *converter) dangling(ix Index) {
	if ix == nil {
		return
	}
	names := make([]string, 0, len(c.rest))
	for k := range c.rest {
		if p, _ := c.s.Property(k); p.Type == "entity" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		var keep, out []string
		for _, v := range c.rest[k] {
			r, ok := ix.Ref(v)
			if ok && (r.Kind != "" || RoleOf(r.Schema) == Embedded) {
				keep = append(keep, v)
			} else {
				out = append(out, v)
			}
		}
		sort.Strings(out)
		for _, v := range out {
			c.meta(AttrDangling+k, v)
		}
		if len(keep) == 0 {
			delete(c.rest, k)
		} else {
			c.rest[k] = keep
		}
	}
}

// aliases fills e.Aliases from alias then the other names: deduplicated as
// the store does (kg.Entity.Normalize), at most kg.MaxAliases; values that
// are dropped (a variant of a name already kept, too long, too many) stay
// as attributes of their property.
func (c *converter) aliases(e *kg.Entity) {
	seen := map[string]bool{kg.NormalizeName(e.Name): true}
	pick := func(prop string) {
		var dropped []string
		p, _ := c.s.Property(prop)
		for _, v := range c.take(prop) {
			n := kg.NormalizeName(kg.NormalizeText(strings.TrimSpace(v), false))
			if !fitsName(v) || !Valid(p, v) || n == "" || seen[n] || len(e.Aliases) >= kg.MaxAliases {
				dropped = append(dropped, v)
				continue
			}
			seen[n] = true
			e.Aliases = append(e.Aliases, strings.TrimSpace(kg.NormalizeText(v, false)))
		}
		if len(dropped) > 0 {
			c.rest[prop] = dropped
		}
	}
	pick("alias")
	pick("name")
}

// identifierProps are the identifier properties that identify the entity
// itself (programId names a sanctions programme many share, so it is an
// attribute).
func isIdentifierProp(s *Schema, prop string) bool {
	p, ok := s.Property(prop)
	return ok && p.Type == "identifier" && prop != "programId"
}

// identifiers moves the identifier properties into e.Identifiers: scheme
// "wikidata" for wikidataId, else the property's name.
func (c *converter) identifiers(e *kg.Entity, s *Schema) {
	names := make([]string, 0, len(c.rest))
	for k := range c.rest {
		if isIdentifierProp(s, k) {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	// wikidataId first: it is what resolution trusts most.
	if i := slices.Index(names, "wikidataId"); i > 0 {
		names = append([]string{"wikidataId"}, slices.Delete(names, i, i+1)...)
	}
	for _, k := range names {
		scheme := k
		if k == "wikidataId" {
			scheme = "wikidata"
		}
		var left []string
		p, _ := s.Property(k)
		for _, v := range c.take(k) {
			if len(e.Identifiers) >= kg.MaxIdentifiers || !fits(v, kg.MaxIdentValueLen) || !Valid(p, v) {
				left = append(left, v)
				continue
			}
			e.Identifiers = append(e.Identifiers, kg.Identifier{Scheme: scheme, Value: v})
		}
		if len(left) > 0 {
			c.rest[k] = left
		}
	}
}

func isHTTPURL(s string) bool {
	return fits(s, kg.MaxURLLen) && (strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")) &&
		!strings.ContainsAny(s, " \t\n") && len(s) > len("https://")
}

// linkSpec is how an edge schema becomes a relationship: the properties of
// its two ends, the type it becomes when the ends fit, and the property
// holding its role.
type linkSpec struct {
	From, To string
	Type     kg.RelType
	RoleProp string
}

func linkSpecFor(s *Schema) (linkSpec, bool) {
	switch {
	case s.Is("Membership"):
		return linkSpec{"member", "organization", kg.MemberOf, "role"}, true
	case s.Is("Directorship"):
		return linkSpec{"director", "organization", kg.HoldsPosition, "role"}, true
	case s.Is("Employment"):
		return linkSpec{"employee", "employer", kg.WorksFor, "role"}, true
	case s.Is("Representation"):
		return linkSpec{"agent", "client", kg.Represents, "role"}, true
	case s.Is("Occupancy"):
		return linkSpec{"holder", "post", kg.HoldsPosition, ""}, true
	case s.Is("Family"):
		return linkSpec{"person", "relative", kg.FamilyOf, "relationship"}, true
	case s.Is("Associate"):
		return linkSpec{"person", "associate", kg.AssociateOf, "relationship"}, true
	case s.Is("Ownership"):
		return linkSpec{"owner", "asset", kg.Owns, "role"}, true
	case s.Is("UnknownLink"):
		return linkSpec{"subject", "object", kg.RelatedTo, "role"}, true
	case s.Is("Mention"):
		return linkSpec{"document", "resolved", kg.Mentions, ""}, true
	case s.Is("Documentation"):
		return linkSpec{"document", "entity", kg.Mentions, "role"}, true
	case s.Edge != nil:
		return linkSpec{s.Edge.Source, s.Edge.Target, "", ""}, true
	}
	return linkSpec{}, false
}

// ToRelationship converts a Link entity into a relationship (its id is
// left empty). It fails, naming the property, when an end is missing or is
// not an entity polgraph imports.
func ToRelationship(src *Entity, ix Index, st *Stats) (kg.Relationship, error) {
	s, ok := SchemaByName(src.Schema)
	if !ok {
		return kg.Relationship{}, fmt.Errorf("schema: unknown schema %q", src.Schema)
	}
	spec, ok := linkSpecFor(s)
	if !ok {
		return kg.Relationship{}, fmt.Errorf("schema: %s entities are not imported as relationships", src.Schema)
	}
	c := newConverter(src, s, st)
	end := func(prop string) (string, Ref, error) {
		id := c.takeFirst(prop, nil)
		if id == "" {
			return "", Ref{}, fmt.Errorf("properties.%s: missing", prop)
		}
		r, ok := ix.Ref(id)
		if !ok {
			return "", Ref{}, fmt.Errorf("properties.%s: no entity %q in the file", prop, id)
		}
		return id, r, nil
	}
	fromID, from, err := end(spec.From)
	if err != nil {
		return kg.Relationship{}, err
	}
	toID, to, err := end(spec.To)
	if err != nil {
		return kg.Relationship{}, err
	}
	// The id is left to the importer, which derives it from the dataset
	// and the record (the link's FtM id), as it does the entities'.
	r := kg.Relationship{From: fromID, To: toID}

	var post *Entity
	if s.Is("Occupancy") && RoleOf(to.Schema) == Post && ix.Folded(toID) {
		p, err := ix.Entity(toID)
		if err != nil {
			return kg.Relationship{}, fmt.Errorf("properties.post: reading %s: %w", toID, err)
		}
		p.complete()
		p.canonical()
		post = p
		r.To = p.first("organization")
		to, _ = ix.Ref(r.To)
	}
	for _, x := range []struct {
		prop string
		ref  Ref
	}{{spec.From, from}, {spec.To, to}} {
		if x.ref.Kind == "" {
			return kg.Relationship{}, fmt.Errorf("properties.%s: %s is a %s, which polgraph does not import", x.prop, c.src.Properties[x.prop][0], x.ref.Schema)
		}
	}
	if r.From == r.To {
		return kg.Relationship{}, fmt.Errorf("properties.%s: links %q to itself", spec.To, r.From)
	}

	typ := spec.Type
	if typ != "" && typ != kg.RelatedTo {
		rule, _ := kg.RuleFor(typ)
		okFrom, _ := rule.From.Allows(&kg.Entity{Kind: from.Kind, Classification: from.Class})
		okTo, _ := rule.To.Allows(&kg.Entity{Kind: to.Kind, Classification: to.Class})
		if !okFrom || !okTo {
			typ = ""
		}
	}
	if typ == "" {
		r.Type, r.Role = kg.RelatedTo, src.Schema
	} else {
		r.Type = typ
		if spec.RoleProp != "" {
			r.Role = c.takeFirst(spec.RoleProp, fitsName)
		}
		if post != nil {
			r.Role = post.first("name")
			b, err := post.MarshalJSON()
			if err != nil {
				return kg.Relationship{}, err
			}
			c.meta(AttrPost, string(b))
		}
	}
	r.Since = date(c.takeFirst("startDate", isDate))
	r.Until = date(c.takeFirst("endDate", isDate))
	c.dangling(ix)
	if !r.Since.IsZero() && !r.Until.IsZero() && r.Since.Lo() > r.Until.Hi() {
		return kg.Relationship{}, fmt.Errorf("properties.endDate: %s is before the startDate %s", r.Until, r.Since)
	}
	c.meta(AttrSchema, src.Schema)
	attrs, err := c.attributes()
	if err != nil {
		return kg.Relationship{}, err
	}
	r.Attributes = attrs
	return r, nil
}

// DecodePost reads the Position a HOLDS_POSITION folded, if any.
func DecodePost(attrs []kg.Attribute) (*Entity, bool) {
	for _, a := range attrs {
		if a.Name == AttrPost {
			p, err := Parse([]byte(a.Value))
			return p, err == nil
		}
	}
	return nil, false
}
