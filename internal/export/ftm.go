package export

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"strings"

	"github.com/polgraph/polgraph/internal/kg"
)

// ftmWriter writes FollowTheMoney entities, one JSON object per line:
// {"id":..., "schema":..., "properties":{"name":[...], ...}}. Nodes keep
// their ids; each relationship becomes an interval entity (Membership,
// Occupancy, Employment, Representation, Documentation, UnknownLink) with
// the relationship's id, whose evidence is in sourceUrl (article URLs),
// publisher (outlets), summary (quotes) and description ("title [article
// id]"). HOLDS_POSITION and LEADS also emit the Position they occupy. The
// mapping is documented in docs/export.md.
//
// Entity references are only ever made by edges, whose ends are always in
// the export; a node's own references (an article's outlet, a statement's
// speaker) appear as the PUBLISHED_BY and STATED edges instead.
type ftmWriter struct {
	w         *bufio.Writer
	enc       *json.Encoder
	positions map[string]bool
}

func newFtM(w io.Writer) Writer {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &ftmWriter{w: bw, enc: enc, positions: map[string]bool{}}
}

// ftmEntity is one FtM entity in its JSON form.
type ftmEntity struct {
	ID         string              `json:"id"`
	Schema     string              `json:"schema"`
	Properties map[string][]string `json:"properties"`
}

func (f ftmEntity) add(prop string, values ...string) {
	for _, v := range values {
		if v = clean(v); v != "" {
			f.Properties[prop] = append(f.Properties[prop], v)
		}
	}
}

func newFtMEntity(id, schema string) ftmEntity {
	return ftmEntity{ID: clean(id), Schema: schema, Properties: map[string][]string{}}
}

