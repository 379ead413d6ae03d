package export

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/testtool"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// export runs a selection through a format and returns the bytes.
func export(t testing.TB, svc *kg.Service, sel Selection, f *Format) []byte {
	t.Helper()
	x, err := Prepare(context.Background(), svc, sel)
	if err != nil {
		t.Fatalf("prepare: %v", err)
	}
	var buf bytes.Buffer
	if err := x.WriteTo(context.Background(), f.New(&buf), nil); err != nil {
		t.Fatalf("write %s: %v", f.Name, err)
	}
	return buf.Bytes()
}

func mustFormat(t testing.TB, name string) *Format {
	f, ok := ByName(name)
	if !ok {
		t.Fatalf("no format %q", name)
	}
	return f
}

func writeTemp(t testing.TB, name string, data []byte) string {
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// need returns the path of a tool, or skips the test saying which is absent.
func need(t testing.TB, tool, install string) string {
	t.Helper()
	return testtool.Need(t, tool, install)
}

func run(t testing.TB, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// nxSummary is what testdata/nx_check.py prints.
type nxSummary struct {
	Nodes, Edges int
	Directed     bool
	NodeData     map[string]map[string]any
	EdgeData     []map[string]any
}

// networkx reads the file with every NetworkX there is (Debian's, and the
// newest from PyPI when POLGRAPH_PYTHON names a venv that has it), with
// read_graphml and read_gexf's default arguments, and checks that they all
// read the same graph.
func networkx(t testing.TB, kind string, data []byte, ids ...string) nxSummary {
	t.Helper()
	p := writeTemp(t, "export."+kind, data)
	var first []byte
	var s nxSummary
	for i, py := range testtool.Pythons(t, "networkx", "python3-networkx") {
		out := run(t, py, append([]string{"testdata/nx_check.py", kind, p}, ids...)...)
		if i == 0 {
			first = out
			if err := json.Unmarshal(out, &s); err != nil {
				t.Fatalf("nx_check output: %v\n%s", err, out)
			}
			continue
		}
		var other nxSummary
		if err := json.Unmarshal(out, &other); err != nil {
			t.Fatalf("nx_check output (%s): %v\n%s", py, err, out)
		}
		if diff := cmp.Diff(s, other); diff != "" {
			t.Fatalf("%s reads the %s differently from the first NetworkX (-first +%s):\n%s\n%s", py, kind, py, diff, first)
		}
	}
	return s
}

func xmllintSchema(t testing.TB, data []byte) {
	t.Helper()
	need(t, "xmllint", "apt-get install libxml2-utils")
	p := writeTemp(t, "export.graphml", data)
	if out, err := exec.Command("xmllint", "--noout", "--nonet", p).CombinedOutput(); err != nil {
		t.Fatalf("xmllint: the export is not well-formed XML: %v\n%s", err, out)
	}
	// The official schema files cannot be fetched here; testdata/graphml/graphml.xsd
	// is written from the GraphML specification. Official files placed in
	// testdata/graphml/official/ take precedence.
	xsd := "testdata/graphml/official/graphml.xsd"
	if _, err := os.Stat(xsd); err != nil {
		xsd = "testdata/graphml/graphml.xsd"
	}
	cmd := exec.Command("xmllint", "--noout", "--nonet", "--schema", xsd, p)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("xmllint --schema %s rejected the export: %v\n%s", xsd, err, out)
	}
}

// ftmInstall is how to get the FtM library the export is checked with
// (the version .ci/run pins).
const ftmInstall = "pip install followthemoney==4.11.2"

// ftmCheck validates an FtM export with the followthemoney library
// (testdata/ftm/validate.py) and returns its summary.
func ftmCheck(t testing.TB, data []byte) map[string]any {
	t.Helper()
	py := testtool.PythonModule(t, "followthemoney", ftmInstall)
	p := writeTemp(t, "export.ftm.json", data)
	out := run(t, py, "testdata/ftm/validate.py", p)
	var res map[string]any
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("validate.py output: %v\n%s", err, out)
	}
	return res
}

