// Package csv reads CSV as importer records, in two layouts:
//
//   - the neo4j-admin layout that `polgraph export --format csv` writes
//     (nodes.csv and relationships.csv with typed headers): a restore, its
//     records written verbatim, ids and all, so that an export round trips;
//   - the spreadsheet layout analysts keep: a file of actors (id, kind,
//     name, aliases, classification, country_code, birth_date, wikidata,
//     description) and a file of ties (from, type, to, role, since, until,
//     source_url, quote), imported with the dataset's provenance.
//
// Which layout a file is in is read from its header. Rows are read one at a
// time; the entities' file is read before the relationships' file.
package csv

import (
	"archive/zip"
	encsv "encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/polgraph/polgraph/internal/importer"
	"github.com/polgraph/polgraph/internal/kg"
)

// Layout is how a CSV file is laid out.
type Layout int

const (
	Unknown       Layout = iota
	Nodes                // neo4j-admin nodes (polgraph export)
	Relationships        // neo4j-admin relationships
	Actors               // spreadsheet actors
	Ties                 // spreadsheet ties
)

func (l Layout) String() string {
	return [...]string{"unknown", "neo4j-admin nodes", "neo4j-admin relationships", "actors", "ties"}[l]
}

// Input is one CSV file to read.
type Input struct {
	Name string // in errors and provenance
	Open func() (io.ReadCloser, error)
	Size int64
}

// FileInput is the file at path.
func FileInput(path string) (Input, error) {
	return importer.OpenFile(path, func(open func() (io.ReadCloser, error), size int64, name string) (Input, error) {
		return Input{Name: name, Size: size, Open: open}, nil
	})
}

// TextInput is a document held in memory (the GraphQL mutation's).
func TextInput(name, text string) Input {
	return Input{Name: name, Size: int64(len(text)), Open: func() (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader(text)), nil
	}}
}

// Inputs lists the CSV files of paths: a directory's nodes.csv and
// relationships.csv (or actors.csv and ties.csv), a zip archive as
// `polgraph export --format csv -o x.zip` writes it, or the files
// themselves.
func Inputs(paths []string) ([]Input, error) {
	var out []Input
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		switch {
		case st.IsDir():
			found := false
			for _, pair := range [][2]string{{"nodes.csv", "relationships.csv"}, {"actors.csv", "ties.csv"}} {
				for _, name := range pair {
					in, err := FileInput(filepath.Join(p, name))
					if err == nil {
						out = append(out, in)
						found = true
					}
				}
			}
			if !found {
				return nil, fmt.Errorf("%s: no nodes.csv/relationships.csv or actors.csv/ties.csv in the directory", p)
			}
		case strings.HasSuffix(strings.ToLower(p), ".zip"):
			zr, err := zip.OpenReader(p)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", p, err)
			}
			for _, f := range zr.File {
				f := f
				if strings.HasSuffix(f.Name, ".csv") {
					out = append(out, Input{Name: filepath.Base(p) + "/" + f.Name, Size: int64(f.UncompressedSize64), Open: f.Open})
				}
			}
			// The archive stays open until the process ends: the
			// inputs read from it.
		default:
			in, err := FileInput(p)
			if err != nil {
				return nil, err
			}
			out = append(out, in)
		}
	}
	return out, nil
}

// Reader yields the records of a set of CSV files, entity files first.
type Reader struct {
	inputs []Input
	files  []file
	cur    int
	open   *openFile
	done   int64 // bytes of the files finished
	total  int64
	seen   map[string]bool // source urls already yielded as articles
}

type file struct {
	in     Input
	layout Layout
	header []string
	col    map[string]int
}

// New reads the inputs' headers, checks the layouts go together (nodes with
// relationships, actors with ties) and orders entity files first.
func New(inputs []Input) (*Reader, error) {
	r := &Reader{seen: map[string]bool{}}
	var ents, rels []file
	for _, in := range inputs {
		f, err := readHeader(in)
		if err != nil {
			return nil, err
		}
		r.total += in.Size
		switch f.layout {
		case Nodes, Actors:
			ents = append(ents, f)
		default:
			rels = append(rels, f)
		}
	}
	r.files = append(ents, rels...)
	restore := 0
	for _, f := range r.files {
		if f.layout == Nodes || f.layout == Relationships {
			restore++
		}
	}
	if restore != 0 && restore != len(r.files) {
		return nil, errors.New("csv: a polgraph export (nodes.csv, relationships.csv) and a spreadsheet (actors, ties) cannot be imported together")
	}
	if len(r.files) == 0 {
		return nil, errors.New("csv: no files")
	}
	return r, nil
}

