// Package ftm reads FollowTheMoney entity files (one JSON entity a line,
// as OpenSanctions and Aleph export them) for the importer framework:
// `polgraph ingest --format ftm FILE`. The mapping of schemata to
// polgraph's kinds and relationship types is internal/ftm's.
//
// Entities may reference others defined later in the file, so the file is
// read three times, streaming, never whole:
//
//  1. an index: for every entity its id, schema, and the kind and
//     classification it becomes; the lines of Address, Identification and
//     Position entities are copied to a spill file, to be read back by
//     offset when the entities that keep them are converted;
//  2. the entity records (persons, organizations, documents, events,
//     sanctions), so that every end exists before a relationship names it;
//  3. the relationship records (edge schemata and what nodes' own
//     properties assert), and a report for each entity that is not kept.
//
// Memory: the index holds, per entity of the file, its id plus about 64
// bytes, and per Identification its holder's id; entities themselves are
// held one at a time (a line is at most ftm.MaxLineLen bytes). The spill
// file is on disk, in os.TempDir, and removed by Close.
package ftm

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	ftmmodel "github.com/polgraph/polgraph/internal/ftm"
	"github.com/polgraph/polgraph/internal/importer"
	"github.com/polgraph/polgraph/internal/kg"
)

// Reader yields the records of one FtM file.
type Reader struct {
	open func() (io.ReadCloser, error)
	file string
	size int64

	index    map[string]*ref
	held     map[string][]string // holder -> Identification ids
	occupied map[string]bool     // Position ids some Occupancy names
	schemas  map[string]string   // interned schema names
	spill    *os.File
	spillEnd int64
	lines    int
	// referenced marks Embedded entities some node keeps (addressEntity,
	// holder), so that the others are reported.
	referenced map[string]bool
	// natives holds the graph ids of the entities restored from their
	// polgraph record (ftm.NativeRecord); later the spilled lines of
	// those that name others (an article's outlet, a statement's
	// speaker), read at the end of the entities' pass, so that what they
	// name is written first.
	natives map[string]bool
	later   []*ref

	phase int // 2: entities, 3: relationships, 4: done
	cur   *scanner
	stats ftmmodel.Stats
	// done counts the bytes read by finished passes.
	done int64
}

type ref struct {
	schema string
	kind   kg.Kind
	class  kg.OrgClass
	role   ftmmodel.Role
	off    int64 // in the spill file, for Embedded and Post entities
	n      int32
	org    string // a Position's organization
	line   int    // the line of the file that defines it
	// native: the entity carries its polgraph record, graph its id
	// there; part: it was written for a relationship's record.
	native bool
	part   bool
	graph  string
}

// Open reads the FtM file at path.
func Open(path string) (*Reader, error) { return importer.OpenFile(path, New) }

// New reads an FtM file that open opens (three times); size is its length
// in bytes (0 when unknown), file its name in provenance. It reads the
// index at once: a line that is not an FtM entity is reported then, by
// line number, when its records are read.
func New(open func() (io.ReadCloser, error), size int64, file string) (*Reader, error) {
	r := &Reader{open: open, file: file, size: size,
		index: map[string]*ref{}, held: map[string][]string{}, occupied: map[string]bool{},
		schemas: map[string]string{}, referenced: map[string]bool{}, natives: map[string]bool{}}
	if err := r.buildIndex(); err != nil {
		r.Close()
		return nil, err
	}
	r.phase = 2
	return r, nil
}

// Close removes the spill file.
func (r *Reader) Close() error {
	if r.cur != nil {
		r.cur.close()
		r.cur = nil
	}
	if r.spill != nil {
		name := r.spill.Name()
		r.spill.Close()
		r.spill = nil
		return os.Remove(name)
	}
	return nil
}

// Dataset implements importer.Described: the file's name, and the
// dataset named after it (DatasetName).
func (r *Reader) Dataset() importer.Dataset {
	return importer.Dataset{Name: DatasetName(r.file), File: r.file}
}

// DatasetName is the dataset a file is named for when nothing else says:
// its base name without the FtM extensions ("zala.ftm.json" is "zala").
func DatasetName(file string) string {
	name := filepath.Base(file)
	for _, ext := range []string{".json", ".ijson", ".jsonl", ".ftm"} {
		name = strings.TrimSuffix(name, ext)
	}
	return name
}

