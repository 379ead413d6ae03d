package export

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/polgraph/polgraph/internal/kg"
)

// The polgraph format is the graph exactly as stored, one JSON object a
// line: {"entity":{...}} for every entity, then {"relationship":{...}} for
// every relationship with its evidence as it is kept (article ids, quotes,
// confidences), then {"end":{"entities":N,"relationships":M}}. Nothing is
// cleaned or resolved, so reading it back (ReadDump) gives the same
// entities and relationships; the end line tells a complete file from a
// transfer that broke off. It is what polgraph copy reads through a
// running server.
type dumpWriter struct {
	w          *bufio.Writer
	enc        *json.Encoder
	ents, rels int
}

// DumpLine is one line of the polgraph format: exactly one field is set.
type DumpLine struct {
	Entity       *kg.Entity       `json:"entity,omitempty"`
	Relationship *kg.Relationship `json:"relationship,omitempty"`
	End          *DumpEnd         `json:"end,omitempty"`
}

// DumpEnd is the last line of the polgraph format: how many entities and
// relationships came before it.
type DumpEnd struct {
	Entities      int `json:"entities"`
	Relationships int `json:"relationships"`
}

func newDump(w io.Writer) Writer {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &dumpWriter{w: bw, enc: enc}
}

func (d *dumpWriter) Begin(Meta) error { return nil }

func (d *dumpWriter) Node(e kg.Entity) error {
	texts := []string{e.ID, string(e.Kind), e.Name, e.Description, string(e.Classification), e.CountryCode,
		e.Title, e.URL, e.Outlet, e.Text, e.Summary, string(e.Status), e.EventType, e.Quote, e.Speaker}
	texts = append(texts, e.Aliases...)
	for _, id := range e.Identifiers {
		texts = append(texts, id.Scheme, id.Value)
	}
	if err := validText("entity", e.ID, texts); err != nil {
		return err
	}
	d.ents++
	return d.enc.Encode(DumpLine{Entity: &e})
}

func (d *dumpWriter) Edge(e Edge) error {
	r := e.Relationship
	texts := []string{r.ID, string(r.Type), r.From, r.To, r.Role}
	for _, ev := range r.Evidence {
		texts = append(texts, ev.Article, ev.Quote)
	}
	if err := validText("relationship", r.ID, texts); err != nil {
		return err
	}
	d.rels++
	return d.enc.Encode(DumpLine{Relationship: &r})
}

// validText refuses text JSON cannot carry as it is: invalid UTF-8 (which
// no write through the Service stores) would arrive as U+FFFD, and the
// format promises the graph exactly as stored.
func validText(what, id string, texts []string) error {
	for _, s := range texts {
		if !utf8.ValidString(s) {
			return kg.Internal("export", fmt.Errorf("%s %q holds text that is not valid UTF-8, which the polgraph format cannot carry unchanged", what, id))
		}
	}
	return nil
}

func (d *dumpWriter) End() error {
	if err := d.enc.Encode(DumpLine{End: &DumpEnd{Entities: d.ents, Relationships: d.rels}}); err != nil {
		return err
	}
	return d.w.Flush()
}

// ReadDump reads a polgraph-format stream, calling entity for every entity
// line and relationship for every relationship line, and returns the end
// line's counts. A stream that is not the format, has an entity after a
// relationship, or stops before its end line (or whose end line disagrees
// with what came before it) is an error naming the line.
func ReadDump(r io.Reader, entity func(kg.Entity) error, relationship func(kg.Relationship) error) (DumpEnd, error) {
	const op = "read polgraph export"
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<30)
	var got DumpEnd
	line := 0
	bad := func(format string, args ...any) error {
		return kg.Invalid(op, kg.Problem{Path: fmt.Sprintf("line %d", line), Reason: fmt.Sprintf(format, args...)})
	}
	for sc.Scan() {
		line++
		var l DumpLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return got, bad("not a line of the polgraph format: %v", err)
		}
		n := 0
		for _, set := range []bool{l.Entity != nil, l.Relationship != nil, l.End != nil} {
			if set {
				n++
			}
		}
		if n != 1 {
			return got, bad("want exactly one of entity, relationship or end")
		}
		switch {
		case l.Entity != nil:
			if got.Relationships > 0 {
				return got, bad("an entity after the relationships")
			}
			got.Entities++
			if err := entity(*l.Entity); err != nil {
				return got, err
			}
		case l.Relationship != nil:
			got.Relationships++
			if err := relationship(*l.Relationship); err != nil {
				return got, err
			}
		default:
			if *l.End != got {
				return got, bad("the end line counts %d entities and %d relationships, the stream held %d and %d",
					l.End.Entities, l.End.Relationships, got.Entities, got.Relationships)
			}
			if sc.Scan() {
				line++
				return got, bad("a line after the end line")
			}
			if err := sc.Err(); err != nil {
				return got, kg.Unavailable(op, err)
			}
			return got, nil
		}
	}
	if err := sc.Err(); err != nil {
		return got, kg.Unavailable(op, err)
	}
	return got, kg.Unavailable(op, errors.New("the stream ended before its end line: the export broke off"))
}

// WriteDump writes entities and relationships as one complete stream of
// the polgraph format (their lines, then the end line): the unit
// importGraph takes.
func WriteDump(w io.Writer, ents []kg.Entity, rels []kg.Relationship) error {
	d := newDump(w)
	for _, e := range ents {
		if err := d.Node(e); err != nil {
			return err
		}
	}
	for _, r := range rels {
		if err := d.Edge(Edge{Relationship: r}); err != nil {
			return err
		}
	}
	return d.End()
}

// ReadDumpBatch reads one complete polgraph-format stream into a batch of
// at most maxItems entities and relationships. line gives the line of the
// stream each entity (entity true) or relationship of the batch came from.
func ReadDumpBatch(r io.Reader, maxItems int) (b kg.Batch, line func(entity bool, i int) int, err error) {
	var entLines, relLines []int
	n := 0
	more := func() error {
		if n++; n > maxItems {
			return kg.Invalidf("read polgraph export", "dump", "more than %d entities and relationships in one import", maxItems)
		}
		return nil
	}
	_, err = ReadDump(r,
		func(e kg.Entity) error {
			b.Entities = append(b.Entities, e)
			entLines = append(entLines, n+1)
			return more()
		},
		func(rel kg.Relationship) error {
			b.Relationships = append(b.Relationships, rel)
			relLines = append(relLines, n+1)
			return more()
		})
	line = func(entity bool, i int) int {
		if entity {
			return entLines[i]
		}
		return relLines[i]
	}
	if kg.KindOf(err) == kg.KindUnavailable {
		// A stream held whole that lacks its end line is incomplete input,
		// not a transfer that broke off.
		err = kg.Invalidf("read polgraph export", "dump", "the stream has no end line (want {\"end\":{\"entities\":N,\"relationships\":M}} last)")
	}
	return b, line, err
}
