package web_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/testtool"
	"github.com/polgraph/polgraph/web"
)

var updateScreenshot = flag.Bool("update-screenshot", false, "write the README's screenshot, docs/screenshot.png")

// chromium finds a Chromium or Chrome binary: $POLGRAPH_CHROME, else the
// usual names on PATH.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("POLGRAPH_CHROME"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	testtool.Missing(t, "a chromium binary", "apt-get install chromium, or set POLGRAPH_CHROME")
	return ""
}

// artifacts is where screenshots go: $POLGRAPH_ARTIFACTS, else artifacts/
// at the top of the repository.
func artifacts(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("POLGRAPH_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "artifacts")
	}
	dir = filepath.Join(dir, "browser")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// watch is run in the page before its own scripts: it records script errors
// and Content-Security-Policy violations for checkClean.
const watch = `
window.__problems = [];
window.addEventListener("error", e => window.__problems.push("script error: " + e.message + " at " + e.filename + ":" + e.lineno));
window.addEventListener("unhandledrejection", e => window.__problems.push("unhandled rejection: " + (e.reason && e.reason.stack || e.reason)));
document.addEventListener("securitypolicyviolation", e => window.__problems.push("CSP violation: " + e.violatedDirective + " blocked " + e.blockedURI));
`

// browser is a headless Chromium tab.
type browser struct {
	t   *testing.T
	ctx context.Context
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1440, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	b := &browser{t: t, ctx: ctx}
	// Start the browser on the tab's own context (a timeout on it would
	// stop the browser), then bound each later step.
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: watch}); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return b
}

// checkClean fails the test if the page reported script errors or CSP
// violations.
func (b *browser) checkClean() {
	b.t.Helper()
	for _, p := range evalAs[[]string](b, `window.__problems || []`) {
		b.t.Error(p)
	}
}

func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// evalAs evaluates a JavaScript expression, awaiting a promise.
func evalAs[T any](b *browser, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

func (b *browser) poll(what, expr string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		b.t.Fatalf("waiting for %s: %v (status: %q)", what, err, evalAs[string](b, `document.getElementById("status").textContent`))
	}
}

func (b *browser) version() int {
	b.t.Helper()
	return evalAs[int](b, `window.polgraph ? window.polgraph.version : 0`)
}

// settle waits until the page has finished a redraw after version was seen,
// and fails the test if that redraw ended in an error.
func (b *browser) settle(after int, what string) {
	b.t.Helper()
	b.poll(what, fmt.Sprintf(`!!window.polgraph && window.polgraph.version > %d && window.polgraph.state !== "loading"`, after))
	state := evalAs[string](b, `window.polgraph.state`)
	msg := evalAs[string](b, `document.getElementById("status").textContent`)
	if state != "ready" {
		b.t.Fatalf("%s: the page is in state %q: %s", what, state, msg)
	}
	b.t.Logf("%s: %s", what, msg)
}

func (b *browser) location() string {
	b.t.Helper()
	return evalAs[string](b, `location.search`)
}

func (b *browser) nodes() []string {
	b.t.Helper()
	return evalAs[[]string](b, `polgraph.cy.nodes().map(n => n.id()).sort()`)
}

// hasEdge reports whether a drawn edge of type typ joins from and to.
func (b *browser) hasEdge(typ, from, to string) bool {
	b.t.Helper()
	return b.edgeID(typ, from, to) != ""
}

func (b *browser) edgeID(typ, from, to string) string {
	b.t.Helper()
	return evalAs[string](b, fmt.Sprintf(`(polgraph.cy.edges().filter(e => e.data("type") === %q && e.source().id() === %q && e.target().id() === %q)[0] || {id: () => ""}).id()`, typ, from, to))
}

// clickElement clicks the drawing where a node (its centre) or an edge (its
// midpoint) is rendered, with a real mouse event.
func (b *browser) clickElement(id string) {
	b.t.Helper()
	pt := evalAs[struct{ X, Y float64 }](b, fmt.Sprintf(`(() => {
		const el = polgraph.cy.getElementById(%q);
		if (el.empty()) return {X: -1, Y: -1};
		const box = document.getElementById("graph").getBoundingClientRect();
		const p = el.isNode() ? el.renderedPosition() : el.renderedMidpoint();
		return {X: box.left + p.x, Y: box.top + p.y};
	})()`, id))
	if pt.X < 0 {
		b.t.Fatalf("element %s is not drawn", id)
	}
	b.do("click "+id, chromedp.MouseClickXY(pt.X, pt.Y))
}