// LayoutOf reads the header of a file and says its layout.
func LayoutOf(in Input) (Layout, error) {
	f, err := readHeader(in)
	return f.layout, err
}

func readHeader(in Input) (file, error) {
	rc, err := in.Open()
	if err != nil {
		return file{}, err
	}
	defer rc.Close()
	cr := encsv.NewReader(rc)
	cr.FieldsPerRecord = -1
	h, err := cr.Read()
	if err != nil {
		return file{}, fmt.Errorf("%s: header: %w", in.Name, err)
	}
	f := file{in: in, header: h, col: map[string]int{}}
	for i, c := range h {
		c = strings.TrimSpace(strings.TrimPrefix(c, "\ufeff"))
		h[i] = c
		f.col[strings.ToLower(c)] = i
	}
	has := func(c string) bool { _, ok := f.col[c]; return ok }
	switch {
	case has("id:id(entity)"):
		f.layout = Nodes
	case has(":start_id(entity)"):
		f.layout = Relationships
	case has("from") && has("to") && has("type"):
		f.layout = Ties
	case has("id") && has("name"):
		f.layout = Actors
	default:
		return file{}, fmt.Errorf("%s: the header %q is neither polgraph's export layout (id:ID(Entity) or :START_ID(Entity)) nor a spreadsheet's (actors: id, kind, name, ...; ties: from, type, to, ...)", in.Name, strings.Join(h, ","))
	}
	if err := checkColumns(&f); err != nil {
		return file{}, err
	}
	return f, nil
}

var knownColumns = map[Layout][]string{
	Nodes: {"id:id(entity)", ":label", "kind", "name", "aliases:string[]", "description", "identifiers:string[]",
		"birthdate", "deathdate", "gender", "classification", "countrycode", "title", "url", "outlet", "published",
		"summary", "status", "date", "eventtype", "quote", "speaker", "publisher", "licence", "retrieved",
		"attributes", "sources"},
	Relationships: {":start_id(entity)", ":end_id(entity)", ":type", "id", "role", "since:date", "until:date",
		"sincetext", "untiltext", "sources:int", "evidencearticles:string[]", "evidencetitles:string[]",
		"evidenceurls:string[]", "evidencequotes:string[]", "evidenceconfidence:double[]",
		"evidencedatasets:string[]", "evidencerecords:string[]", "evidencefiles:string[]", "evidenceimported:string[]",
		"attributes", "unsupported:boolean"},
	Actors: {"id", "kind", "name", "aliases", "classification", "country_code", "birth_date", "wikidata", "description", "identifiers"},
	Ties:   {"from", "type", "to", "role", "since", "until", "source_url", "quote", "id"},
}

func checkColumns(f *file) error {
	known := map[string]bool{}
	for _, c := range knownColumns[f.layout] {
		known[c] = true
	}
	for _, c := range f.header {
		if !known[strings.ToLower(c)] {
			return fmt.Errorf("%s: column %q is not one of the %s layout's (%s)", f.in.Name, c, f.layout, strings.Join(knownColumns[f.layout], ", "))
		}
	}
	return nil
}

// Progress implements importer.Measured.
func (r *Reader) Progress() (done, total int64) {
	d := r.done
	if r.open != nil && r.open.cr != nil {
		d += r.open.cr.N
	}
	return d, r.total
}

// openFile is the file being read.
type openFile struct {
	file
	rc    io.ReadCloser
	cr    *importer.CountingReader
	csv   *encsv.Reader
	queue []importer.Record
}

