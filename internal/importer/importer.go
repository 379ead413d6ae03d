// Package importer loads datasets (Popolo, CSV, FollowTheMoney) into the
// graph. A format is a Reader that streams Records out of a file without
// holding it in memory; Run writes them through kg.Service in batches, each
// one atomic and audited, with the dataset's provenance on everything it
// writes: a DATASET entity for the source, dataset evidence (Dataset,
// Record, File, Imported) on every relationship and a Source on every
// entity.
//
// An import is idempotent: ids are derived from the dataset and the record,
// what is stored is compared before it is written, and the first Imported
// of a (dataset, record) is kept, so importing the same file twice changes
// nothing. That also makes it resumable: a run killed between two batches
// is completed by running it again.
package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/polgraph/polgraph/internal/kg"
)

// Record is one record of a dataset, as a Reader yields it: an entity, or
// the relationships one record asserts (a Popolo membership asserts two),
// or a record that is reported and not written (Skip). Either all of a
// record is written or none of it.
type Record struct {
	// ID is the record's id in the dataset: it names the record in errors
	// and in the provenance written (Evidence.Record, Source.Record).
	ID string

	// Entity, when set, is an entity record. Its ID is the record's
	// reference in the file (what relationships name as their ends); Run
	// gives it its graph id, the Resolver's match or one derived from the
	// dataset and the reference.
	Entity *kg.Entity

	// Relationships are asserted by the record. From and To are references
	// of entity records of the same dataset (earlier or later in the
	// file); an empty ID is derived from the dataset, the record and the
	// relationship's place in it.
	Relationships []kg.Relationship

	// Skip, when set, is why the record is reported instead of written.
	Skip string

	// Verbatim records carry graph ids and are written as they are, with
	// no resolution and no provenance added: a restore of a polgraph
	// export (the neo4j-admin CSV layout).
	Verbatim bool
}

// Reader streams the records of one file. Next returns io.EOF after the
// last record; a *RecordError for a record it could not read (the reader
// goes on with the next one); any other error ends the import.
type Reader interface {
	Next() (Record, error)
}

// Described is a Reader that knows its file's dataset (a Popolo file's
// meta, say); the caller's Dataset fills what it leaves empty... and wins
// where both say something.
type Described interface {
	Dataset() Dataset
}

// Keeper is a Reader that keeps what polgraph has no field for as
// attributes, and counts it: values kept, by the source's field.
type Keeper interface {
	Kept() map[string]int
}

// Unsupporter is a Keeper whose source has a model of its own (FtM's)
// and that counts what it kept from outside that model: a field by
// "Type.field", a record type by its name.
type Unsupporter interface {
	Unsupported() map[string]int
}

// Measured is a Reader that can say how far it has read, for the progress
// bar: bytes read and the total (0 when unknown).
type Measured interface {
	Progress() (done, total int64)
}

// Dataset describes the source of an import: it becomes the DATASET entity
// that evidence and sources point at.
type Dataset struct {
	Name      string
	URL       string
	Publisher string
	Licence   string
	Retrieved kg.Date
	// File names the file read, in evidence and sources.
	File string
}

// merge fills what d leaves empty from o.
func (d Dataset) merge(o Dataset) Dataset {
	fill := func(a *string, b string) {
		if *a == "" {
			*a = b
		}
	}
	fill(&d.Name, o.Name)
	fill(&d.URL, o.URL)
	fill(&d.Publisher, o.Publisher)
	fill(&d.Licence, o.Licence)
	fill(&d.File, o.File)
	if d.Retrieved.IsZero() {
		d.Retrieved = o.Retrieved
	}
	return d
}

// RecordError is a record that could not be imported: its id, the field
// at fault and why. Nothing of the record is written.
type RecordError struct {
	Record string `json:"record"`
	Field  string `json:"field,omitempty"`
	Reason string `json:"reason"`
}

func (e *RecordError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("record %s: %s", e.Record, e.Reason)
	}
	return fmt.Sprintf("record %s: %s: %s", e.Record, e.Field, e.Reason)
}

// Recordf makes a RecordError.
func Recordf(record, field, format string, args ...any) *RecordError {
	return &RecordError{Record: record, Field: field, Reason: fmt.Sprintf(format, args...)}
}