// ftmOrgSchema maps an organization's classification to a schema and topic.
func ftmOrgSchema(c kg.OrgClass) (schema, topic string) {
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

// ftmSchema is the schema a node of this kind becomes.
func ftmSchema(e *kg.Entity) string {
	switch e.Kind {
	case kg.Person:
		return "Person"
	case kg.Organization:
		s, _ := ftmOrgSchema(e.Classification)
		return s
	case kg.Country:
		return "PublicBody"
	case kg.Article:
		return "Article"
	case kg.Allegation:
		return "Note"
	case kg.Event, kg.Statement:
		return "Event"
	}
	return "Thing"
}

func (f *ftmWriter) Begin(Meta) error { return nil }

func (f *ftmWriter) Node(e kg.Entity) error {
	x := newFtMEntity(e.ID, ftmSchema(&e))
	x.add("name", e.Name)
	x.add("alias", e.Aliases...)
	x.add("description", e.Description)
	legal := e.Kind.Actor()
	for _, id := range e.Identifiers {
		switch {
		case strings.EqualFold(id.Scheme, "wikidata"):
			x.add("wikidataId", id.Value)
		case legal:
			x.add("idNumber", id.Scheme+":"+id.Value)
		default:
			x.add("keywords", id.Scheme+":"+id.Value)
		}
	}
	switch e.Kind {
	case kg.Person:
		x.add("birthDate", e.BirthDate.String())
	case kg.Organization:
		_, topic := ftmOrgSchema(e.Classification)
		x.add("topics", topic)
		x.add("classification", string(e.Classification))
		if e.Classification == kg.MediaOutlet {
			x.add("sector", "media")
		}
	case kg.Country:
		x.add("country", strings.ToLower(e.CountryCode))
		x.add("jurisdiction", strings.ToLower(e.CountryCode))
		x.add("topics", "gov.national")
		x.add("legalForm", "state")
	case kg.Article:
		x.add("title", e.Title)
		// FtM requires a Document to have a file name; an article has none.
		x.add("fileName", e.ID+".html")
		x.add("sourceUrl", e.URL)
		x.add("publishedAt", e.Published.String())
		x.add("bodyText", e.Text)
	case kg.Allegation:
		x.add("summary", e.Summary)
		x.add("keywords", "allegation", "status:"+string(e.Status))
	case kg.Event:
		x.add("date", e.Date.String())
		x.add("keywords", e.EventType)
	case kg.Statement:
		x.add("summary", e.Quote)
		x.add("date", e.Date.String())
		x.add("keywords", "statement")
	}
	return f.enc.Encode(x)
}

// ftmEdge says which interval schema a relationship becomes and which two
// properties hold its ends.
type ftmEdge struct{ Schema, From, To string }

func ftmEdgeFor(e *Edge) ftmEdge {
	switch e.Type {
	case kg.MemberOf:
		return ftmEdge{"Membership", "member", "organization"}
	case kg.WorksFor:
		return ftmEdge{"Employment", "employee", "employer"}
	case kg.Represents, kg.SpokespersonFor:
		return ftmEdge{"Representation", "agent", "client"}
	case kg.HoldsPosition, kg.Leads:
		return ftmEdge{"Occupancy", "holder", "post"}
	case kg.PublishedBy, kg.Cites, kg.Mentions:
		return ftmEdge{"Documentation", "document", "entity"}
	case kg.ReportedBy:
		if e.ToEnd.Kind == kg.Article {
			// The article documents the allegation, event or statement.
			return ftmEdge{"Documentation", "entity", "document"}
		}
	}
	return ftmEdge{"UnknownLink", "subject", "object"}
}

// ftmRole is the role an edge entity states: the relationship's own role,
// or its type in words.
func ftmRole(e *Edge) string {
	if e.Role != "" {
		return e.Role
	}
	return strings.ToLower(strings.ReplaceAll(string(e.Type), "_", " "))
}

func (f *ftmWriter) Edge(e Edge) error {
	m := ftmEdgeFor(&e)
	x := newFtMEntity(e.ID, m.Schema)
	from, to := e.From, e.To
	if m.Schema == "Occupancy" {
		// FtM holds offices as Positions; the same office at the same body
		// (by role) is one Position, written once.
		name := e.Role
		if name == "" {
			name = "Leader"
			if e.Type == kg.HoldsPosition {
				name = "Office holder"
			}
		}
		if e.ToEnd.Name != "" {
			name += ", " + e.ToEnd.Name
		}
		pid := positionID(e.Type, e.To, e.Role)
		if !f.positions[pid] {
			f.positions[pid] = true
			p := newFtMEntity(pid, "Position")
			p.add("name", name)
			if e.ToEnd.Kind == kg.Organization || e.ToEnd.Kind == kg.Country {
				p.add("organization", e.To)
			}
			if err := f.enc.Encode(p); err != nil {
				return err
			}
		}
		to = pid
	}
	x.add(m.From, from)
	x.add(m.To, to)
	if m.Schema != "Occupancy" {
		x.add("role", ftmRole(&e))
	} else {
		x.add("description", ftmRole(&e))
	}
	x.add("startDate", e.Since.String())
	x.add("endDate", e.Until.String())
	x.add("recordId", e.ID)
	for _, s := range e.Sources {
		x.add("sourceUrl", s.URL)
		x.add("publisher", s.Outlet)
		x.add("summary", s.Quote)
		d := s.Article
		if s.Title != "" {
			d = s.Title + " [" + s.Article + "]"
		}
		x.add("description", d)
	}
	dedupeProps(x)
	return f.enc.Encode(x)
}

// positionID is the id of the Position a HOLDS_POSITION or LEADS edge
// occupies.
func positionID(t kg.RelType, org, role string) string {
	h := sha256.Sum256([]byte(string(t) + "\x00" + org + "\x00" + kg.NormalizeName(role)))
	return "position-" + hex.EncodeToString(h[:8])
}

func dedupeProps(x ftmEntity) {
	for k, vs := range x.Properties {
		seen := make(map[string]bool, len(vs))
		out := vs[:0]
		for _, v := range vs {
			if !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
		x.Properties[k] = out
	}
}

func (f *ftmWriter) End() error { return f.w.Flush() }