// network returns the fixture network's subgraph, the reference every
// format's consumer must read back.
func network(t testing.TB, svc *kg.Service, sel Selection) kg.Subgraph {
	t.Helper()
	sub, err := svc.Network(context.Background(), kg.NetworkQuery{Seeds: sel.Seeds, Types: sel.Types, AsOf: sel.AsOf}, sel.Depth, sel.Limit)
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

func TestGolden(t *testing.T) {
	svc := openService(t, fixture())
	for _, f := range Formats {
		t.Run(f.Name, func(t *testing.T) {
			got := export(t, svc, fixtureNetwork(), f)
			if f.Archive {
				got = unzipConcat(t, got)
			}
			if !utf8.Valid(got) {
				t.Errorf("output is not valid UTF-8")
			}
			golden := filepath.Join("testdata", "golden", "network"+strings.ReplaceAll(f.Ext(), ".zip", ".csv.txt"))
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("%s differs from %s (-want +got):\n%s", f.Name, golden, diff)
			}
		})
	}
}

// unzipConcat reads a CSV zip and returns its files, each after a
// "== name ==" line.
func unzipConcat(t testing.TB, data []byte) []byte {
	t.Helper()
	files := unzip(t, data)
	var b bytes.Buffer
	for _, name := range []string{csvNodesFile, csvRelsFile} {
		b.WriteString("== " + name + " ==\n")
		b.Write(files[name])
	}
	return b.Bytes()
}

func unzip(t testing.TB, data []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b
	}
	if len(out) != 2 || out[csvNodesFile] == nil || out[csvRelsFile] == nil {
		t.Fatalf("zip holds %d files, want %s and %s", len(out), csvNodesFile, csvRelsFile)
	}
	return out
}

// consumerCase is one graph the consumers read: the fixture network and
// the whole fixture graph, the demo dataset's network around han-dong and
// the whole demo graph, and the whole generated graph of 10k entities.
type consumerCase struct {
	name string
	svc  *kg.Service
	sel  Selection
	// probe is a node whose attributes are compared in detail.
	probe string
	// nodes and edges are what the export must hold.
	nodes, edges int
	// liberal is the evidence han-dong's Liberal membership must carry
	// (it also must end on liberalUntil); nil when the graph has none.
	liberal []Source
}

// The Liberal membership spot-checked in every format: from han-dong to
// liberal-party, until the day he left the caucus.
const (
	liberalFrom  = "han-dong"
	liberalTo    = "liberal-party"
	liberalUntil = "2023-03-22"
)

// isLiberal reports whether an edge is han-dong's Liberal membership.
func isLiberal(typ, from, to any) bool {
	return typ == string(kg.MemberOf) && from == liberalFrom && to == liberalTo
}

func consumerCases(t *testing.T) []consumerCase {
	ctx := context.Background()
	small := openService(t, fixture())
	sub := network(t, small, fixtureNetwork())
	fx := fixture()
	demo, ingested := openDemo(t)
	demoSub := network(t, demo, demoNetwork())
	dc, err := demo.Store().Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if dc.Entities == 0 || dc.Relationships == 0 || len(demoSub.Nodes) < 2 || demoSub.Truncated {
		t.Fatalf("demo holds %+v; its network around han-dong %d nodes (truncated %v)", dc, len(demoSub.Nodes), demoSub.Truncated)
	}
	cases := []consumerCase{
		{"fixture-network", small, fixtureNetwork(), "han-dong", len(sub.Nodes), len(sub.Edges), fixtureLiberal()},
		{"fixture-whole", small, Selection{}, "han-dong", len(fx.Entities), len(fx.Relationships), fixtureLiberal()},
		{"demo-network", demo, demoNetwork(), "han-dong", len(demoSub.Nodes), len(demoSub.Edges), demoLiberal(ingested.Article)},
		{"demo-whole", demo, Selection{}, "han-dong", dc.Entities, dc.Relationships, demoLiberal(ingested.Article)},
	}
	if testing.Short() {
		return cases
	}
	big := openService(t, generated(10000)...)
	c, err := big.Store().Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.Entities != 10000 {
		t.Fatalf("generated graph holds %d entities, want 10000", c.Entities)
	}
	return append(cases, consumerCase{"generated-10k", big, Selection{}, "g00005", c.Entities, c.Relationships, nil})
}

