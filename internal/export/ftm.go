package export

import (
	"bufio"
	"io"
	"strings"

	"github.com/polgraph/polgraph/internal/ftm"
	"github.com/polgraph/polgraph/internal/importer"
	"github.com/polgraph/polgraph/internal/kg"
)

// ftmWriter writes FollowTheMoney entities, one JSON object per line:
// {"id":..., "schema":..., "caption":..., "properties":{"name":[...], ...}}.
// The mapping is internal/ftm's:
//
//   - what the FtM importer made is written back as it came (schema,
//     properties, the entities it kept whole, its original FtM ids), so
//     that `polgraph ingest --format ftm` of the export, under the same
//     dataset name, gives the same graph;
//   - other nodes get the schema their kind suggests, and each other
//     relationship an interval entity (Membership, Occupancy, Employment,
//     Representation, Ownership, Family, Associate, Documentation,
//     UnknownLink) with the relationship's id, whose article evidence is
//     in sourceUrl (article URLs), publisher (outlets), summary (quotes)
//     and description ("title [article id]"). HOLDS_POSITION and LEADS
//     also emit the Position they occupy.
//
// DATASET entities are not written (FtM has no entity for a dataset; the
// import that reads the file back makes its own). Entity references are
// only ever made by edges, whose ends are always in the export, and by
// the properties of imported entities, which name entities of the same
// import.
type ftmWriter struct {
	w *bufio.Writer
	// emitted holds the ids of entities written that another record may
	// write again (Positions, addresses, passports).
	emitted map[string]bool
	// ids maps graph ids to the FtM ids they were imported under, for the
	// nodes where the two differ.
	ids map[string]string
}

func newFtM(w io.Writer) Writer {
	return &ftmWriter{w: bufio.NewWriter(w), emitted: map[string]bool{}, ids: map[string]string{}}
}

func (f *ftmWriter) Begin(Meta) error { return nil }

func (f *ftmWriter) write(x *ftm.Entity) error {
	for k, vs := range x.Properties {
		out := vs[:0]
		for _, v := range vs {
			if v = clean(v); v != "" {
				out = append(out, v)
			}
		}
		if len(out) == 0 {
			delete(x.Properties, k)
		} else {
			x.Properties[k] = out
		}
	}
	x.Caption = clean(x.Caption)
	b, err := x.MarshalJSON()
	if err != nil {
		return err
	}
	if _, err := f.w.Write(b); err != nil {
		return err
	}
	return f.w.WriteByte('\n')
}

// importedID is the FtM id an entity was imported under: the record of the
// dataset source whose derived id it carries.
func importedID(e *kg.Entity) string {
	for _, s := range e.Sources {
		name := strings.TrimPrefix(s.Dataset, "dataset-")
		if importer.EntityID(name, s.Record) == e.ID {
			return s.Record
		}
	}
	return e.ID
}

// importedRelID is the FtM id a relationship was imported under.
func importedRelID(r *kg.Relationship) string {
	for _, ev := range r.Evidence {
		if ev.Dataset == "" {
			continue
		}
		name := strings.TrimPrefix(ev.Dataset, "dataset-")
		if importer.RelationshipID(name, ev.Record, 0) == r.ID {
			return ev.Record
		}
	}
	return r.ID
}

func (f *ftmWriter) Node(e kg.Entity) error {
	if e.Kind == kg.Dataset {
		return nil
	}
	var record *kg.Entity
	if _, imported := ftm.Imported(e.Attributes); !imported {
		// The record itself, for the importer (ftm.SetRecord); dataset
		// provenance is the import's own.
		r := cleanEntity(e)
		r.Sources = nil
		record = &r
	}
	if id := ftm.SafeID(importedID(&e)); id != e.ID {
		f.ids[e.ID] = id
		e.ID = id
	}
	xs, ok := ftm.FromEntity(&e)
	if !ok {
		return nil
	}
	if record != nil {
		if err := ftm.SetRecord(xs[0], record); err != nil {
			return err
		}
	}
	for i, x := range xs {
		if i > 0 {
			if f.emitted[x.ID] {
				continue
			}
			f.emitted[x.ID] = true
		}
		if err := f.write(x); err != nil {
			return err
		}
	}
	return nil
}

func (f *ftmWriter) ftmID(id string) string {
	if v, ok := f.ids[id]; ok {
		return v
	}
	return ftm.SafeID(id)
}

func (f *ftmWriter) Edge(e Edge) error {
	r := e.Relationship
	native := false
	if _, derived := ftm.Imported(r.Attributes); !derived {
		_, fromNode := ftmAttr(r.Attributes, ftm.AttrDerived)
		native = !fromNode
	}
	record := e.Relationship
	if native {
		// The record itself, for the importer, with its article
		// evidence (dataset evidence is the import's own).
		record.Evidence = nil
		for _, ev := range e.Relationship.Evidence {
			if ev.Dataset == "" {
				ev.Article, ev.Quote = clean(ev.Article), clean(ev.Quote)
				record.Evidence = append(record.Evidence, ev)
			}
		}
		record.Role = clean(record.Role)
		record.Attributes = cleanAttributes(record.Attributes)
	}
	r.ID = ftm.SafeID(importedRelID(&r))
	r.From, r.To = f.ftmID(r.From), f.ftmID(r.To)
	xs, ok := ftm.FromRelationship(&r, ftm.LinkEnd{Kind: e.ToEnd.Kind, Name: e.ToEnd.Name})
	if !ok {
		return nil
	}
	link := xs[len(xs)-1]
	if _, imported := ftm.Imported(r.Attributes); !imported {
		for _, s := range e.Sources {
			link.Properties["sourceUrl"] = appendNew(link.Properties["sourceUrl"], s.URL)
			link.Properties["publisher"] = appendNew(link.Properties["publisher"], s.Outlet)
			link.Properties["summary"] = appendNew(link.Properties["summary"], s.Quote)
			d := s.Article
			if s.Title != "" {
				d = s.Title + " [" + s.Article + "]"
			}
			link.Properties["description"] = appendNew(link.Properties["description"], d)
		}
		link.Properties["recordId"] = appendNew(link.Properties["recordId"], e.ID)
	}
	if native {
		if err := ftm.SetRecord(link, &record); err != nil {
			return err
		}
	}
	for _, x := range xs[:len(xs)-1] {
		if f.emitted[x.ID] {
			continue
		}
		f.emitted[x.ID] = true
		if native {
			if err := ftm.SetPart(x, record.ID); err != nil {
				return err
			}
		}
		if err := f.write(x); err != nil {
			return err
		}
	}
	return f.write(link)
}

func appendNew(vs []string, v string) []string {
	v = clean(v)
	if v == "" {
		return vs
	}
	for _, x := range vs {
		if x == v {
			return vs
		}
	}
	return append(vs, v)
}

func (f *ftmWriter) End() error { return f.w.Flush() }

func ftmAttr(attrs []kg.Attribute, name string) (string, bool) {
	for _, a := range attrs {
		if a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}
