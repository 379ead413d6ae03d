package embedded

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/polgraph/polgraph/internal/kg"
)

// Records are stored in a compact binary encoding (schema 3): a version
// byte, then the fields in a fixed order, strings as a length (uvarint)
// and bytes, dates packed (packDate) as uvarints, confidences as float64
// bits, times as a presence uvarint then Unix microseconds (varint). The
// record's key is its id, so the id is not repeated in the value.
// Decoding is a linear read with one allocation per record, where JSON
// (schema 1) cost most of Open.
//
// Schema 3 is schema 2 with provenance: an entity record ends with death
// date, gender, publisher, licence, retrieved, attributes and sources; a
// relationship's evidence carries dataset, record, file and import time,
// and the record ends with attributes and flags (unsupported). The version
// byte tells them apart, and a schema-1 record is a JSON object starting
// with '{', which no binary record does: decode reads all three, so that a
// data directory part-way through its migration (migrate.go) is readable.
const (
	recEntityV2       = 0x02
	recRelationshipV2 = 0x12
	recEntityV3       = 0x03
	recRelationshipV3 = 0x13
)

// isCurrent reports whether a stored record is in schema 3's encoding.
func isCurrent(v []byte) bool {
	return len(v) > 0 && (v[0] == recEntityV3 || v[0] == recRelationshipV3)
}

var errShortRecord = errors.New("record ends early")

type recWriter struct{ b []byte }

func (w *recWriter) str(s string) {
	w.b = binary.AppendUvarint(w.b, uint64(len(s)))
	w.b = append(w.b, s...)
}

func (w *recWriter) uint(n uint64) { w.b = binary.AppendUvarint(w.b, n) }

func (w *recWriter) date(d kg.Date) { w.uint(uint64(packDate(d))) }

func (w *recWriter) time(t time.Time) {
	if t.IsZero() {
		w.uint(0)
		return
	}
	w.uint(1)
	w.b = binary.AppendVarint(w.b, t.UnixMicro())
}

func (w *recWriter) strs(ss []string) {
	w.uint(uint64(len(ss)))
	for _, s := range ss {
		w.str(s)
	}
}

// source writes a provenance: an entity's kg.Source, or the dataset fields
// of a kg.Evidence.
func (w *recWriter) source(src kg.Source) {
	w.str(src.Dataset)
	w.str(src.Record)
	w.str(src.File)
	w.time(src.Imported)
}

func (w *recWriter) attributes(attrs []kg.Attribute) {
	w.uint(uint64(len(attrs)))
	for _, a := range attrs {
		w.str(a.Name)
		w.str(a.Value)
	}
}

// encodeEntity appends e's record (without its id, the key) to buf.
func encodeEntity(buf []byte, e *kg.Entity) []byte {
	w := recWriter{b: append(buf, recEntityV3)}
	w.str(string(e.Kind))
	w.str(e.Name)
	w.strs(e.Aliases)
	w.str(e.Description)
	w.uint(uint64(len(e.Identifiers)))
	for _, id := range e.Identifiers {
		w.str(id.Scheme)
		w.str(id.Value)
	}
	w.date(e.BirthDate)
	w.str(string(e.Classification))
	w.str(e.CountryCode)
	w.str(e.Title)
	w.str(e.URL)
	w.str(e.Outlet)
	w.date(e.Published)
	w.str(e.Text)
	w.str(e.Summary)
	w.str(string(e.Status))
	w.date(e.Date)
	w.str(e.EventType)
	w.str(e.Quote)
	w.str(e.Speaker)
	// Schema 3.
	w.date(e.DeathDate)
	w.str(e.Gender)
	w.str(e.Publisher)
	w.str(e.Licence)
	w.date(e.Retrieved)
	w.attributes(e.Attributes)
	w.uint(uint64(len(e.Sources)))
	for _, src := range e.Sources {
		w.source(src)
	}
	// Optional tail: absent in records written before merges existed,
	// and when empty.
	if len(e.MergedFrom) > 0 {
		w.strs(e.MergedFrom)
	}
	return w.b
}

// encodeRelationship appends r's record (without its id, the key) to buf.
func encodeRelationship(buf []byte, r *kg.Relationship) []byte {
	w := recWriter{b: append(buf, recRelationshipV3)}
	w.str(string(r.Type))
	w.str(r.From)
	w.str(r.To)
	w.str(r.Role)
	w.date(r.Since)
	w.date(r.Until)
	w.uint(uint64(len(r.Evidence)))
	for _, ev := range r.Evidence {
		w.str(ev.Article)
		w.str(ev.Quote)
		w.b = binary.LittleEndian.AppendUint64(w.b, math.Float64bits(ev.Confidence))
		w.source(kg.Source{Dataset: ev.Dataset, Record: ev.Record, File: ev.File, Imported: ev.Imported})
	}
	w.attributes(r.Attributes)
	var flags uint64
	if r.Unsupported {
		flags |= relUnsupported
	}
	w.uint(flags)
	return w.b
}