func TestGraphMLConsumers(t *testing.T) {
	for _, c := range consumerCases(t) {
		t.Run(c.name, func(t *testing.T) {
			data := export(t, c.svc, c.sel, mustFormat(t, "graphml"))
			xmllintSchema(t, data)
			s := networkx(t, "graphml", data, c.probe)
			if s.Nodes != c.nodes || s.Edges != c.edges {
				t.Errorf("NetworkX read %d nodes, %d edges; want %d, %d", s.Nodes, s.Edges, c.nodes, c.edges)
			}
			if !s.Directed {
				t.Errorf("NetworkX read an undirected graph")
			}
			checkProbe(t, c, s)
		})
	}
}

func TestGEXFConsumers(t *testing.T) {
	for _, c := range consumerCases(t) {
		t.Run(c.name, func(t *testing.T) {
			data := export(t, c.svc, c.sel, mustFormat(t, "gexf"))
			s := networkx(t, "gexf", data, c.probe)
			if s.Nodes != c.nodes || s.Edges != c.edges {
				t.Errorf("NetworkX read %d nodes, %d edges; want %d, %d", s.Nodes, s.Edges, c.nodes, c.edges)
			}
			checkProbe(t, c, s)
		})
	}
}

// checkProbe compares the probe node's attributes as NetworkX read them
// with the entity in the store, and its edges' dates and evidence.
func checkProbe(t *testing.T, c consumerCase, s nxSummary) {
	t.Helper()
	e, err := c.svc.Entity(context.Background(), c.probe)
	if err != nil {
		t.Fatal(err)
	}
	got := s.NodeData[c.probe]
	if got == nil {
		t.Fatalf("NetworkX has no node %q", c.probe)
	}
	want := map[string]any{"kind": string(e.Kind), "name": e.Name}
	if len(e.Aliases) > 0 {
		b, _ := json.Marshal(e.Aliases)
		want["aliases"] = string(b)
	}
	if len(e.Identifiers) > 0 {
		b, _ := json.Marshal(identifiers(e.Identifiers))
		want["identifiers"] = string(b)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("node %s: %s = %v, want %v", c.probe, k, got[k], v)
		}
	}
	if c.liberal == nil {
		return
	}
	// The Liberal membership: its until date, and its evidence with the
	// article's title, URL and outlet (looked up when the article is not a
	// node of the network).
	found := 0
	for _, ed := range s.EdgeData {
		if !isLiberal(ed["type"], ed["_source"], ed["_target"]) {
			continue
		}
		found++
		if ed["until"] != liberalUntil {
			t.Errorf("membership edge until = %v, want %s: %v", ed["until"], liberalUntil, ed)
		}
		ev, _ := ed["evidence"].(string)
		checkEvidenceJSON(t, []byte(ev), c.liberal)
		if end, ok := ed["end"]; ok && end != liberalUntil {
			t.Errorf("GEXF end = %v, want %s", end, liberalUntil)
		}
	}
	if found != 1 {
		t.Errorf("%d MEMBER_OF edges from %s to %s, want 1, among %v", found, liberalFrom, liberalTo, s.EdgeData)
	}
}

// checkEvidenceJSON compares evidence a format holds as a JSON list of
// sources with want.
func checkEvidenceJSON(t *testing.T, data []byte, want []Source) {
	t.Helper()
	var got []Source
	if err := json.Unmarshal(data, &got); err != nil {
		t.Errorf("evidence %q is not a JSON list of sources: %v", data, err)
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("membership evidence (-want +got):\n%s", diff)
	}
}