// Progress implements importer.Measured: the second and third passes.
func (r *Reader) Progress() (done, total int64) {
	n := r.done
	if r.cur != nil {
		n += r.cur.cr.N
	}
	return n, 2 * r.size
}

// Kept counts the property values kept as attributes, by property (the
// FtM top-level keys as "ftm:<key>"), so far.
func (r *Reader) Kept() map[string]int { return r.stats.Kept }

// Unsupported counts what outside the FtM model was kept, so far: values
// of unknown properties by "Schema.prop", entities of unknown schemata by
// schema.
func (r *Reader) Unsupported() map[string]int { return r.stats.Unsupported }

// scanner is one pass over the file, a line at a time.
type scanner struct {
	rc   io.ReadCloser
	cr   *importer.CountingReader
	br   *bufio.Reader
	line int
}

func (r *Reader) begin() (*scanner, error) {
	rc, err := r.open()
	if err != nil {
		return nil, err
	}
	cr := &importer.CountingReader{R: rc}
	return &scanner{rc: rc, cr: cr, br: bufio.NewReaderSize(cr, 1<<16)}, nil
}

func (s *scanner) close() { s.rc.Close() }

var errLongLine = fmt.Errorf("longer than %d bytes", ftmmodel.MaxLineLen)

// next returns the next non-blank line (without its end), io.EOF at the end.
func (s *scanner) next() ([]byte, error) {
	for {
		var buf []byte
		long := false
		for {
			chunk, err := s.br.ReadSlice('\n')
			if len(buf)+len(chunk) > ftmmodel.MaxLineLen {
				long = true
			} else {
				buf = append(buf, chunk...)
			}
			if err == bufio.ErrBufferFull {
				continue
			}
			if err == io.EOF && len(buf) == 0 && !long {
				return nil, io.EOF
			}
			if err != nil && err != io.EOF {
				return nil, err
			}
			break
		}
		s.line++
		if long {
			return nil, errLongLine
		}
		if line := bytes.TrimSpace(buf); len(line) > 0 {
			return line, nil
		}
	}
}

// lineRecord names a line that could not be read as an entity.
func lineRecord(n int) string { return fmt.Sprintf("line %d", n) }

func (r *Reader) intern(s string) string {
	if v, ok := r.schemas[s]; ok {
		return v
	}
	r.schemas[s] = s
	return s
}

func (r *Reader) buildIndex() error {
	s, err := r.begin()
	if err != nil {
		return err
	}
	defer s.close()
	for {
		line, err := s.next()
		if err == io.EOF {
			break
		}
		if err == errLongLine {
			continue // reported by the later passes
		}
		if err != nil {
			return fmt.Errorf("%s: line %d: %w", r.file, s.line, err)
		}
		e, perr := ftmmodel.Parse(line)
		if perr != nil {
			continue
		}
		if _, dup := r.index[e.ID]; dup {
			continue // reported by the later passes
		}
		x := &ref{schema: r.intern(e.Schema), role: ftmmodel.RoleOf(e.Schema), line: s.line}
		switch {
		case e.Part != "":
			x.part = true
			r.index[e.ID] = x
			continue
		case e.Record != nil:
			x.native = true
			if ent, rel, err := ftmmodel.NativeRecord(e); err == nil {
				if ent != nil {
					x.kind, x.class, x.graph = ent.Kind, ent.Classification, ent.ID
					r.natives[ent.ID] = true
				} else {
					x.graph = rel.ID
				}
			}
			r.index[e.ID] = x
			continue
		}
		switch x.role {
		case ftmmodel.Node:
			x.kind, x.class = ftmmodel.NodeKind(e)
			for _, id := range e.Properties["addressEntity"] {
				r.referenced[id] = true
			}
		case ftmmodel.Post:
			x.kind, x.class = ftmmodel.NodeKind(e)
			x.org = firstValue(e, "organization")
		case ftmmodel.Link:
			if sc, _ := ftmmodel.SchemaByName(e.Schema); sc.Is("Occupancy") {
				if p := firstValue(e, "post"); p != "" {
					r.occupied[p] = true
				}
			}
		case ftmmodel.Embedded:
			sc, known := ftmmodel.SchemaByName(e.Schema)
			switch {
			case !known:
				// Outside the model: kept in every entity it names.
				for _, vs := range e.Properties {
					for _, v := range vs {
						if v != e.ID && len(v) <= kg.MaxIDLen && !slices.Contains(r.held[v], e.ID) {
							r.held[v] = append(r.held[v], e.ID)
						}
					}
				}
			case sc.Is("Identification"):
				if h := firstValue(e, "holder"); h != "" {
					r.held[h] = append(r.held[h], e.ID)
				}
			}
		}
		if x.role == ftmmodel.Embedded || x.role == ftmmodel.Post {
			if err := r.spillLine(x, line); err != nil {
				return err
			}
		}
		r.index[e.ID] = x
	}
	// An Identification whose holder is not a node is not kept, nor is an
	// entity outside the model that names none.
	for h, ids := range r.held {
		if x, ok := r.index[h]; ok && (x.role == ftmmodel.Node || (x.role == ftmmodel.Post && !r.Folded(h))) {
			for _, id := range ids {
				r.referenced[id] = true
			}
			sort.Strings(ids)
			continue
		}
		delete(r.held, h)
	}
	return nil
}