// choose types text into a combobox and picks the option with the given
// entity id using the keyboard only.
func (b *browser) choose(input, text, id string) {
	b.t.Helper()
	list := input + "-list"
	b.setInput(input, "", "")
	b.do("type into "+input,
		chromedp.Click(chromedp.ID(input)),
		chromedp.SendKeys(chromedp.ID(input), text),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#%s [role=option][data-id=%q]`, list, id))),
	)
	ids := evalAs[[]string](b, fmt.Sprintf(`[...document.querySelectorAll("#%s [role=option]")].map(li => li.dataset.id)`, list))
	i := slices.Index(ids, id)
	if i > 0 {
		b.do("choose "+id, chromedp.SendKeys(chromedp.ID(input), strings.Repeat(kb.ArrowDown, i)))
	}
	active := evalAs[string](b, fmt.Sprintf(`(document.querySelector("#%s [aria-selected=true]") || {dataset: {}}).dataset.id || ""`, list))
	if active != id {
		b.t.Fatalf("%s: after %d arrow presses the active option is %q, want %q (options %v)", input, i, active, id, ids)
	}
	b.do("pick "+id, chromedp.SendKeys(chromedp.ID(input), kb.Enter))
}

func (b *browser) screenshot(name string) []byte {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join(artifacts(b.t), name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot saved to %s", path)
	return png
}

// setInput sets an input's value and, unless event is empty, fires that
// event on it, as a date picker does.
func (b *browser) setInput(id, value, event string) {
	b.t.Helper()
	evalAs[bool](b, fmt.Sprintf(`(() => {
		const el = document.getElementById(%q);
		el.value = %q;
		if (%q) el.dispatchEvent(new Event(%q, {bubbles: true}));
		return true;
	})()`, id, value, event, event))
}

// setDate picks an as-of date.
func (b *browser) setDate(date string) {
	b.t.Helper()
	b.setInput("asof", date, "change")
}

// TestBrowser walks through the page against a server holding the demo
// dataset, as a researcher would: search, read, expand, go back in time,
// find a path, export.
func TestBrowser(t *testing.T) {
	base := demoServer(t)
	b := newBrowser(t)
	defer b.checkClean()

	b.do("open the page", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.ID("empty")))
	b.poll("the page to start", `!!window.polgraph && window.polgraph.state === "ready"`)
	if n := evalAs[int](b, `document.querySelectorAll("#types input[type=checkbox]").length`); n != len(kg.RelTypes) {
		t.Errorf("the type filter offers %d relationship types, want the %d of the vocabulary", n, len(kg.RelTypes))
	}

	// Nothing found is said, not left blank.
	b.do("search nonsense", chromedp.SendKeys(chromedp.ID("search"), "zzzzzzzz"),
		chromedp.WaitVisible(chromedp.CSS(`#search-list .none`)))

	// Search Han Dong with the keyboard and draw his network.
	v := b.version()
	b.choose("search", "Han Dong", "han-dong")
	b.settle(v, "Han Dong's network")
	nodes := b.nodes()
	for _, want := range []string{"han-dong", "liberal-party", "allegation-1", "house-of-commons"} {
		if !slices.Contains(nodes, want) {
			t.Errorf("Han Dong's network lacks %s; it holds %v", want, nodes)
		}
	}
	if !b.hasEdge("ACCUSED_IN", "han-dong", "allegation-1") {
		t.Error("the drawing lacks Han Dong ACCUSED_IN allegation-1")
	}
	seat := b.edgeID("MEMBER_OF", "han-dong", "house-of-commons")
	if seat == "" {
		t.Fatal("the drawing lacks Han Dong's House of Commons seat (MEMBER_OF house-of-commons)")
	}
	if !b.hasEdge("MEMBER_OF", "han-dong", "liberal-party") {
		t.Fatal("the drawing lacks Han Dong's Liberal membership (MEMBER_OF liberal-party)")
	}
	if n := evalAs[int](b, `document.querySelectorAll("#legend li[data-kind]").length`); n != len(kg.Kinds) {
		t.Errorf("the legend shows %d kinds, want %d", n, len(kg.Kinds))
	}
	if u := b.location(); !strings.Contains(u, "seed=han-dong") {
		t.Errorf("the URL %q does not hold the seed", u)
	}
	b.screenshot("1-network.png")

	// Click an edge: its evidence, dates and role show in the side panel.
	b.clickElement(seat)
	b.do("evidence panel", chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#details[data-showing=edge][data-id=%q]`, seat))))
	ev := evalAs[struct {
		Items    int
		Articles []string
		Links    []string
		Text     string
	}](b, `(() => {
		const d = document.getElementById("details");
		return {
			Items: d.querySelectorAll("[data-testid=evidence] li").length,
			Articles: [...d.querySelectorAll("[data-testid=evidence-article]")].map(a => a.textContent),
			Links: [...d.querySelectorAll("[data-testid=evidence] a")].map(a => a.href),
			Text: d.innerText,
		};
	})()`)
	if ev.Items == 0 || len(ev.Articles) != ev.Items {
		t.Errorf("the seat's evidence panel lists %d items naming %d articles: %q", ev.Items, len(ev.Articles), ev.Text)
	}
	for _, l := range ev.Links {
		if !strings.HasPrefix(l, "http") {
			t.Errorf("an evidence link goes to %q", l)
		}
	}
	for _, want := range []string{"Role", "MP", "Since", "2019", "Confidence", "Canada MP Han Dong Steps Down"} {
		if !strings.Contains(ev.Text, want) {
			t.Errorf("the evidence panel does not say %q: %q", want, ev.Text)
		}
	}
	shot := b.screenshot("2-evidence.png")
	if *updateScreenshot {
		if err := os.WriteFile(filepath.Join("..", "docs", "screenshot.png"), shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// The evidence leads to its article.
	b.do("open the article", chromedp.Click(chromedp.CSS(`[data-testid=evidence-article]`)),
		chromedp.WaitVisible(chromedp.CSS(`#details[data-showing=node][data-id=article]`)))
	b.clickElement(seat)
	b.do("evidence panel again", chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#details[data-showing=edge][data-id=%q]`, seat))))

	// Click a node: its neighbours are merged in.
	before := len(b.nodes())
	v = b.version()
	b.clickElement("liberal-party")
	b.settle(v, "expanding the Liberal Party")
	after := b.nodes()
	if len(after) <= before {
		t.Errorf("expanding the Liberal Party drew %d nodes, no more than the %d before", len(after), before)
	}
	if !slices.Contains(after, "justin-trudeau") {
		t.Errorf("after expanding the Liberal Party its leader is not drawn: %v", after)
	}
	if u := b.location(); !strings.Contains(u, "seed=liberal-party") {
		t.Errorf("the URL %q does not hold the expanded seed", u)
	}

	// Before his election the seat is gone.
	v = b.version()
	b.setDate("2018-06-01")
	b.settle(v, "as of 2018-06-01")
	if b.hasEdge("MEMBER_OF", "han-dong", "house-of-commons") {
		t.Error("as of 2018-06-01 Han Dong holds a House of Commons seat; he was elected in 2019")
	}
	// Past March 2023 the seat is back and the Liberal membership has ended.
	v = b.version()
	b.setDate("2023-06-01")
	b.settle(v, "as of 2023-06-01")
	if !b.hasEdge("MEMBER_OF", "han-dong", "house-of-commons") {
		t.Error("as of 2023-06-01 Han Dong's House of Commons seat is not drawn")
	}
	if b.hasEdge("MEMBER_OF", "han-dong", "liberal-party") {
		t.Error("as of 2023-06-01 Han Dong is drawn as a Liberal member; he left in March 2023")
	}
	if u := b.location(); !strings.Contains(u, "asOf=2023-06-01") {
		t.Errorf("the URL %q does not hold the as-of date", u)
	}

	// The URL alone reproduces the view.
	shown := b.nodes()
	href := evalAs[string](b, `location.href`)
	b.do("reload the deep link", chromedp.Navigate(href))
	b.settle(0, "the deep link")
	if got := b.nodes(); !slices.Equal(got, shown) {
		t.Errorf("reloading %s drew\n%v\nwant\n%v", href, got, shown)
	}
	if got := evalAs[string](b, `document.getElementById("asof").value`); got != "2023-06-01" {
		t.Errorf("after reloading, the as-of control shows %q", got)
	}

	// Any time again, then the paths from Han Dong to Meng Wanzhou.
	v = b.version()
	b.do("any time", chromedp.Click(chromedp.ID("asof-now")))
	b.settle(v, "any time")
	b.choose("path-from", "Han Dong", "han-dong")
	b.choose("path-to", "Meng Wanzhou", "meng-wanzhou")
	v = b.version()
	b.do("find paths", chromedp.Click(chromedp.ID("find-paths")))
	b.settle(v, "paths to Meng Wanzhou")
	paths := evalAs[[]string](b, `[...document.querySelectorAll("#paths [data-testid=path]")].map(b => b.textContent)`)
	if len(paths) == 0 {
		t.Fatal("no path from Han Dong to Meng Wanzhou is listed")
	}
	if !strings.HasPrefix(paths[0], "Han Dong →") || !strings.Contains(paths[0], "Meng Wanzhou") {
		t.Errorf("the first path reads %q", paths[0])
	}
	lit := evalAs[struct {
		Ends         bool
		Nodes, Edges int
	}](b, `({
		Ends: polgraph.cy.getElementById("han-dong").hasClass("path") && polgraph.cy.getElementById("meng-wanzhou").hasClass("path"),
		Nodes: polgraph.cy.nodes(".path").length,
		Edges: polgraph.cy.edges(".path").length,
	})`)
	if !lit.Ends || lit.Edges == 0 || lit.Nodes < 3 {
		t.Errorf("the paths are not highlighted: ends lit %v, %d nodes and %d edges lit", lit.Ends, lit.Nodes, lit.Edges)
	}
	if u := b.location(); !strings.Contains(u, "from=han-dong") || !strings.Contains(u, "to=meng-wanzhou") {
		t.Errorf("the URL %q does not hold the path's ends", u)
	}
	b.screenshot("3-path.png")

	// Export: the links carry the view; the Cytoscape JSON export loads into
	// cytoscape.js with as many nodes and edges as the network query gives.
	graphml := evalAs[string](b, `document.getElementById("export-graphml").getAttribute("href")`)
	for _, want := range []string{"format=graphml", "seed=han-dong", "seed=liberal-party"} {
		if !strings.Contains(graphml, want) {
			t.Errorf("the GraphML export link %q lacks %s", graphml, want)
		}
	}
	loaded := evalAs[struct {
		Nodes, Edges int
		Error        string
	}](b, `fetch("/export?format=cytoscape&seed=han-dong")
		.then(r => r.ok ? r.json() : r.text().then(t => { throw new Error(r.status + " " + t) }))
		.then(j => {
			const c = polgraph.cytoscape({headless: true, elements: j.elements || j});
			return {Nodes: c.nodes().length, Edges: c.edges().length, Error: ""};
		})
		.catch(e => ({Nodes: 0, Edges: 0, Error: String(e)}))`)
	if loaded.Error != "" {
		t.Errorf("loading the Cytoscape export: %s", loaded.Error)
	}
	wantN, wantE := networkSize(t, base, "han-dong")
	if loaded.Nodes != wantN || loaded.Edges != wantE || wantN == 0 {
		t.Errorf("the Cytoscape export loads as %d nodes and %d edges; network(seeds: [han-dong]) has %d and %d", loaded.Nodes, loaded.Edges, wantN, wantE)
	}
	if png := evalAs[string](b, `polgraph.cy.png({full: true}).slice(0, 22)`); png != "data:image/png;base64," {
		t.Errorf("the PNG export starts %q", png)
	}
}

// networkSize asks /graphql for the size of a seed's default network.
func networkSize(t *testing.T, base, seed string) (int, int) {
	t.Helper()
	body := fmt.Sprintf(`{"query":"query($s:[ID!]!){ network(seeds:$s){ nodes{id} edges{id} } }","variables":{"s":[%q]}}`, seed)
	res, err := http.Post(base+"/graphql", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Data struct {
			Network struct {
				Nodes []struct{ ID string }
				Edges []struct{ ID string }
			}
		}
		Errors []struct{ Message string }
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if len(out.Errors) > 0 {
		t.Fatalf("network query: %s", out.Errors[0].Message)
	}
	return len(out.Data.Network.Nodes), len(out.Data.Network.Edges)
}

// TestBrowserServerDown checks that the page says so when the API fails or
// the server is gone, instead of staying blank.
func TestBrowserServerDown(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/", web.Handler())
	mux.HandleFunc("/graphql", func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "upstream unavailable", http.StatusBadGateway)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	b := newBrowser(t)
	defer b.checkClean()

	b.do("open the page", chromedp.Navigate(srv.URL+"/"))
	b.poll("the error", `!!window.polgraph && window.polgraph.state === "error"`)
	status := evalAs[string](b, `document.getElementById("status").textContent`)
	cls := evalAs[string](b, `document.getElementById("status").className`)
	if !strings.Contains(cls, "error") || !strings.Contains(status, "502") {
		t.Errorf("with a failing API the status says %q (class %q), want an error naming the 502", status, cls)
	}

	srv.Close()
	b.do("search with the server gone", chromedp.SendKeys(chromedp.ID("search"), "Han"))
	b.poll("the error", `document.getElementById("status").textContent.includes("Cannot reach")`)
}