func TestCSVConsumers(t *testing.T) {
	for _, c := range consumerCases(t) {
		t.Run(c.name, func(t *testing.T) {
			files := unzip(t, export(t, c.svc, c.sel, mustFormat(t, "csv")))
			counts := map[string]int{}
			for name, header := range map[string][]string{csvNodesFile: nil, csvRelsFile: nil} {
				_ = header
				r := csv.NewReader(bytes.NewReader(files[name]))
				rows, err := r.ReadAll()
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				kind := "nodes"
				if name == csvRelsFile {
					kind = "relationships"
				}
				if err := checkNeo4jHeader(rows[0], kind); err != nil {
					t.Errorf("%s header: %v", name, err)
				}
				counts[name] = len(rows) - 1
			}
			if counts[csvNodesFile] != c.nodes || counts[csvRelsFile] != c.edges {
				t.Errorf("csv holds %d nodes, %d relationships; want %d, %d", counts[csvNodesFile], counts[csvRelsFile], c.nodes, c.edges)
			}
			if c.liberal != nil {
				checkCSVLiberal(t, files[csvRelsFile], c.liberal)
			}
		})
	}
}

// checkCSVLiberal finds han-dong's Liberal membership among the
// relationship rows and checks its until date and its evidence arrays.
func checkCSVLiberal(t *testing.T, data []byte, want []Source) {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	var arts, titles, urls, quotes []string
	for _, s := range want {
		arts, titles, urls, quotes = append(arts, s.Article), append(titles, s.Title), append(urls, s.URL), append(quotes, s.Quote)
	}
	found := 0
	for _, row := range rows[1:] {
		if !isLiberal(row[col[":TYPE"]], row[col[":START_ID(Entity)"]], row[col[":END_ID(Entity)"]]) {
			continue
		}
		found++
		got := map[string]string{}
		for _, h := range []string{"until:date", "untilText", "evidenceArticles:string[]", "evidenceTitles:string[]", "evidenceUrls:string[]", "evidenceQuotes:string[]"} {
			got[h] = row[col[h]]
		}
		wantCols := map[string]string{
			"until:date": liberalUntil, "untilText": liberalUntil,
			"evidenceArticles:string[]": csvArray(arts), "evidenceTitles:string[]": csvArray(titles),
			"evidenceUrls:string[]": csvArray(urls), "evidenceQuotes:string[]": csvArray(quotes),
		}
		if diff := cmp.Diff(wantCols, got); diff != "" {
			t.Errorf("membership row (-want +got):\n%s", diff)
		}
	}
	if found != 1 {
		t.Errorf("%d MEMBER_OF rows from %s to %s, want 1", found, liberalFrom, liberalTo)
	}
}

func TestFtMConsumers(t *testing.T) {
	for _, c := range consumerCases(t) {
		t.Run(c.name, func(t *testing.T) {
			data := export(t, c.svc, c.sel, mustFormat(t, "ftm"))
			res := ftmCheck(t, data)
			// Every node and edge is one entity; HOLDS_POSITION and LEADS
			// add their Positions.
			n := int(res["entities"].(float64))
			schemata := res["schemata"].(map[string]any)
			pos, _ := schemata["Position"].(float64)
			if n-int(pos) != c.nodes+c.edges {
				t.Errorf("FtM holds %d entities (%v Positions), want %d nodes + %d edges", n, pos, c.nodes, c.edges)
			}
			if c.liberal != nil {
				checkFtMLiberal(t, data, c.liberal)
			}
		})
	}
}

