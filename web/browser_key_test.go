package web_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/polgraph/polgraph/internal/demotest"
	"github.com/polgraph/polgraph/internal/export"
	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/internal/server"
	"github.com/polgraph/polgraph/web"
)

// TestBrowserAPIKey: on a server whose reads need a key, the page says so,
// takes a pasted key (kept in sessionStorage only), sends it as a Bearer
// header to /graphql and /export, and forgets it on request; GraphiQL does
// the same.
func TestBrowserAPIKey(t *testing.T) {
	svc := demotest.Service(t)
	_, secret, err := svc.CreateKey(context.Background(), "rita", kg.RoleReader)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(server.Options{
		Service: svc, Web: web.Handler(), Export: export.Handler(svc, nil),
		Auth: server.Auth{ReadsNeedKey: true},
	}))
	t.Cleanup(srv.Close)
	b := newBrowser(t)
	defer b.checkClean()

	b.do("open the page", chromedp.Navigate(srv.URL+"/"))
	b.poll("the refusal", `!!window.polgraph && window.polgraph.state === "error"`)
	if open := evalAs[bool](b, `document.getElementById("key-box").open`); !open {
		t.Error("the key box is not opened when the server wants a key")
	}
	if s := evalAs[string](b, `document.getElementById("status").textContent`); !strings.Contains(s, "API key") {
		t.Errorf("the status says %q, want it to ask for an API key", s)
	}

	b.setInput("api-key", secret, "")
	b.do("use the key", chromedp.Click(chromedp.ID("key-use")))
	b.poll("the page to start with the key", `!!window.polgraph && window.polgraph.state === "ready"`)
	b.poll("the viewer", `document.getElementById("key-summary").textContent === "Key: rita (reader)"`)
	stored := evalAs[struct {
		Session string
		Local   int
	}](b, `({Session: sessionStorage.getItem("polgraph.apiKey"), Local: localStorage.length})`)
	if stored.Session != secret || stored.Local != 0 {
		t.Errorf("the key is kept as %+v, want in sessionStorage only", stored)
	}

	v := b.version()
	b.choose("search", "Han Dong", "han-dong")
	b.settle(v, "Han Dong's network")
	if nodes := b.nodes(); len(nodes) < 2 {
		t.Fatalf("with a reader key the network holds %v", nodes)
	}
	// An export link is fetched with the key and saved.
	evalAs[bool](b, `(() => {
		window.__downloads = [];
		const click = HTMLAnchorElement.prototype.click;
		HTMLAnchorElement.prototype.click = function () {
			if (this.download) { window.__downloads.push(this.download); return; }
			return click.call(this);
		};
		return true;
	})()`)
	b.do("export JSON", chromedp.Click(chromedp.ID("export-json")))
	b.poll("the download", `window.__downloads.length === 1 && window.__downloads[0].endsWith(".json")`)

	b.do("forget the key", chromedp.Click(chromedp.ID("key-summary")), chromedp.Click(chromedp.ID("key-forget")))
	b.poll("the key forgotten", `sessionStorage.getItem("polgraph.apiKey") === null && document.getElementById("key-summary").textContent === "API key"`)

	// GraphiQL, in the same tab, sends the key the tab holds, and loads the
	// schema with it; without it, it says a key is needed.
	evalAs[bool](b, `(sessionStorage.setItem("polgraph.apiKey", `+"`"+secret+"`"+`), true)`)
	b.do("open GraphiQL", chromedp.Navigate(srv.URL+"/graphiql"), chromedp.WaitVisible(chromedp.ID("api-key")))
	b.poll("GraphiQL's viewer", `document.getElementById("key-who").textContent === "as rita (reader)"`)
	b.poll("GraphiQL's schema", `!!document.querySelector(".graphiql-container") && !document.body.innerText.includes("UNAUTHENTICATED")`)
	b.do("forget the key in GraphiQL", chromedp.Click(chromedp.ID("key-forget")))
	b.poll("GraphiQL's refusal", `document.getElementById("key-who").textContent.includes("API key")`)
	if n := evalAs[int](b, `localStorage.length`); n != 0 {
		t.Errorf("GraphiQL wrote %d items to localStorage", n)
	}
}
