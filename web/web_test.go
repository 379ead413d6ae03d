package web_test

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/polgraph/polgraph/internal/kg"
	"github.com/polgraph/polgraph/web"
)

func get(t *testing.T, h http.Handler, method, target string, header http.Header) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func TestHandler(t *testing.T) {
	h := web.Handler()
	tests := []struct {
		name, method, path string
		status             int
		ctype              string
		body               string // a substring of the body
	}{
		{"index at root", "GET", "/", 200, "text/html; charset=utf-8", `<script src="app.js" type="module">`},
		{"index by name", "GET", "/index.html", 200, "text/html; charset=utf-8", "<!doctype html>"},
		{"module", "GET", "/app.js", 200, "text/javascript; charset=utf-8", "import"},
		{"stylesheet", "GET", "/style.css", 200, "text/css; charset=utf-8", ":root"},
		{"vendored cytoscape", "GET", "/vendor/cytoscape.min.js", 200, "text/javascript; charset=utf-8", "Cytoscape Consortium"},
		{"icon", "GET", "/favicon.svg", 200, "image/svg+xml", "<svg"},
		{"head", "HEAD", "/", 200, "text/html; charset=utf-8", ""},
		{"unknown file", "GET", "/nope.js", 404, "text/plain; charset=utf-8", "not found"},
		{"no directory listing", "GET", "/vendor/", 404, "text/plain; charset=utf-8", "not found"},
		{"no escape", "GET", "/../web.go", 404, "text/plain; charset=utf-8", "not found"},
		{"no writes", "POST", "/", 405, "text/plain; charset=utf-8", "method not allowed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := get(t, h, tc.method, tc.path, nil)
			body := readAll(t, res)
			if res.StatusCode != tc.status {
				t.Errorf("status %d, want %d", res.StatusCode, tc.status)
			}
			if got := res.Header.Get("Content-Type"); got != tc.ctype {
				t.Errorf("Content-Type %q, want %q", got, tc.ctype)
			}
			if !strings.Contains(body, tc.body) {
				t.Errorf("body does not contain %q", tc.body)
			}
			if tc.status == 200 {
				if got := res.Header.Get("Content-Security-Policy"); got != web.ContentSecurityPolicy {
					t.Errorf("Content-Security-Policy %q", got)
				}
				if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
					t.Errorf("X-Content-Type-Options %q", got)
				}
			}
		})
	}
}

func readAll(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestPolicyAllowsOnlySelf guards the CSP: no source other than the page's
// own origin (data: and blob: only for images: cy.png's output).
func TestPolicyAllowsOnlySelf(t *testing.T) {
	for _, d := range strings.Split(web.ContentSecurityPolicy, ";") {
		f := strings.Fields(d)
		if len(f) == 0 {
			continue
		}
		for _, src := range f[1:] {
			ok := src == "'self'" || src == "'none'" || (f[0] == "img-src" && (src == "data:" || src == "blob:"))
			if !ok {
				t.Errorf("%s allows %s", f[0], src)
			}
		}
	}
}

func TestRevalidation(t *testing.T) {
	h := web.Handler()
	res := get(t, h, "GET", "/app.js", nil)
	etag := res.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	res = get(t, h, "GET", "/app.js", http.Header{"If-None-Match": {etag}})
	if res.StatusCode != http.StatusNotModified {
		t.Errorf("with a matching ETag: status %d, want 304", res.StatusCode)
	}
}

// TestReferencesResolve checks that every local file the page loads (HTML
// src/href, JS imports) is embedded, so the page works offline.
func TestReferencesResolve(t *testing.T) {
	static := os.DirFS("static")
	h := web.Handler()
	ref := regexp.MustCompile(`(?:src|href)="([^"#:?]+)"|from "\./([^"]+)"`)
	err := fs.WalkDir(static, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(p, "vendor/") {
			return err
		}
		if ext := path.Ext(p); ext != ".html" && ext != ".js" {
			return nil
		}
		b, err := fs.ReadFile(static, p)
		if err != nil {
			return err
		}
		for _, m := range ref.FindAllStringSubmatch(string(b), -1) {
			target := m[1] + m[2]
			if target == "" || strings.HasPrefix(target, "/") {
				continue
			}
			u := "/" + path.Join(path.Dir(p), target)
			if res := get(t, h, "GET", u, nil); res.StatusCode != 200 {
				t.Errorf("%s refers to %s, which is %d", p, u, res.StatusCode)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestVocabularyFallback keeps the page's built-in list of relationship
// types (used when introspection is off) equal to the domain vocabulary.
func TestVocabularyFallback(t *testing.T) {
	b, err := os.ReadFile("static/api.js")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?s)export const RELATIONSHIP_TYPES = \[(.*?)\];`).FindSubmatch(b)
	if m == nil {
		t.Fatal("api.js has no RELATIONSHIP_TYPES list")
	}
	var got []string
	for _, q := range regexp.MustCompile(`"([A-Z_]+)"`).FindAllSubmatch(m[1], -1) {
		got = append(got, string(q[1]))
	}
	var want []string
	for _, rt := range kg.RelTypes {
		want = append(want, string(rt))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("RELATIONSHIP_TYPES in api.js differs from kg.RelTypes (-want +got):\n%s", diff)
	}
}