// Next implements importer.Reader.
func (r *Reader) Next() (importer.Record, error) {
	for {
		if r.open == nil {
			if r.cur == len(r.files) {
				return importer.Record{}, io.EOF
			}
			f := r.files[r.cur]
			rc, err := f.in.Open()
			if err != nil {
				return importer.Record{}, err
			}
			cr := &importer.CountingReader{R: rc}
			c := encsv.NewReader(cr)
			c.FieldsPerRecord = len(f.header)
			c.ReuseRecord = true
			if _, err := c.Read(); err != nil { // the header
				rc.Close()
				return importer.Record{}, fmt.Errorf("%s: %w", f.in.Name, err)
			}
			r.open = &openFile{file: f, rc: rc, cr: cr, csv: c}
		}
		o := r.open
		if len(o.queue) > 0 {
			rec := o.queue[0]
			o.queue = o.queue[1:]
			return rec, nil
		}
		row, err := o.csv.Read()
		if err == io.EOF {
			o.rc.Close()
			r.done += o.cr.N
			r.open = nil
			r.cur++
			continue
		}
		line, _ := o.csv.FieldPos(0)
		where := fmt.Sprintf("%s:%d", o.in.Name, line)
		if err != nil {
			var pe *encsv.ParseError
			if errors.As(err, &pe) && (errors.Is(err, encsv.ErrFieldCount) || errors.Is(err, encsv.ErrQuote) || errors.Is(err, encsv.ErrBareQuote)) {
				return importer.Record{}, importer.Recordf(fmt.Sprintf("%s:%d", o.in.Name, pe.Line), "", "%v", pe.Err)
			}
			o.rc.Close()
			return importer.Record{}, fmt.Errorf("%s: %w", where, err)
		}
		get := func(c string) string {
			if i, ok := o.col[c]; ok {
				return row[i]
			}
			return ""
		}
		var recs []importer.Record
		switch o.layout {
		case Nodes:
			var rec importer.Record
			rec, err = nodeRecord(where, get)
			recs = []importer.Record{rec}
		case Relationships:
			var rec importer.Record
			rec, err = relRecord(where, get)
			recs = []importer.Record{rec}
		case Actors:
			var rec importer.Record
			rec, err = actorRecord(where, get)
			recs = []importer.Record{rec}
		case Ties:
			recs, err = r.tieRecords(where, get)
		}
		if err != nil {
			return importer.Record{}, err
		}
		o.queue = append(o.queue, recs...)
	}
}

const arraySep = ";"

func list(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, arraySep)
}

func parseIdentifiers(rec, field string, items []string) ([]kg.Identifier, error) {
	var out []kg.Identifier
	for i, it := range items {
		scheme, value, ok := strings.Cut(it, ":")
		if !ok || scheme == "" || value == "" {
			return nil, importer.Recordf(rec, fmt.Sprintf("%s[%d]", field, i), "%q is not scheme:value", it)
		}
		out = append(out, kg.Identifier{Scheme: scheme, Value: value})
	}
	return out, nil
}

func nodeRecord(where string, get func(string) string) (importer.Record, error) {
	id := get("id:id(entity)")
	rec := id
	if rec == "" {
		rec = where
	}
	kind := kg.Kind(get("kind"))
	if kind == "" {
		k, err := kg.ParseKind(get(":label"))
		if err != nil {
			return importer.Record{}, importer.Recordf(rec, "kind", "%v", err)
		}
		kind = k
	}
	if !kind.Valid() {
		return importer.Record{}, importer.Recordf(rec, "kind", "unknown kind %q", kind)
	}
	e := &kg.Entity{ID: id, Kind: kind, Name: get("name"), Aliases: list(get("aliases:string[]")),
		Description: get("description"), Gender: get("gender"), Classification: kg.OrgClass(get("classification")),
		CountryCode: get("countrycode"), Title: get("title"), URL: get("url"), Outlet: get("outlet"),
		Summary: get("summary"), Status: kg.AllegationStatus(get("status")), EventType: get("eventtype"),
		Quote: get("quote"), Speaker: get("speaker"), Publisher: get("publisher"), Licence: get("licence")}
	ids, err := parseIdentifiers(rec, "identifiers", list(get("identifiers:string[]")))
	if err != nil {
		return importer.Record{}, err
	}
	e.Identifiers = ids
	if err := jsonColumn(rec, "attributes", get("attributes"), &e.Attributes); err != nil {
		return importer.Record{}, err
	}
	if err := jsonColumn(rec, "sources", get("sources"), &e.Sources); err != nil {
		return importer.Record{}, err
	}
	for _, d := range []struct {
		col string
		dst *kg.Date
	}{{"birthdate", &e.BirthDate}, {"deathdate", &e.DeathDate}, {"published", &e.Published}, {"date", &e.Date}, {"retrieved", &e.Retrieved}} {
		v, err := importer.ParseDate(rec, d.col, get(d.col))
		if err != nil {
			return importer.Record{}, err
		}
		*d.dst = v
	}
	return importer.Record{ID: rec, Entity: e, Verbatim: true}, nil
}

