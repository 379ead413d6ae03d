package neo4j

import (
	"fmt"
	"slices"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/polgraph/polgraph/internal/kg"
)

// Property keys. Every key the package writes is listed here (the lint
// declares them, and a key not among them is reported as unknown).
var propertyKeys = []string{
	// Key nodes and ASSERTS relationships.
	"key", "rel",
	// Entities.
	"id", "kind", "name", "aliases", "search_text", "description",
	"ident_schemes", "ident_values",
	"birth_date", "classification", "country_code",
	"title", "url", "outlet", "published", "text",
	"summary", "status", "date", "event_type", "quote", "speaker",
	"death_date", "gender", "publisher", "licence", "retrieved",
	"attr_names", "attr_values",
	"src_datasets", "src_records", "src_files", "src_imported",
	"merged_from",
	// Relationships.
	"role", "since", "until", "since_lo", "until_hi",
	"ev_articles", "ev_quotes", "ev_confidence", "sources",
	"ev_datasets", "ev_records", "ev_files", "ev_imported", "unsupported",
	// API keys.
	"hash", "created", "created_by", "revoked", "revoked_by",
	// Audit records (and subjects: id).
	"actor", "data",
	// Proposals (id, status and data are above).
	"article",
	// Duplicate pairs.
	"pair", "a", "b", "score", "reasons", "found", "verdict", "judged_by", "judged_at",
	// Write locks (never stored: set and removed in one statement).
	"_lock", "_new",
}

// rowKeys are the keys of the maps sent as UNWIND rows, which statements
// read with property syntax (row.src); the lint declares them too.
var rowKeys = []string{"props", "keys", "i", "src", "dst", "source", "node", "score", "created", "text", "entity",
	"pair", "a", "b", "kind", "reasons", "found"}

// entityRow is the UNWIND row of an entity upsert: the node's properties and
// its lookup keys.
func entityRow(e kg.Entity) map[string]any {
	return map[string]any{
		"id":    e.ID,
		"props": entityProps(e),
		"keys":  anyStrings(entityKeys(e)),
	}
}

// entityDatasets are the datasets an entity has a source record from, each
// once: its SOURCE_OF links.
func entityDatasets(e kg.Entity) []string {
	var out []string
	for _, s := range e.Sources {
		if !slices.Contains(out, s.Dataset) {
			out = append(out, s.Dataset)
		}
	}
	return out
}

// entityProps flattens an entity into node properties. Empty values are left
// out (Neo4j has no null property), and read back as empty.
func entityProps(e kg.Entity) map[string]any {
	p := map[string]any{"id": e.ID, "kind": string(e.Kind), "name": e.Name}
	str := func(k, v string) {
		if v != "" {
			p[k] = v
		}
	}
	if len(e.Aliases) > 0 {
		p["aliases"] = anyStrings(e.Aliases)
	}
	// Always set (even empty), so that Migrate's backfill of entities
	// written before it existed ends.
	p["search_text"] = kg.SearchText(&e)
	str("description", e.Description)
	if len(e.Identifiers) > 0 {
		schemes := make([]any, len(e.Identifiers))
		values := make([]any, len(e.Identifiers))
		for i, id := range e.Identifiers {
			schemes[i], values[i] = id.Scheme, id.Value
		}
		p["ident_schemes"], p["ident_values"] = schemes, values
	}
	str("birth_date", e.BirthDate.String())
	str("classification", string(e.Classification))
	str("country_code", e.CountryCode)
	str("title", e.Title)
	str("url", e.URL)
	str("outlet", e.Outlet)
	str("published", e.Published.String())
	str("text", e.Text)
	str("summary", e.Summary)
	str("status", string(e.Status))
	str("date", e.Date.String())
	str("event_type", e.EventType)
	str("quote", e.Quote)
	str("speaker", e.Speaker)
	str("death_date", e.DeathDate.String())
	str("gender", e.Gender)
	str("publisher", e.Publisher)
	str("licence", e.Licence)
	str("retrieved", e.Retrieved.String())
	attributeProps(p, e.Attributes)
	if len(e.Sources) > 0 {
		setSourceLists(p, "src_", len(e.Sources), func(i int) (string, string, string, time.Time) {
			src := &e.Sources[i]
			return src.Dataset, src.Record, src.File, src.Imported
		})
	}
	if len(e.MergedFrom) > 0 {
		p["merged_from"] = anyStrings(e.MergedFrom)
	}
	return p
}

