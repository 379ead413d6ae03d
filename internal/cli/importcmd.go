package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/polgraph/polgraph/internal/importer"
	icsv "github.com/polgraph/polgraph/internal/importer/csv"
	"github.com/polgraph/polgraph/internal/importer/ftm"
	"github.com/polgraph/polgraph/internal/importer/popolo"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/resolve"
	"github.com/polgraph/polgraph/internal/transfer"
)

// importFlags are ingest's flags for datasets (--format popolo|csv|ftm).
type importFlags struct {
	format                                   string
	name, url, publisher, licence, retrieved string
	batchSize                                int
	// match, when set, resolves records with internal/resolve (exact or
	// fuzzy) at threshold; unset, the importer's DefaultResolver.
	match     string
	threshold float64
}

func (f *importFlags) dataset() (importer.Dataset, error) {
	d := importer.Dataset{Name: f.name, URL: f.url, Publisher: f.publisher, Licence: f.licence}
	if f.retrieved != "" {
		r, err := kg.ParseDate(f.retrieved)
		if err != nil {
			return d, fmt.Errorf("%w: --retrieved: %v", ErrUsage, err)
		}
		d.Retrieved = r
	}
	return d, nil
}

// maxRemoteDocument is what one importDataset through a running server
// may carry (its default request body limit, with room for the rest).
const maxRemoteDocument = 8<<20 - 64<<10

// runImport imports datasets: each Popolo file is a dataset of its own
// (named after the file unless --dataset-name says); the CSV files are one
// import (a directory, a zip archive, or the entities and relationships
// files).
func runImport(ctx context.Context, env *Env, f *importFlags, args []string) (err error) {
	d, err := f.dataset()
	if err != nil {
		return err
	}
	var jobs []importJob
	switch f.format {
	case "popolo":
		if f.name != "" && len(args) > 1 {
			return fmt.Errorf("%w: --dataset-name names one dataset; import the Popolo files one at a time", ErrUsage)
		}
		for _, a := range args {
			jobs = append(jobs, importJob{label: a, format: "POPOLO", files: []string{a}})
		}
	case "csv":
		jobs = []importJob{{label: strings.Join(args, " "), format: "CSV", files: args}}
	case "ftm":
		// Each FtM file is a dataset of its own, named after the file
		// unless --dataset-name says.
		if f.name != "" && len(args) > 1 {
			return fmt.Errorf("%w: --dataset-name names one dataset; import the FtM files one at a time", ErrUsage)
		}
		for _, a := range args {
			jobs = append(jobs, importJob{label: a, format: "FTM", files: []string{a}})
		}
	default:
		return fmt.Errorf("%w: --format %q: want dossier, popolo, csv, ftm or article", ErrUsage, f.format)
	}
	var mode resolve.Mode
	if f.match != "" {
		if mode, err = resolve.ParseMode(f.match); err != nil {
			return fmt.Errorf("%w: --match: %v", ErrUsage, err)
		}
	}
	if f.threshold != 0 && (f.match == "" || f.threshold < 0 || f.threshold > 1) {
		return fmt.Errorf("%w: --threshold is a score in 0..1 and needs --match", ErrUsage)
	}
	rm, err := env.remoteServer(ctx)
	if err != nil {
		return err
	}
	if rm != nil {
		for _, j := range jobs {
			sum, err := rm.importDataset(ctx, j, d, f)
			if err != nil {
				return fmt.Errorf("%s: %w", j.label, err)
			}
			fmt.Fprintf(env.Stdout, "%s: %s\n", j.label, sum)
		}
		return nil
	}
	svc, store, err := env.OpenService(ctx)
	if err != nil {
		return err
	}
	defer closeStore(store, &err)
	for _, j := range jobs {
		r, err := j.reader()
		if err != nil {
			return fmt.Errorf("%s: %w", j.label, err)
		}
		bar := newProgressBar(env.Stderr)
		opt := importer.Options{Dataset: d, BatchSize: f.batchSize,
			Progress: func(records int, done, total int64) {
				bar.update(transfer.Progress{Phase: "bytes read", Done: int(done), Total: int(total)})
			}}
		var res *resolve.Resolver
		if mode != "" {
			res = resolve.New(svc, resolve.Options{Mode: mode, Threshold: f.threshold})
			opt.Resolver = res
		}
		sum, err := importer.Run(asCLI(ctx), svc, r, opt)
		bar.finish()
		if c, ok := r.(io.Closer); ok {
			c.Close() // an FtM reader's spill file
		}
		if errors.Is(err, importer.ErrNoDataset) {
			return fmt.Errorf("%w: %s: a spreadsheet import needs --dataset-name", ErrUsage, j.label)
		}
		if err != nil {
			fmt.Fprintf(env.Stdout, "%s: stopped: %s\n", j.label, sum.String())
			return fmt.Errorf("%s: %w (the batches before it are written; run the import again to complete it)", j.label, err)
		}
		fmt.Fprintf(env.Stdout, "%s: %s\n", j.label, sum.String())
		if res != nil {
			settled, err := res.Settle(asCLI(ctx))
			if err != nil {
				return fmt.Errorf("%s: resolving duplicates: %w", j.label, err)
			}
			fmt.Fprintf(env.Stdout, "%s: %s\n", j.label, resolutionLine(len(settled.Merged), len(settled.Candidates)))
		}
	}
	return nil
}

type importJob struct {
	label, format string
	files         []string
}