func relRecord(where string, get func(string) string) (importer.Record, error) {
	id := get("id")
	rec := id
	if rec == "" {
		rec = where
	}
	t := kg.RelType(get(":type"))
	if !t.Valid() {
		return importer.Record{}, importer.Recordf(rec, ":TYPE", "unknown relationship type %q", t)
	}
	r := kg.Relationship{ID: id, Type: t, From: get(":start_id(entity)"), To: get(":end_id(entity)"), Role: get("role")}
	var err error
	if r.Since, err = importer.ParseDate(rec, "sinceText", get("sincetext")); err != nil {
		return importer.Record{}, err
	}
	if r.Until, err = importer.ParseDate(rec, "untilText", get("untiltext")); err != nil {
		return importer.Record{}, err
	}
	// The evidence lists are parallel, one element per piece; every
	// piece has a confidence, so that list counts them.
	conf := list(get("evidenceconfidence:double[]"))
	lists := map[string][]string{}
	for _, c := range []string{"evidencearticles:string[]", "evidencequotes:string[]", "evidencedatasets:string[]",
		"evidencerecords:string[]", "evidencefiles:string[]", "evidenceimported:string[]"} {
		l := list(get(c))
		if len(l) > len(conf) {
			return importer.Record{}, importer.Recordf(rec, c, "%d elements for %d pieces of evidence (evidenceConfidence)", len(l), len(conf))
		}
		lists[c] = l
	}
	at := func(c string, i int) string {
		if l := lists[c]; i < len(l) {
			return l[i]
		}
		return ""
	}
	for i := range conf {
		c, err := strconv.ParseFloat(conf[i], 64)
		if err != nil {
			return importer.Record{}, importer.Recordf(rec, fmt.Sprintf("evidenceConfidence[%d]", i), "%q is not a number", conf[i])
		}
		ev := kg.Evidence{Article: at("evidencearticles:string[]", i), Quote: at("evidencequotes:string[]", i), Confidence: c,
			Dataset: at("evidencedatasets:string[]", i), Record: at("evidencerecords:string[]", i), File: at("evidencefiles:string[]", i)}
		if ts := at("evidenceimported:string[]", i); ts != "" {
			t, err := time.Parse(time.RFC3339Nano, ts)
			if err != nil {
				return importer.Record{}, importer.Recordf(rec, fmt.Sprintf("evidenceImported[%d]", i), "%q is not an RFC 3339 time", ts)
			}
			ev.Imported = t
		}
		r.Evidence = append(r.Evidence, ev)
	}
	if err := jsonColumn(rec, "attributes", get("attributes"), &r.Attributes); err != nil {
		return importer.Record{}, err
	}
	switch u := get("unsupported:boolean"); u {
	case "", "false":
	case "true":
		r.Unsupported = true
	default:
		return importer.Record{}, importer.Recordf(rec, "unsupported", "%q is not true or false", u)
	}
	return importer.Record{ID: rec, Relationships: []kg.Relationship{r}, Verbatim: true}, nil
}

// jsonColumn decodes a column holding a JSON array ("" is none).
func jsonColumn(rec, field, s string, v any) error {
	if s == "" {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return importer.Recordf(rec, field, "not a JSON array of the export's objects: %v", err)
	}
	return nil
}

// kinds a spreadsheet may name, lower-cased.
func parseKind(s string) (kg.Kind, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	switch s {
	case "ORG", "ORGANISATION":
		s = "ORGANIZATION"
	case "":
		s = "PERSON"
	}
	k := kg.Kind(s)
	return k, k.Valid() && k != kg.Dataset
}

