package ftm

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"

	"github.com/polgraph/polgraph/internal/kg"
)

// The way back: polgraph entities and relationships as FtM entities.
// What the importer made (it marks them with the attribute ftm:schema) is
// written as it came, so that importing an export gives the same graph;
// everything else gets the schema its kind and type suggest (see
// defaultNodeSchema, linkSchema).

// OrgSchema maps an organization's classification to a schema and topic.
func OrgSchema(c kg.OrgClass) (schema, topic string) { return orgSchema(c) }

func orgSchema(c kg.OrgClass) (schema, topic string) {
	switch c {
	case kg.Party:
		return "Organization", "pol.party"
	case kg.Legislature:
		return "PublicBody", "gov.legislative"
	case kg.Government, kg.Ministry:
		return "PublicBody", "gov.executive"
	case kg.Court:
		return "PublicBody", "gov.judicial"
	case kg.Agency, kg.DiplomaticMission:
		return "PublicBody", "gov"
	case kg.Company:
		return "Company", ""
	}
	return "Organization", ""
}

// defaultNodeSchema is the schema an entity of this kind becomes when it
// says nothing else; false for kinds FtM has no entity for (DATASET).
func defaultNodeSchema(e *kg.Entity) (string, bool) {
	switch e.Kind {
	case kg.Person:
		return "Person", true
	case kg.Organization:
		s, _ := orgSchema(e.Classification)
		return s, true
	case kg.Country:
		return "PublicBody", true
	case kg.Article:
		return "Article", true
	case kg.Allegation:
		return "Note", true
	case kg.Event:
		if e.EventType == "sanction" {
			return "Sanction", true
		}
		return "Event", true
	case kg.Statement:
		return "Event", true
	}
	return "", false
}