// checkFtMLiberal finds han-dong's Liberal membership among the FtM
// entities and checks its endDate and that its evidence is kept in
// summary (quotes), sourceUrl, publisher and description (articles).
func checkFtMLiberal(t *testing.T, data []byte, want []Source) {
	t.Helper()
	found := 0
	for line := range bytes.Lines(data) {
		var e struct {
			Schema     string
			Properties map[string][]string
		}
		if err := json.Unmarshal(line, &e); err != nil {
			t.Fatalf("FtM line %q: %v", line, err)
		}
		one := func(prop string) string {
			if len(e.Properties[prop]) != 1 {
				return ""
			}
			return e.Properties[prop][0]
		}
		if e.Schema != "Membership" || one("member") != liberalFrom || one("organization") != liberalTo {
			continue
		}
		found++
		if got := e.Properties["endDate"]; !slices.Equal(got, []string{liberalUntil}) {
			t.Errorf("membership endDate = %q, want [%s]", got, liberalUntil)
		}
		for _, s := range want {
			for prop, v := range map[string]string{"summary": s.Quote, "sourceUrl": s.URL, "publisher": s.Outlet, "description": s.Title + " [" + s.Article + "]"} {
				if v != "" && !slices.Contains(e.Properties[prop], v) {
					t.Errorf("membership %s = %q, lacks %q", prop, e.Properties[prop], v)
				}
			}
		}
	}
	if found != 1 {
		t.Errorf("%d Memberships of %s in %s, want 1", found, liberalFrom, liberalTo)
	}
}

func TestCytoscapeStructure(t *testing.T) {
	for _, c := range consumerCases(t) {
		t.Run(c.name, func(t *testing.T) {
			data := export(t, c.svc, c.sel, mustFormat(t, "cytoscape"))
			var doc struct {
				Elements struct {
					Nodes []struct{ Data map[string]any }
					Edges []struct{ Data map[string]any }
				}
			}
			if err := json.Unmarshal(data, &doc); err != nil {
				t.Fatalf("not JSON: %v", err)
			}
			ids := map[string]bool{}
			for _, n := range doc.Elements.Nodes {
				id, _ := n.Data["id"].(string)
				if id == "" || ids[id] {
					t.Fatalf("node id %q empty or repeated", id)
				}
				ids[id] = true
				if n.Data["label"] == nil || n.Data["kind"] == nil {
					t.Errorf("node %s lacks label or kind", id)
				}
			}
			for _, e := range doc.Elements.Edges {
				if !ids[e.Data["source"].(string)] || !ids[e.Data["target"].(string)] {
					t.Errorf("edge %v points outside the nodes", e.Data["id"])
				}
				if ids[e.Data["id"].(string)] {
					t.Errorf("edge id %v collides with a node id", e.Data["id"])
				}
				if _, ok := e.Data["evidence"].([]any); !ok {
					t.Errorf("edge %v has no evidence list", e.Data["id"])
				}
			}
			if len(doc.Elements.Nodes) != c.nodes || len(doc.Elements.Edges) != c.edges {
				t.Errorf("%d nodes, %d edges; want %d, %d", len(doc.Elements.Nodes), len(doc.Elements.Edges), c.nodes, c.edges)
			}
			if c.liberal == nil {
				return
			}
			found := 0
			for _, e := range doc.Elements.Edges {
				if !isLiberal(e.Data["type"], e.Data["source"], e.Data["target"]) {
					continue
				}
				found++
				if e.Data["until"] != liberalUntil {
					t.Errorf("membership until = %v, want %s", e.Data["until"], liberalUntil)
				}
				ev, err := json.Marshal(e.Data["evidence"])
				if err != nil {
					t.Fatal(err)
				}
				checkEvidenceJSON(t, ev, c.liberal)
			}
			if found != 1 {
				t.Errorf("%d MEMBER_OF edges from %s to %s, want 1", found, liberalFrom, liberalTo)
			}
		})
	}
}