// attributeProps stores attributes as parallel lists of names and values.
func attributeProps(p map[string]any, attrs []kg.Attribute) {
	if len(attrs) == 0 {
		return
	}
	names := make([]any, len(attrs))
	values := make([]any, len(attrs))
	for i, a := range attrs {
		names[i], values[i] = a.Name, a.Value
	}
	p["attr_names"], p["attr_values"] = names, values
}

// readAttributes reads attributes back from their parallel lists.
func readAttributes(e neo4j.Entity, what string) ([]kg.Attribute, error) {
	names, err := stringList(e, "attr_names")
	if err != nil {
		return nil, err
	}
	values, err := stringList(e, "attr_values")
	if err != nil {
		return nil, err
	}
	if len(names) != len(values) {
		return nil, fmt.Errorf("%s: %d attribute names for %d values", what, len(names), len(values))
	}
	var out []kg.Attribute
	for i := range names {
		out = append(out, kg.Attribute{Name: names[i], Value: values[i]})
	}
	return out, nil
}

// timeProp is an import time as stored: RFC 3339 with microseconds, ""
// for none (lists hold no nulls).
func timeProp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func parseTimeProp(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t.UTC(), err
}

// entityKeys are the Key nodes an entity is found by in FindEntities: one per
// identifier, one per normalised name or alias within its kind.
func entityKeys(e kg.Entity) []string {
	seen := map[string]bool{}
	var keys []string
	add := func(k string) {
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	for _, id := range e.Identifiers {
		add(identifierKey(id))
	}
	for _, n := range e.Names() {
		if nn := kg.NormalizeName(n); nn != "" {
			add(nameKey(e.Kind, nn))
		}
	}
	for _, id := range e.MergedFrom {
		add(redirectKey(id))
	}
	return keys
}

// redirectKey finds the survivor of a merge by an id merged into it.
func redirectKey(id string) string { return "merged\x00" + id }

func identifierKey(id kg.Identifier) string { return "id\x00" + id.Scheme + "\x00" + id.Value }

func nameKey(k kg.Kind, normalized string) string {
	return "name\x00" + string(k) + "\x00" + normalized
}

// matchKeys are the keys FindEntities looks up, identifiers first.
func matchKeys(m kg.Match) []string {
	var keys []string
	seen := map[string]bool{}
	add := func(k string) {
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	for _, id := range m.Identifiers {
		add(identifierKey(id))
	}
	for _, n := range m.Names {
		if nn := kg.NormalizeName(n); nn != "" {
			add(nameKey(m.Kind, nn))
		}
	}
	return keys
}

// propReader reads a node's properties, keeping the first error, so that a
// record is mapped field by field and checked once.
type propReader struct {
	n   dbtype.Node
	err error
}

func (p *propReader) str(key string) string {
	if p.err != nil {
		return ""
	}
	var v string
	v, p.err = optProperty[string](p.n, key)
	return v
}

// parsedProp reads a string property and parses it; absent is T's zero.
func parsedProp[T any](p *propReader, key string, parse func(string) (T, error)) T {
	var v T
	if s := p.str(key); p.err == nil && s != "" {
		if v, p.err = parse(s); p.err != nil {
			p.err = fmt.Errorf("%s: %w", key, p.err)
		}
	}
	return v
}

// entityFromNode reads an entity back from its node.
func entityFromNode(n dbtype.Node) (kg.Entity, error) {
	var e kg.Entity
	p := &propReader{n: n}
	get := p.str
	date := func(key string) kg.Date { return parsedProp(p, key, kg.ParseDate) }
	e.ID = get("id")
	e.Kind = kg.Kind(get("kind"))
	e.Name = get("name")
	e.Description = get("description")
	e.BirthDate = date("birth_date")
	e.Classification = kg.OrgClass(get("classification"))
	e.CountryCode = get("country_code")
	e.Title = get("title")
	e.URL = get("url")
	e.Outlet = get("outlet")
	e.Published = date("published")
	e.Text = get("text")
	e.Summary = get("summary")
	e.Status = kg.AllegationStatus(get("status"))
	e.Date = date("date")
	e.EventType = get("event_type")
	e.Quote = get("quote")
	e.Speaker = get("speaker")
	e.DeathDate = date("death_date")
	e.Gender = get("gender")
	e.Publisher = get("publisher")
	e.Licence = get("licence")
	e.Retrieved = date("retrieved")
	if p.err != nil {
		return kg.Entity{}, fmt.Errorf("node %s: %w", n.ElementId, p.err)
	}
	var err error
	if e.Aliases, err = stringList(n, "aliases"); err != nil {
		return kg.Entity{}, err
	}
	if e.MergedFrom, err = stringList(n, "merged_from"); err != nil {
		return kg.Entity{}, err
	}
	schemes, err := stringList(n, "ident_schemes")
	if err != nil {
		return kg.Entity{}, err
	}
	values, err := stringList(n, "ident_values")
	if err != nil {
		return kg.Entity{}, err
	}
	if len(schemes) != len(values) {
		return kg.Entity{}, fmt.Errorf("node %s: %d identifier schemes for %d values", n.ElementId, len(schemes), len(values))
	}
	for i := range schemes {
		e.Identifiers = append(e.Identifiers, kg.Identifier{Scheme: schemes[i], Value: values[i]})
	}
	if e.Attributes, err = readAttributes(n, "node "+n.ElementId); err != nil {
		return kg.Entity{}, err
	}
	var srcLists [4][]string
	for i, key := range []string{"src_datasets", "src_records", "src_files", "src_imported"} {
		if srcLists[i], err = stringList(n, key); err != nil {
			return kg.Entity{}, err
		}
	}
	for i := range srcLists[0] {
		if len(srcLists[1]) != len(srcLists[0]) || len(srcLists[2]) != len(srcLists[0]) || len(srcLists[3]) != len(srcLists[0]) {
			return kg.Entity{}, fmt.Errorf("node %s: source lists of unequal length", n.ElementId)
		}
		t, err := parseTimeProp(srcLists[3][i])
		if err != nil {
			return kg.Entity{}, fmt.Errorf("node %s: src_imported[%d]: %w", n.ElementId, i, err)
		}
		e.Sources = append(e.Sources, kg.Source{Dataset: srcLists[0][i], Record: srcLists[1][i], File: srcLists[2][i], Imported: t})
	}
	if !e.Kind.Valid() {
		return kg.Entity{}, fmt.Errorf("node %s: unknown kind %q", n.ElementId, e.Kind)
	}
	return e, nil
}

// relRow is the UNWIND row that creates a relationship.
func relRow(r kg.Relationship) map[string]any {
	return map[string]any{"src": r.From, "dst": r.To, "props": relProps(r)}
}

// relProps flattens a relationship into properties: dates as strings (at
// their precision) plus the ordinals since_lo / until_hi that asOf compares
// against, evidence as parallel lists (the dataset lists only when some
// evidence is a dataset's: "" in ev_articles for a dataset's piece, in
// ev_datasets for an article's) and its distinct source count as sources
// (for minSources), attributes as parallel lists, unsupported only when
// set (it is indexed: listing the flagged relationships is a seek).
func relProps(r kg.Relationship) map[string]any {
	p := map[string]any{
		"id":       r.ID,
		"since_lo": int64(r.Since.Lo()),
		"until_hi": int64(r.Until.Hi()),
		"sources":  int64(r.Sources()),
	}
	if r.Role != "" {
		p["role"] = r.Role
	}
	if !r.Since.IsZero() {
		p["since"] = r.Since.String()
	}
	if !r.Until.IsZero() {
		p["until"] = r.Until.String()
	}
	if len(r.Evidence) > 0 {
		arts := make([]any, len(r.Evidence))
		quotes := make([]any, len(r.Evidence))
		conf := make([]any, len(r.Evidence))
		hasDataset := false
		for i, ev := range r.Evidence {
			arts[i], quotes[i], conf[i] = ev.Article, ev.Quote, ev.Confidence
			hasDataset = hasDataset || ev.Dataset != ""
		}
		p["ev_articles"], p["ev_quotes"], p["ev_confidence"] = arts, quotes, conf
		if hasDataset {
			setSourceLists(p, "ev_", len(r.Evidence), func(i int) (string, string, string, time.Time) {
				ev := &r.Evidence[i]
				return ev.Dataset, ev.Record, ev.File, ev.Imported
			})
		}
	}
	attributeProps(p, r.Attributes)
	if r.Unsupported {
		p["unsupported"] = true
	}
	return p
}

// relationshipFrom reads a relationship from a record with src, r and dst.
func relationshipFromRecord(rec *neo4j.Record) (kg.Relationship, error) {
	rel, isNil, err := neo4j.GetRecordValue[neo4j.Relationship](rec, "r")
	if err != nil || isNil {
		return kg.Relationship{}, fmt.Errorf("relationship record: r missing (%v)", err)
	}
	src, err := recordString(rec, "src")
	if err != nil {
		return kg.Relationship{}, err
	}
	dst, err := recordString(rec, "dst")
	if err != nil {
		return kg.Relationship{}, err
	}
	return relationshipFrom(rel, src, dst)
}

func relationshipFrom(rel dbtype.Relationship, src, dst string) (kg.Relationship, error) {
	r := kg.Relationship{Type: kg.RelType(rel.Type), From: src, To: dst}
	if !r.Type.Valid() {
		return kg.Relationship{}, fmt.Errorf("relationship %s: type %q is not in the vocabulary", rel.ElementId, rel.Type)
	}
	var err error
	if r.ID, err = optProperty[string](rel, "id"); err != nil {
		return kg.Relationship{}, err
	}
	if r.Role, err = optProperty[string](rel, "role"); err != nil {
		return kg.Relationship{}, err
	}
	for key, d := range map[string]*kg.Date{"since": &r.Since, "until": &r.Until} {
		s, err := optProperty[string](rel, key)
		if err != nil {
			return kg.Relationship{}, err
		}
		if *d, err = kg.ParseDate(s); err != nil {
			return kg.Relationship{}, fmt.Errorf("relationship %s: %s: %w", r.ID, key, err)
		}
	}
	arts, err := stringList(rel, "ev_articles")
	if err != nil {
		return kg.Relationship{}, err
	}
	quotes, err := stringList(rel, "ev_quotes")
	if err != nil {
		return kg.Relationship{}, err
	}
	conf, err := floatList(rel, "ev_confidence")
	if err != nil {
		return kg.Relationship{}, err
	}
	if len(quotes) != len(arts) || len(conf) != len(arts) {
		return kg.Relationship{}, fmt.Errorf("relationship %s: evidence lists of unequal length", r.ID)
	}
	var dsLists [4][]string
	for i, key := range []string{"ev_datasets", "ev_records", "ev_files", "ev_imported"} {
		if dsLists[i], err = stringList(rel, key); err != nil {
			return kg.Relationship{}, err
		}
		if dsLists[i] != nil && len(dsLists[i]) != len(arts) {
			return kg.Relationship{}, fmt.Errorf("relationship %s: %s has %d entries for %d pieces of evidence", r.ID, key, len(dsLists[i]), len(arts))
		}
	}
	for i := range arts {
		ev := kg.Evidence{Article: arts[i], Quote: quotes[i], Confidence: conf[i]}
		if dsLists[0] != nil && dsLists[0][i] != "" {
			ev.Dataset = dsLists[0][i]
			if dsLists[1] != nil {
				ev.Record = dsLists[1][i]
			}
			if dsLists[2] != nil {
				ev.File = dsLists[2][i]
			}
			if dsLists[3] != nil {
				if ev.Imported, err = parseTimeProp(dsLists[3][i]); err != nil {
					return kg.Relationship{}, fmt.Errorf("relationship %s: ev_imported[%d]: %w", r.ID, i, err)
				}
			}
		}
		r.Evidence = append(r.Evidence, ev)
	}
	if r.Attributes, err = readAttributes(rel, "relationship "+r.ID); err != nil {
		return kg.Relationship{}, err
	}
	if r.Unsupported, err = optProperty[bool](rel, "unsupported"); err != nil {
		return kg.Relationship{}, err
	}
	return r, nil
}

// optProperty reads a property that may be absent (absent: the zero value).
func optProperty[T neo4j.PropertyValue](e neo4j.Entity, key string) (T, error) {
	if _, ok := e.GetProperties()[key]; !ok {
		return *new(T), nil
	}
	v, err := neo4j.GetProperty[T](e, key)
	if err != nil {
		return v, fmt.Errorf("property %s: %w", key, err)
	}
	return v, nil
}

func stringList(e neo4j.Entity, key string) ([]string, error) {
	raw, err := optProperty[[]any](e, key)
	if err != nil || raw == nil {
		return nil, err
	}
	out := make([]string, len(raw))
	for i, v := range raw {
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("property %s[%d]: %T is not a string", key, i, v)
		}
		out[i] = s
	}
	return out, nil
}

func floatList(e neo4j.Entity, key string) ([]float64, error) {
	raw, err := optProperty[[]any](e, key)
	if err != nil || raw == nil {
		return nil, err
	}
	out := make([]float64, len(raw))
	for i, v := range raw {
		switch x := v.(type) {
		case float64:
			out[i] = x
		case int64: // a list written as [1, 0.5] comes back as floats, but be lenient
			out[i] = float64(x)
		default:
			return nil, fmt.Errorf("property %s[%d]: %T is not a number", key, i, v)
		}
	}
	return out, nil
}

func recordString(rec *neo4j.Record, key string) (string, error) {
	v, isNil, err := neo4j.GetRecordValue[string](rec, key)
	if err != nil {
		return "", err
	}
	if isNil {
		return "", fmt.Errorf("record value %s is null", key)
	}
	return v, nil
}

func recordInt(rec *neo4j.Record, key string) (int64, error) {
	v, isNil, err := neo4j.GetRecordValue[int64](rec, key)
	if err != nil {
		return 0, err
	}
	if isNil {
		return 0, fmt.Errorf("record value %s is null", key)
	}
	return v, nil
}

func recordFloat(rec *neo4j.Record, key string) (float64, error) {
	v, isNil, err := neo4j.GetRecordValue[float64](rec, key)
	if err != nil {
		return 0, err
	}
	if isNil {
		return 0, fmt.Errorf("record value %s is null", key)
	}
	return v, nil
}

func recordNode(rec *neo4j.Record, key string) (dbtype.Node, error) {
	v, isNil, err := neo4j.GetRecordValue[neo4j.Node](rec, key)
	if err != nil {
		return dbtype.Node{}, err
	}
	if isNil {
		return dbtype.Node{}, fmt.Errorf("record value %s is null", key)
	}
	return v, nil
}

func anyStrings(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// asOfBounds turns an asOf date into the ordinals the statements compare
// since_lo and until_hi with; the zero date admits everything.
func asOfBounds(at kg.Date) (lo, hi int64) {
	if at.IsZero() {
		return 0, 99991231
	}
	return int64(at.Lo()), int64(at.Hi())
}

func typeNames(types []kg.RelType) ([]any, error) {
	out := make([]any, len(types))
	for i, t := range types {
		if !t.Valid() {
			return nil, kg.Invalidf("types", fmt.Sprintf("types[%d]", i), "unknown relationship type %q", t)
		}
		out[i] = string(t)
	}
	return out, nil
}

// setSourceLists stores n dataset records (an entity's sources, a
// relationship's evidence) as four parallel lists under prefix: datasets,
// records, files and import times, the i-th of each from at(i).
func setSourceLists(p map[string]any, prefix string, n int, at func(i int) (dataset, record, file string, imported time.Time)) {
	ds, recs, files, times := make([]any, n), make([]any, n), make([]any, n), make([]any, n)
	for i := range n {
		var imported time.Time
		ds[i], recs[i], files[i], imported = at(i)
		times[i] = timeProp(imported)
	}
	p[prefix+"datasets"], p[prefix+"records"], p[prefix+"files"], p[prefix+"imported"] = ds, recs, files, times
}
