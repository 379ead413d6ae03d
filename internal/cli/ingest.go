package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/polgraph/polgraph/internal/dossier"
)

func ingestCommand() Command {
	var f importFlags
	var af articleFlags
	return Command{
		Name: "ingest",
		Args: "FILE...",
		Summary: `load dossiers (JSON files; "-" reads standard input) into the graph, all checked before any is written; ` +
			`or datasets: --format popolo (Popolo JSON files), csv (a polgraph CSV export, or actors and ties spreadsheets) or ftm (FollowTheMoney entity files); ` +
			`or --format article: news articles (text or HTML) read into proposals for review`,
		Options:      []string{"data", "store", "log-level", "log-format", "llm-url", "llm-model"},
		Interspersed: true,
		Flags: func(fs *flag.FlagSet) {
			fs.StringVar(&f.format, "format", "dossier", "what the files are: dossier, popolo, csv, ftm or article (plain text or HTML)")
			fs.StringVar(&f.name, "dataset-name", "", "the dataset's name (popolo: default the file's name; csv spreadsheets: required)")
			fs.StringVar(&f.url, "dataset-url", "", "where the dataset is published (popolo: default the file's first meta source)")
			fs.StringVar(&f.publisher, "publisher", "", "who publishes the dataset")
			fs.StringVar(&f.licence, "licence", "", "the dataset's licence")
			fs.StringVar(&f.retrieved, "retrieved", "", "when the dataset was retrieved (YYYY-MM-DD)")
			fs.IntVar(&f.batchSize, "batch-size", 0, "records per write (default 20000)")
			fs.StringVar(&f.match, "match", "", "resolve records against the graph: exact (identifiers, then names) or fuzzy (also typos, transliterations, initials); "+
				"below the threshold, possible duplicates are recorded instead (default: identifiers, then exact names)")
			fs.Float64Var(&f.threshold, "threshold", 0, "with --match, the score (0..1) at or above which a record attaches to a stored entity (default 0.85)")
			af.add(fs)
		},
		Run: func(ctx context.Context, env *Env, args []string) error {
			switch f.format {
			case "dossier":
				return runIngest(ctx, env, args)
			case "article":
				if len(args) == 0 {
					return fmt.Errorf("%w: ingest --format article needs at least one article file", ErrUsage)
				}
				return runIngestArticles(ctx, env, &af, args)
			}
			if len(args) == 0 {
				return fmt.Errorf("%w: ingest --format %s needs at least one file", ErrUsage, f.format)
			}
			return runImport(ctx, env, &f, args)
		},
	}
}

func runIngest(ctx context.Context, env *Env, args []string) (err error) {
	if len(args) == 0 {
		return fmt.Errorf("%w: ingest needs at least one dossier file", ErrUsage)
	}
	files := make([]dossier.File, 0, len(args))
	for _, name := range args {
		data, err := readInput(name, dossier.MaxSize)
		if err != nil {
			return err
		}
		files = append(files, dossier.File{Name: name, Data: data})
	}
	var results []dossier.Result
	rm, err := env.remoteServer(ctx)
	if err != nil {
		return err
	}
	if rm != nil {
		results, err = rm.ingest(ctx, files)
	} else {
		svc, store, oerr := env.OpenService(ctx)
		if oerr != nil {
			return oerr
		}
		defer closeStore(store, &err)
		results, err = dossier.IngestFiles(asCLI(ctx), svc, files)
	}
	for i, r := range results {
		fmt.Fprintf(env.Stdout, "%s: article %s: entities %d created, %d updated, %d unchanged; relationships %d created, %d updated, %d unchanged\n",
			files[i].Name, r.Article,
			r.Entities.Created, r.Entities.Updated, r.Entities.Unchanged,
			r.Relationships.Created, r.Relationships.Updated, r.Relationships.Unchanged)
	}
	return err
}

// ingest loads the files through the running server: all are parsed here
// first (so that every problem of every file is listed before anything is
// written), then each is sent as one ingestDossier, in order.
func (r *remote) ingest(ctx context.Context, files []dossier.File) ([]dossier.Result, error) {
	if _, err := dossier.ParseFiles(files); err != nil {
		return nil, err
	}
	var results []dossier.Result
	for _, f := range files {
		var d struct {
			Ingest struct {
				Article *string `json:"article"`
				Tally   struct {
					Entities, Relationships dossier.Tally
				} `json:"tally"`
			} `json:"ingestDossier"`
		}
		err := r.graphql(ctx, `mutation($d: String!) { ingestDossier(dossier: $d) { article
		  tally { entities { created updated unchanged } relationships { created updated unchanged } } } }`,
			map[string]any{"d": string(f.Data)}, &d)
		if err != nil {
			return results, dossier.FileError(f.Name, err)
		}
		res := dossier.Result{Entities: d.Ingest.Tally.Entities, Relationships: d.Ingest.Tally.Relationships}
		if d.Ingest.Article != nil {
			res.Article = *d.Ingest.Article
		}
		results = append(results, res)
	}
	return results, nil
}

// readInput reads FILE ("-": standard input), at most max bytes.
func readInput(name string, max int) ([]byte, error) {
	var r io.Reader
	if name == "-" {
		r = os.Stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, int64(max)+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(data) > max {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, max)
	}
	return data, nil
}