func firstValue(e *ftmmodel.Entity, prop string) string {
	if vs := e.Properties[prop]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

func (r *Reader) spillLine(x *ref, line []byte) error {
	if r.spill == nil {
		f, err := os.CreateTemp("", "polgraph-ftm-*.spill")
		if err != nil {
			return err
		}
		r.spill = f
	}
	if _, err := r.spill.Write(line); err != nil {
		return err
	}
	x.off, x.n = r.spillEnd, int32(len(line))
	r.spillEnd += int64(len(line))
	return nil
}

// Ref implements ftm.Index.
func (r *Reader) Ref(id string) (ftmmodel.Ref, bool) {
	x, ok := r.index[id]
	if !ok {
		return ftmmodel.Ref{}, false
	}
	out := ftmmodel.Ref{Schema: x.schema}
	if x.native {
		out.Kind, out.Class = x.kind, x.class
		return out, true
	}
	if x.part {
		return out, true
	}
	switch x.role {
	case ftmmodel.Node:
		out.Kind, out.Class = x.kind, x.class
	case ftmmodel.Post:
		if !r.Folded(id) {
			out.Kind, out.Class = x.kind, x.class
		}
	}
	return out, true
}

// Entity implements ftm.Index: an Embedded or Post entity, read back from
// the spill file.
func (r *Reader) Entity(id string) (*ftmmodel.Entity, error) {
	x, ok := r.index[id]
	if !ok || r.spill == nil || (x.role != ftmmodel.Embedded && x.role != ftmmodel.Post) {
		return nil, fmt.Errorf("no entity %q kept", id)
	}
	buf := make([]byte, x.n)
	if _, err := r.spill.ReadAt(buf, x.off); err != nil {
		return nil, err
	}
	return ftmmodel.Parse(buf)
}

// Held implements ftm.Index.
func (r *Reader) Held(id string) []string { return r.held[id] }

// Folded implements ftm.Index: an occupied Position of an organization
// folds into its occupancies.
func (r *Reader) Folded(id string) bool {
	x, ok := r.index[id]
	if !ok || x.role != ftmmodel.Post || !r.occupied[id] || x.org == "" {
		return false
	}
	o, ok := r.index[x.org]
	return ok && o.role == ftmmodel.Node && o.kind == kg.Organization
}

// Next implements importer.Reader.
func (r *Reader) Next() (importer.Record, error) {
	for r.phase < 4 {
		if r.cur == nil {
			s, err := r.begin()
			if err != nil {
				return importer.Record{}, err
			}
			r.cur = s
		}
		line, err := r.cur.next()
		if err == io.EOF {
			if r.phase == 2 && len(r.later) > 0 {
				// The restored entities that name others, now that
				// those are written.
				x := r.later[0]
				r.later = r.later[1:]
				buf := make([]byte, x.n)
				if _, err := r.spill.ReadAt(buf, x.off); err != nil {
					return importer.Record{}, err
				}
				e, err := ftmmodel.Parse(buf)
				if err != nil {
					return importer.Record{}, err
				}
				rec, ok, err := r.native(e, nil, x, x.line, true)
				if err != nil || ok {
					return rec, err
				}
				continue
			}
			r.done += r.cur.cr.N
			r.cur.close()
			r.cur = nil
			r.phase++
			continue
		}
		if err == errLongLine {
			if r.phase == 2 {
				return importer.Record{}, importer.Recordf(lineRecord(r.cur.line), "", "%v", err)
			}
			continue
		}
		if err != nil {
			return importer.Record{}, fmt.Errorf("%s: line %d: %w", r.file, r.cur.line, err)
		}
		rec, ok, err := r.record(line, r.cur.line)
		if err != nil || ok {
			return rec, err
		}
	}
	return importer.Record{}, io.EOF
}

// record converts one line in the current pass; ok is false when the line
// has nothing for this pass.
func (r *Reader) record(line []byte, n int) (importer.Record, bool, error) {
	e, err := ftmmodel.Parse(line)
	if err != nil {
		if r.phase != 2 {
			return importer.Record{}, false, nil
		}
		id := lineRecord(n)
		field, reason := splitField(err.Error())
		return importer.Record{}, true, &importer.RecordError{Record: id, Field: field, Reason: fmt.Sprintf("%s (line %d)", reason, n)}
	}
	x := r.index[e.ID]
	if x == nil {
		return importer.Record{}, false, nil
	}
	if x.line != n {
		// A second entity under an id already seen.
		if r.phase != 2 {
			return importer.Record{}, false, nil
		}
		return importer.Record{}, true, importer.Recordf(e.ID, "id", "line %d: the id is used by the entity on line %d", n, x.line)
	}
	fail := func(err error) (importer.Record, bool, error) {
		field, reason := splitField(err.Error())
		return importer.Record{}, true, &importer.RecordError{Record: e.ID, Field: field, Reason: fmt.Sprintf("%s (line %d, %s)", reason, n, e.Schema)}
	}
	switch {
	case x.part:
		return importer.Record{}, false, nil
	case x.native:
		return r.native(e, line, x, n, false)
	}
	switch r.phase {
	case 2:
		if x.role == ftmmodel.Node || (x.role == ftmmodel.Post && !r.Folded(e.ID)) {
			ent, _, err := ftmmodel.ToEntity(e, r, &r.stats)
			if err != nil {
				return fail(err)
			}
			return importer.Record{ID: e.ID, Entity: &ent}, true, nil
		}
	case 3:
		switch x.role {
		case ftmmodel.Node, ftmmodel.Post:
			if x.role == ftmmodel.Post && r.Folded(e.ID) {
				return importer.Record{}, false, nil
			}
			_, rels, err := ftmmodel.ToEntity(e, r, nil)
			if err != nil || len(rels) == 0 {
				return importer.Record{}, false, nil // its error was reported with the entity
			}
			r.toGraph(rels)
			return importer.Record{ID: e.ID, Relationships: rels}, true, nil
		case ftmmodel.Link:
			rel, err := ftmmodel.ToRelationship(e, r, &r.stats)
			if err != nil {
				return fail(err)
			}
			rels := []kg.Relationship{rel}
			r.toGraph(rels)
			return importer.Record{ID: e.ID, Relationships: rels}, true, nil
		case ftmmodel.Embedded:
			_, known := ftmmodel.SchemaByName(e.Schema)
			switch {
			case !known && !r.referenced[e.ID]:
				return importer.Record{ID: e.ID, Skip: fmt.Sprintf("schema %s is not in the FtM model %s and the entity names no entity imported (it would be kept inside those)", e.Schema, ftmmodel.ModelVersion)}, true, nil
			case !known:
				r.stats.Unsupport(e.Schema, 1)
			case !r.referenced[e.ID]:
				return importer.Record{ID: e.ID, Skip: fmt.Sprintf("%s entity not referenced by any entity imported (an %s is kept inside the entities that name it)", e.Schema, e.Schema)}, true, nil
			}
		case ftmmodel.Skip:
			return importer.Record{ID: e.ID, Skip: fmt.Sprintf("schema %s is not modelled by polgraph", e.Schema)}, true, nil
		}
	}
	return importer.Record{}, false, nil
}

// splitField splits "field: reason" as ftm's errors say it.
func splitField(msg string) (field, reason string) {
	if i := strings.Index(msg, ": "); i > 0 && !strings.ContainsAny(msg[:i], " \"") {
		return msg[:i], msg[i+2:]
	}
	return "", msg
}

// toGraph names the restored entities a relationship converted from FtM
// ends at by their graph ids: the ids their records are written under.
func (r *Reader) toGraph(rels []kg.Relationship) {
	for i := range rels {
		for _, end := range []*string{&rels[i].From, &rels[i].To} {
			if x, ok := r.index[*end]; ok && x.native && x.graph != "" {
				*end = x.graph
			}
		}
	}
}

// native reads an entity or relationship back from its polgraph record
// (ftm.NativeRecord) as a verbatim record: under its graph id, as it was
// exported. Entities come in the entities' pass (those naming an outlet
// or a speaker at its end, late), relationships in the relationships'.
// What the record names must be in the file: an end that is not fails the
// record; an outlet or speaker that is not is kept as the attribute
// "ftm:dangling:outlet" (or speaker), evidence from an article that is not
// as "ftm:dangling:evidence" (its JSON).
func (r *Reader) native(e *ftmmodel.Entity, line []byte, x *ref, n int, late bool) (importer.Record, bool, error) {
	fail := func(err error) (importer.Record, bool, error) {
		field, reason := splitField(err.Error())
		return importer.Record{}, true, &importer.RecordError{Record: e.ID, Field: field, Reason: fmt.Sprintf("%s (line %d, %s)", reason, n, e.Schema)}
	}
	ent, rel, err := ftmmodel.NativeRecord(e)
	if err != nil {
		if r.phase != 2 || late {
			return importer.Record{}, false, nil // reported in the entities' pass
		}
		return fail(err)
	}
	if ent != nil {
		if r.phase != 2 {
			return importer.Record{}, false, nil
		}
		if !late && (ent.Outlet != "" || ent.Speaker != "") {
			if err := r.spillLine(x, line); err != nil {
				return importer.Record{}, true, err
			}
			r.later = append(r.later, x)
			return importer.Record{}, false, nil
		}
		for _, f := range []struct {
			name string
			id   *string
		}{{"outlet", &ent.Outlet}, {"speaker", &ent.Speaker}} {
			if *f.id != "" && !r.natives[*f.id] {
				ent.Attributes = append(ent.Attributes, kg.Attribute{Name: ftmmodel.AttrDangling + f.name, Value: *f.id})
				r.stats.Keep(f.name, 1)
				*f.id = ""
			}
		}
		return importer.Record{ID: e.ID, Entity: ent, Verbatim: true}, true, nil
	}
	if r.phase != 3 {
		return importer.Record{}, false, nil
	}
	for _, end := range []struct{ field, id string }{{"from", rel.From}, {"to", rel.To}} {
		if !r.inFile(end.id) {
			return fail(fmt.Errorf("%s.record.%s: no entity %q in the file", ftmmodel.BucketKey, end.field, end.id))
		}
	}
	evidence := rel.Evidence[:0]
	for i, ev := range rel.Evidence {
		switch {
		case ev.Dataset != "":
			return fail(fmt.Errorf("%s.record.evidence[%d].dataset: dataset evidence is the import's own", ftmmodel.BucketKey, i))
		case ev.Article == "" || r.natives[ev.Article]:
			evidence = append(evidence, ev)
		default:
			// From an article the file does not hold (a network
			// export): kept, as its JSON.
			b, err := json.Marshal(ev)
			if err != nil {
				return importer.Record{}, true, err
			}
			rel.Attributes = append(rel.Attributes, kg.Attribute{Name: ftmmodel.AttrDangling + "evidence", Value: string(b)})
			r.stats.Keep("evidence", 1)
		}
	}
	rel.Evidence = evidence
	return importer.Record{ID: e.ID, Relationships: []kg.Relationship{*rel}, Verbatim: true}, true, nil
}

// inFile reports whether a graph id names an entity of the file: a
// restored one, or one the FtM import makes ("dataset:ref", as
// importer.EntityID derives it, for a ref of the file).
func (r *Reader) inFile(id string) bool {
	if r.natives[id] {
		return true
	}
	if i := strings.IndexByte(id, ':'); i > 0 {
		if x, ok := r.index[id[i+1:]]; ok && !x.native && !x.part {
			return true
		}
	}
	return false
}