// recReader reads a record. Strings are views of s: the caller that keeps
// them must make s a copy of storage's bytes (bbolt's are valid only in
// the transaction).
type recReader struct {
	s   string
	err error
}

func (r *recReader) uint() uint64 {
	if r.err != nil {
		return 0
	}
	// binary.Uvarint on a string without copying it.
	var x uint64
	for i, shift := 0, uint(0); i < len(r.s) && i < binary.MaxVarintLen64; i, shift = i+1, shift+7 {
		c := r.s[i]
		if c < 0x80 {
			r.s = r.s[i+1:]
			return x | uint64(c)<<shift
		}
		x |= uint64(c&0x7f) << shift
	}
	r.err = errShortRecord
	return 0
}

func (r *recReader) str() string {
	n := r.uint()
	if r.err != nil {
		return ""
	}
	if n > uint64(len(r.s)) {
		r.err = errShortRecord
		return ""
	}
	s := r.s[:n]
	r.s = r.s[n:]
	return s
}

func (r *recReader) date() kg.Date { return unpackDate(int32(r.uint())) }

func (r *recReader) time() time.Time {
	if r.uint() == 0 || r.err != nil {
		return time.Time{}
	}
	// binary.AppendVarint writes the uvarint of the zigzag encoding.
	x := r.uint()
	if r.err != nil {
		return time.Time{}
	}
	v := int64(x >> 1)
	if x&1 != 0 {
		v = ^v
	}
	return time.UnixMicro(v).UTC()
}

// source reads what recWriter.source wrote, copying its strings when
// asked.
func (r *recReader) source(copyStrings bool) kg.Source {
	ds, rec, file := r.str(), r.str(), r.str()
	if copyStrings {
		ds, rec, file = clone(ds), clone(rec), clone(file)
	}
	return kg.Source{Dataset: ds, Record: rec, File: file, Imported: r.time()}
}

// attributes reads an attribute list, copying its strings when asked.
func (r *recReader) attributes(copyStrings bool) []kg.Attribute {
	n := r.count()
	if n == 0 {
		return nil
	}
	out := make([]kg.Attribute, n)
	for i := range out {
		name, value := r.str(), r.str()
		if copyStrings {
			name, value = clone(name), clone(value)
		}
		out[i] = kg.Attribute{Name: name, Value: value}
	}
	return out
}

func (r *recReader) float() float64 {
	if r.err != nil {
		return 0
	}
	if len(r.s) < 8 {
		r.err = errShortRecord
		return 0
	}
	v := uint64(r.s[0]) | uint64(r.s[1])<<8 | uint64(r.s[2])<<16 | uint64(r.s[3])<<24 |
		uint64(r.s[4])<<32 | uint64(r.s[5])<<40 | uint64(r.s[6])<<48 | uint64(r.s[7])<<56
	r.s = r.s[8:]
	return math.Float64frombits(v)
}

// count reads a list length, refusing one that the rest of the record
// cannot hold (each element takes at least a byte).
func (r *recReader) count() int {
	n := r.uint()
	if n > uint64(len(r.s)) {
		if r.err == nil {
			r.err = errShortRecord
		}
		return 0
	}
	return int(n)
}

func (r *recReader) end() error {
	if r.err == nil && len(r.s) != 0 {
		r.err = fmt.Errorf("%d bytes after the record", len(r.s))
	}
	return r.err
}

// decodeEntity decodes the entity stored under key; the result shares no
// memory with key or v.
func decodeEntity(key, v []byte) (kg.Entity, error) {
	var e kg.Entity
	if len(v) > 0 && v[0] == '{' {
		if err := json.Unmarshal(v, &e); err != nil {
			return kg.Entity{}, fmt.Errorf("entity %q: %w", key, err)
		}
		return e, nil
	}
	if len(v) == 0 || (v[0] != recEntityV2 && v[0] != recEntityV3) {
		return kg.Entity{}, fmt.Errorf("entity %q: not a record this version reads", key)
	}
	// One copy of the record, which every string of the entity views.
	r := recReader{s: string(v[1:])}
	e.ID = string(key)
	e.Kind = kg.Kind(r.str())
	e.Name = r.str()
	if n := r.count(); n > 0 {
		e.Aliases = make([]string, n)
		for i := range e.Aliases {
			e.Aliases[i] = r.str()
		}
	}
	e.Description = r.str()
	if n := r.count(); n > 0 {
		e.Identifiers = make([]kg.Identifier, n)
		for i := range e.Identifiers {
			e.Identifiers[i] = kg.Identifier{Scheme: r.str(), Value: r.str()}
		}
	}
	e.BirthDate = r.date()
	e.Classification = kg.OrgClass(r.str())
	e.CountryCode = r.str()
	e.Title = r.str()
	e.URL = r.str()
	e.Outlet = r.str()
	e.Published = r.date()
	e.Text = r.str()
	e.Summary = r.str()
	e.Status = kg.AllegationStatus(r.str())
	e.Date = r.date()
	e.EventType = r.str()
	e.Quote = r.str()
	e.Speaker = r.str()
	if v[0] == recEntityV3 {
		e.DeathDate = r.date()
		e.Gender = r.str()
		e.Publisher = r.str()
		e.Licence = r.str()
		e.Retrieved = r.date()
		e.Attributes = r.attributes(false)
		if n := r.count(); n > 0 {
			e.Sources = make([]kg.Source, n)
			for i := range e.Sources {
				e.Sources[i] = r.source(false)
			}
		}
	}
	if r.err == nil && len(r.s) > 0 {
		// The tail is written only when the list is not empty.
		n := r.count()
		if n == 0 && r.err == nil {
			r.err = errors.New("empty merged-from list")
		}
		if n > 0 {
			e.MergedFrom = make([]string, n)
			for i := range e.MergedFrom {
				e.MergedFrom[i] = r.str()
			}
		}
	}
	if err := r.end(); err != nil {
		return kg.Entity{}, fmt.Errorf("entity %q: %w", key, err)
	}
	return e, nil
}