func (j importJob) reader() (importer.Reader, error) {
	switch j.format {
	case "POPOLO":
		return popolo.Open(j.files[0])
	case "FTM":
		return ftm.Open(j.files[0])
	}
	inputs, err := icsv.Inputs(j.files)
	if err != nil {
		return nil, err
	}
	return icsv.New(inputs)
}

// importDataset sends one import to the running server.
// With --match it prints the resolution as the local import does; the
// batch size and threshold go to the server, which bounds them.
func (r *remote) importDataset(ctx context.Context, j importJob, d importer.Dataset, f *importFlags) (string, error) {
	vars := map[string]any{"format": j.format}
	if f.match != "" {
		vars["match"] = strings.ToUpper(f.match)
	}
	if f.threshold != 0 {
		vars["threshold"] = f.threshold
	}
	if f.batchSize != 0 {
		vars["batchSize"] = f.batchSize
	}
	if j.format == "POPOLO" || j.format == "FTM" {
		if d.Name == "" {
			d.Name = popolo.DatasetName(j.files[0])
			if j.format == "FTM" {
				d.Name = ftm.DatasetName(j.files[0])
			}
		}
		if d.File == "" {
			d.File = filepath.Base(j.files[0])
		}
	} else {
		inputs, err := icsv.Inputs(j.files)
		if err != nil {
			return "", err
		}
		if len(inputs) > 2 {
			return "", fmt.Errorf("through the server, a CSV import is one entities file and one relationships file, not %d", len(inputs))
		}
		// Entities first: importDataset takes them in document.
		if len(inputs) == 2 {
			l, err := icsv.LayoutOf(inputs[0])
			if err != nil {
				return "", err
			}
			if l == icsv.Relationships || l == icsv.Ties {
				inputs[0], inputs[1] = inputs[1], inputs[0]
			}
		}
		texts, err := readInputs(inputs)
		if err != nil {
			return "", err
		}
		vars["document"] = texts[0]
		if len(texts) > 1 {
			vars["relationships"] = texts[1]
		}
	}
	if j.format == "POPOLO" || j.format == "FTM" {
		b, err := os.ReadFile(j.files[0])
		if err != nil {
			return "", err
		}
		if len(b) > maxRemoteDocument {
			return "", fmt.Errorf("%d bytes is too large to send to the running server (at most %d): stop it and run polgraph ingest on the data directory", len(b), maxRemoteDocument)
		}
		vars["document"] = string(b)
	}
	ds := map[string]any{}
	for k, v := range map[string]string{"name": d.Name, "url": d.URL, "publisher": d.Publisher, "licence": d.Licence, "file": d.File} {
		if v != "" {
			ds[k] = v
		}
	}
	if !d.Retrieved.IsZero() {
		ds["retrieved"] = d.Retrieved.String()
	}
	vars["dataset"] = ds
	var out struct {
		ImportDataset struct {
			Dataset                        *string
			Records, Batches, SkippedCount int
			ErrorCount                     int
			Entities, Relationships        importer.Tally
			Skipped                        []importer.Skipped
			Errors                         []struct {
				Record string
				Field  *string
				Reason string
			}
			Resolution *struct{ Merged, Candidates int }
		}
	}
	err := r.graphql(ctx, `mutation($format: ImportFormat!, $document: String!, $relationships: String, $dataset: DatasetInput,
	    $match: MatchMode, $threshold: Float, $batchSize: Int) {
	  importDataset(format: $format, document: $document, relationships: $relationships, dataset: $dataset,
	      match: $match, threshold: $threshold, batchSize: $batchSize) {
	    dataset records batches skippedCount errorCount
	    entities { created updated unchanged matched merged }
	    relationships { created updated unchanged matched merged }
	    skipped { record reason }
	    errors { record field reason }
	    resolution { merged candidates } } }`, vars, &out)
	if err != nil {
		return "", err
	}
	s := out.ImportDataset
	sum := importer.Summary{Records: s.Records, Batches: s.Batches, Entities: s.Entities, Relationships: s.Relationships,
		Skipped: s.Skipped, SkippedCount: s.SkippedCount, ErrorCount: s.ErrorCount}
	if s.Dataset != nil {
		sum.Dataset = *s.Dataset
	}
	for _, e := range s.Errors {
		re := importer.RecordError{Record: e.Record, Reason: e.Reason}
		if e.Field != nil {
			re.Field = *e.Field
		}
		sum.Errors = append(sum.Errors, re)
	}
	text := sum.String()
	if res := s.Resolution; res != nil {
		text += "\n" + j.label + ": " + resolutionLine(res.Merged, res.Candidates)
	}
	return text, nil
}

// resolutionLine says what settling an import's resolution did.
func resolutionLine(merged, candidates int) string {
	return fmt.Sprintf("resolution: %d stored entities merged into imported ones, %d possible duplicates recorded (polgraph duplicates lists them)", merged, candidates)
}

// readInputs reads CSV inputs whole, for a request to the server, within
// its bound; the entities' file first.
func readInputs(inputs []icsv.Input) ([]string, error) {
	var texts []string
	total := 0
	for _, in := range inputs {
		rc, err := in.Open()
		if err != nil {
			return nil, err
		}
		var b strings.Builder
		buf := make([]byte, 64<<10)
		for {
			n, err := rc.Read(buf)
			b.Write(buf[:n])
			total += n
			if total > maxRemoteDocument {
				rc.Close()
				return nil, fmt.Errorf("more than %d bytes is too large to send to the running server: stop it and run polgraph ingest on the data directory", maxRemoteDocument)
			}
			if err != nil {
				break
			}
		}
		rc.Close()
		texts = append(texts, b.String())
	}
	return texts, nil
}