func actorRecord(where string, get func(string) string) (importer.Record, error) {
	id := strings.TrimSpace(get("id"))
	if id == "" {
		return importer.Record{}, importer.Recordf(where, "id", "an actor needs an id")
	}
	kind, ok := parseKind(get("kind"))
	if !ok {
		return importer.Record{}, importer.Recordf(id, "kind", "%q is not a kind (person, organization, country, ...)", get("kind"))
	}
	e := &kg.Entity{ID: id, Kind: kind, Name: get("name"), Aliases: list(get("aliases")), Description: get("description")}
	if strings.TrimSpace(e.Name) == "" {
		return importer.Record{}, importer.Recordf(id, "name", "an actor needs a name")
	}
	if c := strings.TrimSpace(get("classification")); c != "" {
		if kind != kg.Organization {
			return importer.Record{}, importer.Recordf(id, "classification", "only organizations have a classification")
		}
		e.Classification = kg.OrgClass(strings.ToUpper(strings.ReplaceAll(c, " ", "_")))
		if !e.Classification.Valid() {
			return importer.Record{}, importer.Recordf(id, "classification", "%q is not one of %v", c, kg.OrgClasses)
		}
	}
	if c := strings.TrimSpace(get("country_code")); c != "" {
		if kind != kg.Country {
			return importer.Record{}, importer.Recordf(id, "country_code", "only countries have a country code")
		}
		e.CountryCode = c
	}
	if b := get("birth_date"); strings.TrimSpace(b) != "" {
		if kind != kg.Person {
			return importer.Record{}, importer.Recordf(id, "birth_date", "only persons have a birth date")
		}
		d, err := importer.ParseDate(id, "birth_date", b)
		if err != nil {
			return importer.Record{}, err
		}
		e.BirthDate = d
	}
	if q := strings.TrimSpace(get("wikidata")); q != "" {
		e.Identifiers = append(e.Identifiers, kg.Identifier{Scheme: "wikidata", Value: q})
	}
	more, err := parseIdentifiers(id, "identifiers", list(get("identifiers")))
	if err != nil {
		return importer.Record{}, err
	}
	e.Identifiers = append(e.Identifiers, more...)
	return importer.Record{ID: id, Entity: e}, nil
}

func (r *Reader) tieRecords(where string, get func(string) string) ([]importer.Record, error) {
	from, to := strings.TrimSpace(get("from")), strings.TrimSpace(get("to"))
	typ := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(get("type")), " ", "_"))
	id := strings.TrimSpace(get("id"))
	if id == "" {
		id = "tie/" + from + "/" + typ + "/" + to + "/" + importer.ShortHash(get("role")+"\xff"+get("since")+"\xff"+get("until")+"\xff")
	}
	if from == "" {
		return nil, importer.Recordf(id, "from", "a tie needs the id of the actor it is from (%s)", where)
	}
	if to == "" {
		return nil, importer.Recordf(id, "to", "a tie needs the id of the actor it goes to (%s)", where)
	}
	t := kg.RelType(typ)
	if !t.Valid() {
		return nil, importer.Recordf(id, "type", "%q is not a relationship type (%v)", get("type"), kg.RelTypes)
	}
	rel := kg.Relationship{Type: t, From: from, To: to, Role: get("role")}
	var err error
	if rel.Since, err = importer.ParseDate(id, "since", get("since")); err != nil {
		return nil, err
	}
	if rel.Until, err = importer.ParseDate(id, "until", get("until")); err != nil {
		return nil, err
	}
	if !rel.Since.IsZero() && !rel.Until.IsZero() && rel.Since.Lo() > rel.Until.Hi() {
		return nil, importer.Recordf(id, "until", "%s is before since %s", rel.Until, rel.Since)
	}
	var out []importer.Record
	quote := strings.TrimSpace(get("quote"))
	if u := strings.TrimSpace(get("source_url")); u != "" {
		// The source becomes an article (named by its URL) the tie's
		// evidence cites, with the quote.
		if !r.seen[u] {
			r.seen[u] = true
			out = append(out, importer.Record{ID: u, Entity: &kg.Entity{ID: u, Kind: kg.Article, Name: u, Title: u, URL: u}})
		}
		rel.Evidence = []kg.Evidence{{Article: u, Quote: quote, Confidence: 1}}
		rel.Attributes = []kg.Attribute{{Name: "source_url", Value: u}}
	} else if quote != "" {
		// The quote is the spreadsheet row's own evidence.
		rel.Evidence = []kg.Evidence{{Quote: quote, Confidence: 1}}
	}
	return append(out, importer.Record{ID: id, Relationships: []kg.Relationship{rel}}), nil
}