// Skipped is a record reported without being written, and why.
type Skipped struct {
	Record string `json:"record"`
	Reason string `json:"reason"`
}

// Tally counts what happened to the entities or relationships of an import.
type Tally struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	// Matched counts records that the Resolver matched to an entity stored
	// before (one another source made); Merged records that folded into an
	// entity another record of the same import also landed in.
	Matched int `json:"matched"`
	Merged  int `json:"merged"`
}

// Summary is what an import did.
type Summary struct {
	Dataset       string        `json:"dataset"` // the DATASET entity's id ("" for a verbatim restore)
	Records       int           `json:"records"`
	Entities      Tally         `json:"entities"`
	Relationships Tally         `json:"relationships"`
	Batches       int           `json:"batches"`
	Skipped       []Skipped     `json:"skipped,omitempty"`
	Errors        []RecordError `json:"errors,omitempty"`
	// SkippedCount and ErrorCount count every skipped and failed record;
	// Skipped and Errors list the first MaxReported of each.
	SkippedCount int `json:"skippedCount"`
	ErrorCount   int `json:"errorCount"`
	// Kept counts, by the source's field (an FtM property), the values a
	// Keeper reader kept as attributes because polgraph has no field for
	// them.
	Kept map[string]int `json:"kept,omitempty"`
	// Unsupported counts what the source's model does not have (an FtM
	// schema or property outside the model polgraph reads) and that was
	// kept all the same: values of a field by "Type.field", records of a
	// type by its name. Such values are also in Kept.
	Unsupported map[string]int `json:"unsupported,omitempty"`
}

// MaxReported bounds how many skipped and failed records a summary lists.
const MaxReported = 1000

func (s *Summary) skip(record, reason string) {
	s.SkippedCount++
	if len(s.Skipped) < MaxReported {
		s.Skipped = append(s.Skipped, Skipped{Record: record, Reason: reason})
	}
}

func (s *Summary) fail(e *RecordError) {
	s.ErrorCount++
	if len(s.Errors) < MaxReported {
		s.Errors = append(s.Errors, *e)
	}
}

// String is the summary as the command line prints it.
func (s *Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d records in %d batches; entities: %d created, %d updated, %d unchanged, %d matched, %d merged; relationships: %d created, %d updated, %d unchanged; %d skipped; %d failed",
		s.Records, s.Batches,
		s.Entities.Created, s.Entities.Updated, s.Entities.Unchanged, s.Entities.Matched, s.Entities.Merged,
		s.Relationships.Created, s.Relationships.Updated, s.Relationships.Unchanged,
		s.SkippedCount, s.ErrorCount)
	reasons := map[string]int{}
	var order []string
	for _, sk := range s.Skipped {
		if reasons[sk.Reason] == 0 {
			order = append(order, sk.Reason)
		}
		reasons[sk.Reason]++
	}
	for _, r := range order {
		fmt.Fprintf(&b, "\n  skipped %d: %s", reasons[r], r)
	}
	if len(s.Kept) > 0 {
		names := make([]string, 0, len(s.Kept))
		n := 0
		for k, c := range s.Kept {
			names = append(names, k)
			n += c
		}
		sort.Strings(names)
		fmt.Fprintf(&b, "\n  kept as attributes: %d values of %d fields without a polgraph field (", n, len(names))
		for i, k := range names {
			if i > 0 {
				b.WriteString(", ")
			}
			if i == 12 {
				fmt.Fprintf(&b, "...")
				break
			}
			fmt.Fprintf(&b, "%s %d", k, s.Kept[k])
		}
		b.WriteString(")")
	}
	if len(s.Unsupported) > 0 {
		b.WriteString("\n  unsupported but kept:")
		for i, k := range sortedKeys(s.Unsupported) {
			if i == 12 {
				b.WriteString(" ...")
				break
			}
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, " %s %d", k, s.Unsupported[k])
		}
	}
	for _, e := range s.Errors {
		fmt.Fprintf(&b, "\n  failed: %s", e.Error())
	}
	if n := s.ErrorCount - len(s.Errors); n > 0 {
		fmt.Fprintf(&b, "\n  ... and %d more failed records", n)
	}
	return b.String()
}

