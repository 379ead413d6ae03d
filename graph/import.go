package graph

import (
	"context"
	"errors"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/polgraph/polgraph/graph/model"
	"github.com/polgraph/polgraph/internal/importer"
	icsv "github.com/polgraph/polgraph/internal/importer/csv"
	"github.com/polgraph/polgraph/internal/importer/ftm"
	"github.com/polgraph/polgraph/internal/importer/popolo"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/resolve"
)

// MaxImportDocument bounds what one importDataset may send (document and
// relationships together): the server's default request body limit.
const MaxImportDocument = 8 << 20

// importTuning is importDataset's optional arguments on how to import:
// resolution (match, threshold) and the batch size.
type importTuning struct {
	match     *model.MatchMode
	threshold *float64
	batchSize *int
}

// options checks the arguments against the service's limits and returns
// the importer's options and, with match, the Resolver to settle after
// the import (as polgraph ingest --match does on the store directly).
func (t importTuning) options(svc *kg.Service) (importer.Options, *resolve.Resolver, error) {
	var opt importer.Options
	if t.batchSize != nil {
		n, most := *t.batchSize, importer.MaxBatchSize(svc.Limits())
		switch {
		case n < 1:
			return opt, nil, kg.Invalidf(importer.Op, "batchSize", "%d records per write: want at least 1", n)
		case n > most:
			return opt, nil, kg.Invalidf(importer.Op, "batchSize", "%d records per write is above this server's maximum %d", n, most)
		}
		opt.BatchSize = n
	}
	var ro resolve.Options
	if t.threshold != nil {
		th := *t.threshold
		if t.match == nil {
			return opt, nil, kg.Invalidf(importer.Op, "threshold", "a threshold needs match (EXACT or FUZZY)")
		}
		if math.IsNaN(th) || th <= 0 || th > 1 {
			return opt, nil, kg.Invalidf(importer.Op, "threshold", "%v is not a score above 0 and at most 1", th)
		}
		ro.Threshold = th
	}
	if t.match == nil {
		return opt, nil, nil
	}
	mode, err := resolve.ParseMode(string(*t.match))
	if err != nil {
		return opt, nil, kg.Invalidf(importer.Op, "match", "%v", err)
	}
	ro.Mode = mode
	res := resolve.New(svc, ro)
	opt.Resolver = res
	return opt, res, nil
}

func (r *Resolver) importDataset(ctx context.Context, format model.ImportFormat, document string, relationships *string, dataset *model.DatasetInput, tuning importTuning) (*model.ImportSummary, error) {
	// Authorise before reading: a refused caller's document is not parsed.
	if _, err := kg.Authorize(ctx, importer.Op, kg.RoleEditor); err != nil {
		return nil, err
	}
	opt, res, err := tuning.options(r.Service)
	if err != nil {
		return nil, err
	}
	rels := deref(relationships)
	if n := len(document) + len(rels); n > MaxImportDocument {
		return nil, kg.Invalidf(importer.Op, "document", "%d bytes is above the maximum %d per importDataset; import larger files with polgraph ingest", n, MaxImportDocument)
	}
	var d importer.Dataset
	if dataset != nil {
		d = importer.Dataset{Name: deref(dataset.Name), URL: deref(dataset.URL), Publisher: deref(dataset.Publisher),
			Licence: deref(dataset.Licence), File: deref(dataset.File)}
		if dataset.Retrieved != nil {
			d.Retrieved = *dataset.Retrieved
		}
	}
	// A Popolo or FtM reader reads the document as its file (named by
	// dataset.file, else "document").
	open := func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(document)), nil }
	file := d.File
	if file == "" {
		file = "document"
	}
	var rd importer.Reader
	switch format {
	case model.ImportFormatPopolo:
		if rels != "" {
			return nil, kg.Invalidf(importer.Op, "relationships", "a Popolo document holds its memberships: send it in document only")
		}
		p, err := popolo.New(open, int64(len(document)), file)
		if err != nil {
			return nil, kg.Invalidf(importer.Op, "document", "%v", err)
		}
		rd = p
	case model.ImportFormatCSV:
		inputs := []icsv.Input{icsv.TextInput("document", document)}
		if rels != "" {
			inputs = append(inputs, icsv.TextInput("relationships", rels))
		}
		c, err := icsv.New(inputs)
		if err != nil {
			return nil, kg.Invalidf(importer.Op, "document", "%v", err)
		}
		rd = c
	case model.ImportFormatFtm:
		if rels != "" {
			return nil, kg.Invalidf(importer.Op, "relationships", "an FtM document holds its links: send it in document only")
		}
		f, err := ftm.New(open, int64(len(document)), file)
		if err != nil {
			return nil, kg.Invalidf(importer.Op, "document", "%v", err)
		}
		defer f.Close()
		rd = f
	default:
		return nil, kg.Invalidf(importer.Op, "format", "unknown format %q", format)
	}
	noName := kg.Invalidf(importer.Op, "dataset.name", "an import needs the dataset's name")
	if (format == model.ImportFormatPopolo || format == model.ImportFormatFtm) && strings.TrimSpace(d.Name) == "" {
		return nil, noName // the document's own name ("document") would say nothing
	}
	opt.Dataset = d
	sum, err := importer.Run(ctx, r.Service, rd, opt)
	if errors.Is(err, importer.ErrNoDataset) {
		return nil, noName
	}
	if err != nil {
		return nil, argumentProblems(err, "document")
	}
	out := importSummary(&sum)
	if res != nil {
		settled, err := res.Settle(ctx)
		if err != nil {
			return nil, err
		}
		out.Resolution = &model.ImportResolution{Merged: len(settled.Merged), Candidates: len(settled.Candidates)}
	}
	return out, nil
}

func importSummary(s *importer.Summary) *model.ImportSummary {
	tally := func(t importer.Tally) *model.ImportTally {
		return &model.ImportTally{Created: t.Created, Updated: t.Updated, Unchanged: t.Unchanged, Matched: t.Matched, Merged: t.Merged}
	}
	out := &model.ImportSummary{Records: s.Records, Batches: s.Batches,
		Entities: tally(s.Entities), Relationships: tally(s.Relationships),
		SkippedCount: s.SkippedCount, ErrorCount: s.ErrorCount,
		Skipped: make([]model.ImportSkipped, len(s.Skipped)), Errors: make([]model.ImportRecordError, len(s.Errors))}
	if s.Dataset != "" {
		out.Dataset = &s.Dataset
	}
	out.Kept = make([]model.ImportKept, 0, len(s.Kept))
	for field, n := range s.Kept {
		out.Kept = append(out.Kept, model.ImportKept{Field: field, Count: n})
	}
	sort.Slice(out.Kept, func(i, j int) bool { return out.Kept[i].Field < out.Kept[j].Field })
	for i, sk := range s.Skipped {
		out.Skipped[i] = model.ImportSkipped{Record: sk.Record, Reason: sk.Reason}
	}
	for i, e := range s.Errors {
		out.Errors[i] = model.ImportRecordError{Record: e.Record, Reason: e.Reason}
		if e.Field != "" {
			f := e.Field
			out.Errors[i].Field = &f
		}
	}
	return out
}