// relFields is a relationship record read without copying: its strings
// view the record, valid as long as the bytes decoded are.
type relFields struct {
	typ, from, to, role string
	since, until        kg.Date
	evidence            recReader // positioned at the evidence count
	v3                  bool      // schema 3: evidence with provenance, then extras
}

// relExtra is what a schema-3 relationship record holds after its
// evidence.
type relExtra struct {
	attributes  []kg.Attribute
	unsupported bool
}

// readRelationship reads a binary relationship record; json reports a
// schema-1 record, which the caller decodes with decodeRelationship.
func readRelationship(v string) (f relFields, json bool, err error) {
	if len(v) > 0 && v[0] == '{' {
		return relFields{}, true, nil
	}
	if len(v) == 0 || (v[0] != recRelationshipV2 && v[0] != recRelationshipV3) {
		return relFields{}, false, errors.New("not a record this version reads")
	}
	f.v3 = v[0] == recRelationshipV3
	r := recReader{s: v[1:]}
	f.typ, f.from, f.to, f.role = r.str(), r.str(), r.str(), r.str()
	f.since, f.until = r.date(), r.date()
	f.evidence = r
	return f, false, r.err
}

// readEvidence reads the evidence list of a record, copying its strings
// (copy false keeps views of the record); readExtra reads the rest.
func (f *relFields) readEvidence(copyStrings bool) ([]kg.Evidence, error) {
	r := &f.evidence
	n := r.count()
	if n == 0 {
		return nil, r.err
	}
	out := make([]kg.Evidence, n)
	for i := range out {
		a, q := r.str(), r.str()
		if copyStrings {
			a, q = clone(a), clone(q)
		}
		out[i] = kg.Evidence{Article: a, Quote: q, Confidence: r.float()}
		if f.v3 {
			src := r.source(copyStrings)
			out[i].Dataset, out[i].Record, out[i].File, out[i].Imported = src.Dataset, src.Record, src.File, src.Imported
		}
	}
	return out, r.err
}

// readExtra reads what follows the evidence (schema 3) and checks that the
// record ends there; call it after readEvidence.
func (f *relFields) readExtra(copyStrings bool) (relExtra, error) {
	r := &f.evidence
	var x relExtra
	if f.v3 {
		x.attributes = r.attributes(copyStrings)
		x.unsupported = r.uint()&relUnsupported != 0
	}
	return x, r.end()
}

func clone(s string) string {
	if s == "" {
		return ""
	}
	return string([]byte(s))
}

// decodeRelationship decodes the relationship stored under key; the result
// shares no memory with key or v.
func decodeRelationship(key, v []byte) (kg.Relationship, error) {
	var r kg.Relationship
	if len(v) > 0 && v[0] == '{' {
		if err := json.Unmarshal(v, &r); err != nil {
			return kg.Relationship{}, fmt.Errorf("relationship %q: %w", key, err)
		}
		return r, nil
	}
	f, _, err := readRelationship(string(v))
	if err != nil {
		return kg.Relationship{}, fmt.Errorf("relationship %q: %w", key, err)
	}
	ev, err := f.readEvidence(false)
	if err != nil {
		return kg.Relationship{}, fmt.Errorf("relationship %q: %w", key, err)
	}
	x, err := f.readExtra(false)
	if err != nil {
		return kg.Relationship{}, fmt.Errorf("relationship %q: %w", key, err)
	}
	return kg.Relationship{
		ID: string(key), Type: kg.RelType(f.typ), From: f.from, To: f.to, Role: f.role,
		Since: f.since, Until: f.until, Evidence: ev,
		Attributes: x.attributes, Unsupported: x.unsupported,
	}, nil
}