// Options tune an import.
type Options struct {
	// Dataset describes the source; what a Described reader says fills
	// what it leaves empty. The name is required (unless every record is
	// verbatim).
	Dataset Dataset
	// BatchSize is how many records one write holds (default
	// DefaultBatchSize; never more than MaxBatchSize of the service's
	// limits).
	BatchSize int
	// Resolver matches entity records to stored entities (default
	// DefaultResolver).
	Resolver Resolver
	// Progress, when set, is told after every batch how far the reader
	// has read (the command line draws a bar with it on a terminal).
	Progress func(records int, done, total int64)
	// Now is the import time (default time.Now), written as Imported.
	Now func() time.Time
	// AfterBatch, when set, is called after each batch commits (tests
	// use it to stop an import midway).
	AfterBatch func(batch int) error
}

// ErrNoDataset is returned when an import has no dataset name.
var ErrNoDataset = errors.New("an import needs a dataset name")

// Run imports everything r yields. It stops at the first error that is not
// a record's (a batch the store refuses, a broken file, a cancelled ctx):
// the batches before it are written, and running the import again
// completes it.
func Run(ctx context.Context, svc *kg.Service, r Reader, opt Options) (Summary, error) {
	if d, ok := r.(Described); ok {
		opt.Dataset = opt.Dataset.merge(d.Dataset())
	}
	if opt.BatchSize <= 0 {
		opt.BatchSize = DefaultBatchSize
	}
	if max := MaxBatchSize(svc.Limits()); max > 0 && opt.BatchSize > max {
		opt.BatchSize = max
	}
	if opt.Resolver == nil {
		opt.Resolver = DefaultResolver{}
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	run := &runner{
		ctx: ctx, svc: svc, opt: opt,
		refs:     map[string]string{},
		imported: opt.Now().UTC().Truncate(time.Second),
		landed:   map[string]int{},
	}
	err := run.loop(r)
	if k, ok := r.(Keeper); ok {
		run.sum.Kept = k.Kept()
	}
	if u, ok := r.(Unsupporter); ok {
		run.sum.Unsupported = u.Unsupported()
	}
	return run.sum, err
}

func (run *runner) loop(r Reader) error {
	var pending []Record
	chunks, halt := prefetch(r)
	defer halt()
	var done, total int64 // the reader's progress after the last record taken
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		if err := run.write(pending); err != nil {
			return err
		}
		pending = pending[:0]
		if run.opt.Progress != nil {
			run.opt.Progress(run.sum.Records, done, total)
		}
		if run.opt.AfterBatch != nil {
			return run.opt.AfterBatch(run.sum.Batches)
		}
		return nil
	}
	// take handles one record read; end is true at the end of the input.
	take := func(rec Record, err error) (end bool, _ error) {
		if err == io.EOF {
			return true, nil
		}
		var re *RecordError
		if errors.As(err, &re) {
			run.sum.Records++
			run.sum.fail(re)
			return false, nil
		}
		if err != nil {
			return false, err
		}
		run.sum.Records++
		if rec.Skip != "" {
			run.sum.skip(rec.ID, rec.Skip)
			return false, nil
		}
		pending = append(pending, rec)
		if len(pending) >= run.opt.BatchSize {
			return false, flush()
		}
		return false, nil
	}
read:
	for {
		if err := run.ctx.Err(); err != nil {
			return err
		}
		var c readChunk
		select {
		case <-run.ctx.Done():
			return run.ctx.Err()
		case ch, ok := <-chunks:
			if !ok {
				return errReaderStopped
			}
			c = ch
		}
		done, total = c.done, c.total
		for _, it := range c.items {
			end, err := take(it.rec, it.err)
			if err != nil {
				return err
			}
			if end {
				break read
			}
		}
	}
	halt()
	if err := flush(); err != nil {
		return err
	}
	// Relationships whose ends came later in the file than they did.
	for len(run.deferred) > 0 {
		d := run.deferred
		run.deferred = nil
		run.final = true
		for len(d) > 0 {
			n := min(len(d), run.opt.BatchSize)
			pending = append(pending[:0], d[:n]...)
			d = d[n:]
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

func sortedKeys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