func TestJSONRoundTrip(t *testing.T) {
	for _, c := range consumerCases(t) {
		t.Run(c.name, func(t *testing.T) {
			var doc struct {
				Nodes     []kg.Entity
				Edges     []jsonEdge
				Truncated bool
			}
			if err := json.Unmarshal(export(t, c.svc, c.sel, mustFormat(t, "json")), &doc); err != nil {
				t.Fatal(err)
			}
			if len(doc.Nodes) != c.nodes || len(doc.Edges) != c.edges {
				t.Errorf("%d nodes, %d edges; want %d, %d", len(doc.Nodes), len(doc.Edges), c.nodes, c.edges)
			}
			nodes, edges := reference(t, c)
			// Entities come back with every field, cleaned of invalid text.
			var want []kg.Entity
			for _, n := range nodes {
				want = append(want, cleanEntity(n))
			}
			if diff := cmp.Diff(want, doc.Nodes); diff != "" {
				t.Errorf("nodes (-want +got):\n%s", diff)
			}
			if len(doc.Edges) != len(edges) {
				t.Fatalf("%d edges, want %d", len(doc.Edges), len(edges))
			}
			found := 0
			for i, e := range doc.Edges {
				r := edges[i]
				if e.ID != r.ID || e.Type != r.Type || e.From != r.From || e.To != r.To || e.Since != r.Since || e.Until != r.Until || len(e.Evidence) != len(r.Evidence) {
					t.Errorf("edge %d = %+v, want %+v", i, e, r)
				}
				if c.liberal == nil || !isLiberal(string(e.Type), e.From, e.To) {
					continue
				}
				found++
				if e.Until.String() != liberalUntil {
					t.Errorf("membership until = %v, want %s", e.Until, liberalUntil)
				}
				if diff := cmp.Diff(c.liberal, e.Evidence); diff != "" {
					t.Errorf("membership evidence (-want +got):\n%s", diff)
				}
			}
			if c.liberal != nil && found != 1 {
				t.Errorf("%d MEMBER_OF edges from %s to %s, want 1", found, liberalFrom, liberalTo)
			}
		})
	}
}

// reference returns what the store holds for a case, in the order an
// export writes it: the network's subgraph, or every entity and then
// every relationship as the store scans them.
func reference(t *testing.T, c consumerCase) ([]kg.Entity, []kg.Relationship) {
	t.Helper()
	if !c.sel.Whole() {
		sub := network(t, c.svc, c.sel)
		return sub.Nodes, sub.Edges
	}
	ctx := context.Background()
	var nodes []kg.Entity
	var edges []kg.Relationship
	if err := c.svc.Store().ScanEntities(ctx, func(e kg.Entity) error { nodes = append(nodes, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := c.svc.Store().ScanRelationships(ctx, func(r kg.Relationship) error { edges = append(edges, r); return nil }); err != nil {
		t.Fatal(err)
	}
	return nodes, edges
}

func TestCleanText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "Han Dong", "Han Dong"},
		{"invalid byte", "a\xffb", "a\uFFFDb"},
		{"control", "a\x01b\tc\nd", "a\uFFFDb\tc\nd"},
		{"noncharacter", "a\uFFFEb", "a\uFFFDb"},
		{"astral kept", "😀", "😀"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := clean(tt.in); got != tt.want {
				t.Errorf("clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestLookup(t *testing.T) {
	tests := []struct{ in, want string }{
		{"graphml", "graphml"}, {"GEXF", "gexf"}, {".gexf", "gexf"}, {"out.graphml", "graphml"},
		{"x.ftm.json", "ftm"}, {"x.json", "json"}, {"x.zip", "csv"}, {"x.cyjs", "cytoscape"},
		{"application/gexf+xml", "gexf"}, {"application/json; charset=utf-8", "json"},
		{"text/csv", "csv"}, {"application/x-ndjson", "ftm"}, {"pdf", ""}, {"x.txt", ""},
	}
	for _, tt := range tests {
		f, ok := Lookup(tt.in)
		got := ""
		if ok {
			got = f.Name
		}
		if got != tt.want {
			t.Errorf("Lookup(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
