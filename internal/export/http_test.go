package export

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHandler(t *testing.T) {
	svc := openService(t, fixture())
	srv := httptest.NewServer(Handler(svc, slog.New(slog.DiscardHandler)))
	defer srv.Close()
	tests := []struct {
		name, query, accept string
		status              int
		ctype, filename     string
		param               string // of the JSON error
		body                string // a substring of the body
	}{
		{"graphml network", "format=graphml&seed=han-dong&depth=1", "", 200, "application/graphml+xml", "polgraph-han-dong.graphml", "", `<node id="liberal-party">`},
		{"whole graph json", "format=json", "", 200, "application/json", "polgraph-graph.json", "", `"id":"meng-wanzhou"`},
		{"by extension", "format=.gexf&seed=han-dong&seed=china", "", 200, "application/gexf+xml", "polgraph-han-dong-and-1-more.gexf", "", `timeformat="date"`},
		{"by accept", "seed=han-dong", "text/html;q=0.9, application/x-ndjson", 200, "application/x-ndjson", "polgraph-han-dong.ftm.json", "", `"schema":"Person"`},
		{"csv is a zip", "format=csv&seed=han-dong&types=MEMBER_OF,LEADS&asOf=2022-01-01&limit=50", "", 200, "application/zip", "polgraph-han-dong.zip", "", "nodes.csv"},
		{"no format", "seed=han-dong", "*/*", 400, "", "", "format", ""},
		{"unknown format", "format=pdf", "", 400, "", "", "format", ""},
		{"bad depth", "format=json&seed=han-dong&depth=x", "", 400, "", "", "depth", ""},
		{"depth out of range", "format=json&seed=han-dong&depth=99", "", 400, "", "", "depth", ""},
		{"bad type", "format=json&seed=han-dong&types=FRIENDS", "", 400, "", "", "types", ""},
		{"bad date", "format=json&seed=han-dong&asOf=2022-13", "", 400, "", "", "asOf", ""},
		{"depth without seed", "format=json&depth=2", "", 400, "", "", "depth", ""},
		{"unknown parameter", "format=json&sede=han-dong", "", 400, "", "", "sede", ""},
		{"unknown seed", "format=json&seed=nobody", "", 404, "", "", "seed", "nobody"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", srv.URL+"/export?"+tt.query, nil)
			if tt.accept != "" {
				req.Header.Set("Accept", tt.accept)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if tt.status != 200 {
				var e struct {
					Error struct{ Parameter, Message string }
				}
				if err := json.Unmarshal(body, &e); err != nil {
					t.Fatalf("error body is not JSON: %s", body)
				}
				if e.Error.Parameter != tt.param || e.Error.Message == "" {
					t.Errorf("error names %q (%q), want parameter %q", e.Error.Parameter, e.Error.Message, tt.param)
				}
				if !strings.Contains(string(body), tt.body) {
					t.Errorf("body %s lacks %q", body, tt.body)
				}
				return
			}
			if got := resp.Header.Get("Content-Type"); got != tt.ctype {
				t.Errorf("Content-Type %q, want %q", got, tt.ctype)
			}
			if got, want := resp.Header.Get("Content-Disposition"), `attachment; filename="`+tt.filename+`"`; got != want {
				t.Errorf("Content-Disposition %q, want %q", got, want)
			}
			if !strings.Contains(string(body), tt.body) {
				t.Errorf("body lacks %q", tt.body)
			}
		})
	}
}
