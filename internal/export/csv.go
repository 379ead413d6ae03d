package export

import (
	"archive/zip"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/polgraph/polgraph/internal/kg"
)

// The CSV format is the neo4j-admin import layout: nodes.csv and
// relationships.csv with typed headers, ids in the "Entity" id space, the
// kind as the node label and the relationship type as :TYPE. Import with
//
//	neo4j-admin database import full --nodes=nodes.csv \
//	  --relationships=relationships.csv --multiline-fields=true
//
// Arrays use neo4j-admin's default delimiter ";"; a ";" inside an element
// becomes ",". since and until are Neo4j dates (the first and last day the
// partial date may denote), sinceText and untilText the dates as written.
const (
	csvNodesFile = "nodes.csv"
	csvRelsFile  = "relationships.csv"
	csvArraySep  = ";"
)

var csvNodeHeader = func() []string {
	h := []string{"id:ID(Entity)", ":LABEL"}
	for _, k := range nodeKeys {
		switch {
		case k.Key == "kind":
			h = append(h, "kind")
		case k.IsList:
			h = append(h, k.Key+":string[]")
		default:
			h = append(h, k.Key)
		}
	}
	return h
}()

var csvRelHeader = []string{
	":START_ID(Entity)", ":END_ID(Entity)", ":TYPE", "id", "role",
	"since:date", "until:date", "sinceText", "untilText", "sources:int",
	"evidenceArticles:string[]", "evidenceTitles:string[]", "evidenceUrls:string[]",
	"evidenceQuotes:string[]", "evidenceConfidence:double[]",
	// Dataset evidence, parallel to the lists above ("" for an article's
	// piece, and evidenceArticles "" for a dataset's); attributes as a JSON
	// array of {"name","value"}.
	"evidenceDatasets:string[]", "evidenceRecords:string[]", "evidenceFiles:string[]", "evidenceImported:string[]",
	"attributes", "unsupported:boolean",
}

// Files opens the files of a multi-file export one after the other; the
// previous file is finished when the next is created or Close is called.
type Files interface {
	Create(name string) (io.Writer, error)
	Close() error
}

// zipFiles writes the files into a zip archive.
type zipFiles struct{ z *zip.Writer }

func (f zipFiles) Create(name string) (io.Writer, error) {
	return f.z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
}
func (f zipFiles) Close() error { return f.z.Close() }

// DirFiles writes the files into a directory, which must exist.
type DirFiles struct {
	Dir  string
	open *os.File
}

func (d *DirFiles) Create(name string) (io.Writer, error) {
	if err := d.Close(); err != nil {
		return nil, err
	}
	f, err := os.Create(filepath.Join(d.Dir, name))
	if err != nil {
		return nil, err
	}
	d.open = f
	return f, nil
}

func (d *DirFiles) Close() error {
	if d.open == nil {
		return nil
	}
	err := d.open.Close()
	d.open = nil
	return err
}

type csvWriter struct {
	files Files
	cw    *csv.Writer
	edges bool
}

func newCSVZip(w io.Writer) Writer { return NewCSV(zipFiles{zip.NewWriter(w)}) }

// NewCSV returns the CSV writer over any set of files (a zip archive, a
// directory).
func NewCSV(files Files) Writer { return &csvWriter{files: files} }

func (c *csvWriter) open(name string, header []string) error {
	if c.cw != nil {
		c.cw.Flush()
		if err := c.cw.Error(); err != nil {
			return err
		}
	}
	w, err := c.files.Create(name)
	if err != nil {
		return err
	}
	c.cw = csv.NewWriter(w)
	return c.cw.Write(header)
}

func (c *csvWriter) Begin(Meta) error { return c.open(csvNodesFile, csvNodeHeader) }

func csvArray(list []string) string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = strings.ReplaceAll(s, csvArraySep, ",")
	}
	return strings.Join(out, csvArraySep)
}

func (c *csvWriter) Node(e kg.Entity) error {
	row := []string{clean(e.ID), e.Kind.Label()}
	for _, p := range nodeProps(&e) {
		if p.IsList {
			row = append(row, csvArray(p.List))
		} else {
			row = append(row, p.Value)
		}
	}
	return c.cw.Write(row)
}

func neoDate(d kg.Date, ord int) string {
	if d.IsZero() {
		return ""
	}
	return isoDay(ord)
}

func (c *csvWriter) Edge(e Edge) error {
	if !c.edges {
		c.edges = true
		if err := c.open(csvRelsFile, csvRelHeader); err != nil {
			return err
		}
	}
	src := cleanSources(e.Sources)
	var arts, titles, urls, quotes, conf, datasets, records, files, imported []string
	hasDataset := false
	for _, s := range src {
		arts = append(arts, s.Article)
		titles = append(titles, s.Title)
		urls = append(urls, s.URL)
		quotes = append(quotes, s.Quote)
		conf = append(conf, strconv.FormatFloat(s.Confidence, 'g', -1, 64))
		datasets = append(datasets, s.Dataset)
		records = append(records, s.Record)
		files = append(files, s.File)
		t := ""
		if !s.Imported.IsZero() {
			t = s.Imported.UTC().Format(time.RFC3339Nano)
		}
		imported = append(imported, t)
		hasDataset = hasDataset || s.Dataset != ""
	}
	if !hasDataset {
		datasets, records, files, imported = nil, nil, nil, nil
	}
	unsupported := ""
	if e.Unsupported {
		unsupported = "true"
	}
	return c.cw.Write([]string{
		clean(e.From), clean(e.To), string(e.Type), clean(e.ID), clean(e.Role),
		neoDate(e.Since, e.Since.Lo()), neoDate(e.Until, e.Until.Hi()), e.Since.String(), e.Until.String(),
		strconv.Itoa(e.Relationship.Sources()),
		csvArray(arts), csvArray(titles), csvArray(urls), csvArray(quotes), csvArray(conf),
		csvArray(datasets), csvArray(records), csvArray(files), csvArray(imported),
		jsonList(cleanAttributes(e.Attributes), len(e.Attributes)), unsupported,
	})
}

func (c *csvWriter) End() error {
	if !c.edges {
		c.edges = true
		if err := c.open(csvRelsFile, csvRelHeader); err != nil {
			return err
		}
	}
	c.cw.Flush()
	if err := c.cw.Error(); err != nil {
		return err
	}
	return c.files.Close()
}