// attr returns the first value of an attribute.
func attr(attrs []kg.Attribute, name string) (string, bool) {
	for _, a := range attrs {
		if a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}

// Imported reports whether the FtM importer made this entity or
// relationship (and so which schema it came as).
func Imported(attrs []kg.Attribute) (string, bool) {
	s, ok := attr(attrs, AttrSchema)
	if !ok {
		return "", false
	}
	sc, ok := SchemaByName(s)
	if !ok || sc.Abstract {
		return "", false
	}
	return s, true
}

// putAttributes writes attributes back as properties and top-level keys;
// embedded entities (ftm:Address, ...) and dangling references are
// returned. An attribute the schema has no property for goes, for what
// the FtM importer made (imported), into the bucket as the property it
// was (one outside the model); else into notes as "name: value" (when the
// schema has notes).
func putAttributes(x *Entity, s *Schema, attrs []kg.Attribute, imported bool) (embedded []*Entity, dangling map[string][]string) {
	for _, a := range attrs {
		name := a.Name
		if strings.HasPrefix(name, AttrDangling) {
			if dangling == nil {
				dangling = map[string][]string{}
			}
			p := strings.TrimPrefix(name, AttrDangling)
			dangling[p] = append(dangling[p], a.Value)
			continue
		}
		if strings.HasPrefix(name, attrPrefix) {
			key := strings.TrimPrefix(name, attrPrefix)
			switch {
			case name == AttrSchema || name == AttrPost || name == AttrDerived:
			case isKeptEntity(key, a.Value):
				if e, err := Parse([]byte(a.Value)); err == nil {
					embedded = append(embedded, e)
				}
			default:
				if json.Valid([]byte(a.Value)) {
					if x.Extra == nil {
						x.Extra = map[string]json.RawMessage{}
					}
					x.Extra[key] = json.RawMessage(a.Value)
				}
			}
			continue
		}
		values := []string{a.Value}
		if strings.HasSuffix(name, "[]") {
			var vs []string
			if json.Unmarshal([]byte(a.Value), &vs) == nil {
				name, values = strings.TrimSuffix(name, "[]"), vs
			}
		}
		if _, ok := s.Property(name); ok {
			x.add(name, values...)
			continue
		}
		if imported {
			// A property outside the model: back into the bucket of
			// the entity it came with.
			if dangling == nil {
				dangling = map[string][]string{}
			}
			dangling[name] = append(dangling[name], values...)
			continue
		}
		if _, ok := s.Property("notes"); ok {
			for _, v := range values {
				x.add("notes", a.Name+": "+v)
			}
		}
	}
	return embedded, dangling
}

// finish moves what FtM would reject into x's bucket (BucketKey) and
// returns x with the kept entities that validate on their own; the
// others go into the bucket too.
func finish(x *Entity, s *Schema, embedded []*Entity, dangling map[string][]string) []*Entity {
	var out, aside []*Entity
	for _, em := range embedded {
		es, ok := SchemaByName(em.Schema)
		if !ok {
			// Outside the model: FtM would reject it on its own line.
			aside = append(aside, em)
			continue
		}
		em.complete()
		probe := &Entity{ID: em.ID, Schema: em.Schema, Caption: em.Caption, Properties: map[string][]string{}, Extra: em.Extra}
		for k, vs := range em.Properties {
			probe.Properties[k] = slices.Clone(vs)
		}
		if probe.split(es, nil, nil) {
			out = append(out, probe)
		} else {
			aside = append(aside, em)
		}
	}
	x.split(s, dangling, aside)
	return append([]*Entity{x}, out...)
}

// isKeptEntity reports whether the attribute "ftm:<key>" holds an entity
// kept whole: key is a schema of the model, or one outside it whose
// value is an entity of that schema (FtM's top-level keys are lower case).
func isKeptEntity(key, value string) bool {
	if _, ok := SchemaByName(key); ok {
		return true
	}
	if key == "" || key[0] < 'A' || key[0] > 'Z' {
		return false
	}
	e, err := Parse([]byte(value))
	return err == nil && e.Schema == key
}

// identifierProp is where an identifier goes in schema s.
func identifierProp(s *Schema, id kg.Identifier) (prop, value string) {
	if strings.EqualFold(id.Scheme, "wikidata") {
		if _, ok := s.Property("wikidataId"); ok {
			return "wikidataId", id.Value
		}
	}
	if isIdentifierProp(s, id.Scheme) {
		return id.Scheme, id.Value
	}
	if _, ok := s.Property("idNumber"); ok {
		return "idNumber", id.Scheme + ":" + id.Value
	}
	return "keywords", id.Scheme + ":" + id.Value
}

// FromEntity is an entity as FtM entities: itself first, then those it
// keeps whole (addresses, passports). ok is false for a kind FtM has no
// entity for (a DATASET: its records' provenance is polgraph's own).
func FromEntity(e *kg.Entity) (out []*Entity, ok bool) {
	schema, imported := Imported(e.Attributes)
	if !imported {
		if schema, ok = defaultNodeSchema(e); !ok {
			return nil, false
		}
	}
	s, _ := SchemaByName(schema)
	x := &Entity{ID: e.ID, Schema: schema, Caption: e.Name, Properties: map[string][]string{}}
	has := func(p string) bool { _, ok := s.Property(p); return ok }
	put := func(p string, vs ...string) {
		if has(p) {
			x.add(p, vs...)
		}
	}
	if has("name") {
		x.add("name", e.Name)
		if has("alias") {
			x.add("alias", e.Aliases...)
		} else {
			x.add("name", e.Aliases...)
		}
	}
	put("description", e.Description)
	for _, id := range e.Identifiers {
		p, v := identifierProp(s, id)
		put(p, v)
	}
	switch e.Kind {
	case kg.Person:
		put("birthDate", e.BirthDate.String())
		put("deathDate", e.DeathDate.String())
		put("gender", e.Gender)
	case kg.Organization:
		_, topic := orgSchema(e.Classification)
		put("topics", topic)
		if imported {
			// The classification is written when the schema and topics
			// do not already say it.
			probe := &Entity{Schema: schema, Properties: map[string][]string{"topics": x.Properties["topics"]}}
			for _, a := range e.Attributes {
				if a.Name == "topics" {
					probe.add("topics", a.Value)
				}
			}
			if orgClass(probe, s) != e.Classification {
				put("classification", string(e.Classification))
			}
		} else {
			put("classification", string(e.Classification))
			if e.Classification == kg.MediaOutlet {
				put("sector", "media")
			}
		}
	case kg.Country:
		put("country", strings.ToLower(e.CountryCode))
		put("jurisdiction", strings.ToLower(e.CountryCode))
		put("topics", "gov.national")
		put("legalForm", "state")
	case kg.Article:
		put("title", e.Title)
		put("sourceUrl", e.URL)
		put("publishedAt", e.Published.String())
		put("bodyText", e.Text)
	case kg.Allegation:
		put("summary", e.Summary)
		put("keywords", "allegation", "status:"+string(e.Status))
	case kg.Event:
		if s.Is("Sanction") {
			put("startDate", e.Date.String())
		} else {
			put("date", e.Date.String())
			if !imported || e.EventType != "" {
				put("keywords", e.EventType)
			}
		}
	case kg.Statement:
		put("summary", e.Quote)
		put("date", e.Date.String())
		put("keywords", "statement")
	}
	embedded, dangling := putAttributes(x, s, e.Attributes, imported)
	if slices.Contains(s.Required, "fileName") && len(x.Properties["fileName"]) == 0 {
		// FtM requires a document to have a file name; an article has none.
		x.add("fileName", e.ID+".html")
	}
	return finish(x, s, embedded, dangling), true
}

// LinkEnd is what writing a relationship needs of its far end.
type LinkEnd struct {
	Kind kg.Kind
	Name string
}

// FromRelationship is a relationship as FtM entities: the link entity
// and, for an office, the Position it occupies (first). ok is false for a
// relationship the importer made from a node's property (a Sanction's
// ABOUT): writing the node writes it.
func FromRelationship(r *kg.Relationship, to LinkEnd) (out []*Entity, ok bool) {
	if _, derived := attr(r.Attributes, AttrDerived); derived {
		return nil, false
	}
	schema, imported := Imported(r.Attributes)
	if !imported {
		return legacyLink(r, to), true
	}
	s, _ := SchemaByName(schema)
	spec, _ := linkSpecFor(s)
	x := &Entity{ID: r.ID, Schema: schema, Properties: map[string][]string{}}
	x.add(spec.From, r.From)
	target := r.To
	if post, ok := DecodePost(r.Attributes); ok {
		ps, _ := SchemaByName(post.Schema)
		if ps != nil {
			post.split(ps, nil, nil)
		}
		out = append(out, post)
		target = post.ID
	}
	x.add(spec.To, target)
	if r.Type == spec.Type && spec.RoleProp != "" {
		x.add(spec.RoleProp, r.Role)
	}
	x.add("startDate", r.Since.String())
	x.add("endDate", r.Until.String())
	embedded, dangling := putAttributes(x, s, r.Attributes, true)
	xs := finish(x, s, embedded, dangling)
	out = append(out, xs[1:]...)
	return append(out, x), true
}

// legacyLink writes a relationship the FtM importer did not make: the
// interval schema its type suggests, the role (or the type in words), and
// for an office a Position named by the role and the body.
func legacyLink(r *kg.Relationship, to LinkEnd) []*Entity {
	schema, fromProp, toProp := legacySchema(r.Type, to.Kind)
	x := &Entity{ID: r.ID, Schema: schema, Properties: map[string][]string{}}
	var out []*Entity
	target := r.To
	if schema == "Occupancy" {
		name := r.Role
		if name == "" {
			name = "Leader"
			if r.Type == kg.HoldsPosition {
				name = "Office holder"
			}
		}
		if to.Name != "" {
			name += ", " + to.Name
		}
		p := &Entity{ID: PositionID(r.Type, r.To, r.Role), Schema: "Position", Properties: map[string][]string{}}
		p.add("name", name)
		if to.Kind == kg.Organization || to.Kind == kg.Country {
			p.add("organization", r.To)
		}
		out = append(out, p)
		target = p.ID
	}
	x.add(fromProp, r.From)
	x.add(toProp, target)
	role := r.Role
	if role == "" {
		role = strings.ToLower(strings.ReplaceAll(string(r.Type), "_", " "))
	}
	switch schema {
	case "Occupancy":
		x.add("description", role)
	case "Family", "Associate":
		x.add("relationship", role)
	default:
		x.add("role", role)
	}
	x.add("startDate", r.Since.String())
	x.add("endDate", r.Until.String())
	s, _ := SchemaByName(schema)
	embedded, dangling := putAttributes(x, s, r.Attributes, false)
	xs := finish(x, s, embedded, dangling)
	for _, p := range out {
		if ps, ok := SchemaByName(p.Schema); ok {
			p.split(ps, nil, nil)
		}
	}
	out = append(out, xs[1:]...)
	return append(out, x)
}

func legacySchema(t kg.RelType, to kg.Kind) (schema, from, toProp string) {
	switch t {
	case kg.MemberOf:
		return "Membership", "member", "organization"
	case kg.WorksFor:
		return "Employment", "employee", "employer"
	case kg.Represents, kg.SpokespersonFor:
		return "Representation", "agent", "client"
	case kg.HoldsPosition, kg.Leads:
		return "Occupancy", "holder", "post"
	case kg.PublishedBy, kg.Cites, kg.Mentions:
		return "Documentation", "document", "entity"
	case kg.Owns:
		return "Ownership", "owner", "asset"
	case kg.FamilyOf:
		return "Family", "person", "relative"
	case kg.AssociateOf:
		return "Associate", "person", "associate"
	case kg.ReportedBy:
		if to == kg.Article {
			// The article documents the allegation, event or statement.
			return "Documentation", "entity", "document"
		}
	}
	return "UnknownLink", "subject", "object"
}

// PositionID is the id of the Position a HOLDS_POSITION or LEADS edge
// occupies, when polgraph makes one up.
func PositionID(t kg.RelType, org, role string) string {
	h := sha256.Sum256([]byte(string(t) + "\x00" + org + "\x00" + kg.NormalizeName(role)))
	return "position-" + hex.EncodeToString(h[:8])
}
