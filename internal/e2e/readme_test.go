package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/polgraph/polgraph/internal/cli"
)

// The README's example queries, verbatim, with the responses the README
// shows. Change both together: this test fails when either drifts from
// what the server answers on the demo dataset.

// readmeMPParty: MP–party. Han Dong was a Liberal MP on 1 January 2022;
// after he left the caucus (22 March 2023) he sits only in the House.
const readmeMPParty = `{
  entity(id: "han-dong") {
    name
    in2022: relationships(direction: OUT, types: [MEMBER_OF], asOf: "2022-01-01") {
      edges { node { to { name } role since until } }
    }
    afterLeaving: relationships(direction: OUT, types: [MEMBER_OF], asOf: "2023-04-01") {
      edges { node { to { name } role since until } }
    }
  }
}`

// readmeDiplomatConsulate: diplomat–consulate, with the evidence.
const readmeDiplomatConsulate = `{
  entity(id: "han-tao") {
    name
    relationships(direction: OUT, types: [HOLDS_POSITION]) {
      edges {
        node {
          role
          to { name ... on Organization { classification } }
          evidence { article { title } quote }
        }
      }
    }
  }
}`

// readmeAccusedAllegation: accused–allegation.
const readmeAccusedAllegation = `{
  allegations(accused: "han-dong") {
    totalCount
    edges {
      node {
        ... on Allegation {
          summary
          status
          accused { name }
          reportedBy { name }
          deniedBy { name }
        }
      }
    }
  }
}`

// readmeArticleSource: article–source.
const readmeArticleSource = `{
  article(id: "article") {
    title
    published
    outlet { name }
    relationships(direction: OUT, types: [PUBLISHED_BY, CITES]) {
      edges { node { type to { name } evidence { quote } } }
    }
  }
}`

// readmePath: Han Dong to Meng Wanzhou. Through the article that mentions
// both it is two steps; through what the article says (every type but
// MENTIONS) it is four: his seat, Canada, her arrest in Canada.
const readmePath = `{
  throughTheArticle: paths(from: "han-dong", to: "meng-wanzhou") {
    length
    nodes { name }
    edges { type from { name } to { name } evidence { quote } }
  }
  throughTheStory: paths(from: "han-dong", to: "meng-wanzhou", maxLength: 6,
    types: [MEMBER_OF, LEADS, HOLDS_POSITION, PART_OF, REPRESENTS, WORKS_FOR,
            SPOKESPERSON_FOR, ACCUSED_IN, INVOLVED_IN, REPORTED_BY, DENIED,
            PUBLISHED_BY, CITES, PARTICIPATED_IN, STATED, ABOUT, CITIZEN_OF]) {
    length
    nodes { name }
    edges { type from { name } to { name } evidence { quote } }
  }
}`

// readmeNetwork: Han Dong's political network two hops out: his party and
// seat, who leads the party, and what the House belongs to.
const readmeNetwork = `{
  network(seeds: ["han-dong"], depth: 2, types: [MEMBER_OF, LEADS, PART_OF]) {
    truncated
    nodes { id name kind }
    edges { type from { id } to { id } role since until }
  }
}`

var readmeQueries = []struct {
	name, query string
}{
	{"mp-party", readmeMPParty},
	{"diplomat-consulate", readmeDiplomatConsulate},
	{"accused-allegation", readmeAccusedAllegation},
	{"article-source", readmeArticleSource},
	{"path", readmePath},
	{"network", readmeNetwork},
}

var updateReadme = flag.Bool("update", false, "rewrite testdata/readme/*.json from the server's answers")

// TestReadmeQueries runs each README query over HTTP and compares the
// whole response with testdata/readme/NAME.json, the response the README
// shows.
func TestReadmeQueries(t *testing.T) {
	checkReadmeQueries(t, demoServer(t))
}

// TestReadmeQueriesOnServeDemo runs the README's queries against the real
// command, polgraph serve --demo, on a free loopback port, then stops it
// as SIGINT would (by cancelling its context) and expects a clean exit.
func TestReadmeQueriesOnServeDemo(t *testing.T) {
	if *updateReadme {
		t.Skip("-update rewrites the answers from TestReadmeQueries")
	}
	// The command reads POLGRAPH_* variables; none may point it elsewhere.
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "POLGRAPH_") {
			t.Setenv(k, "")
		}
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	logs := &addrLog{addr: make(chan string, 1)}
	done := make(chan error, 1)
	go func() {
		done <- cli.Run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--demo", "--log-format", "json"}, io.Discard, logs)
	}()
	var addr string
	select {
	case addr = <-logs.addr:
	case err := <-done:
		t.Fatalf("serve stopped before serving: %v\n%s", err, logs.text())
	case <-time.After(time.Minute):
		t.Fatalf("serve did not log the address it listens on within a minute:\n%s", logs.text())
	}
	checkReadmeQueries(t, &client{t: t, url: "http://" + addr + "/graphql"})
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after a shutdown", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("serve did not stop within a minute of its context ending")
	}
}

// addrLog collects the command's JSON log and hands over the address of
// its "serving" line.
type addrLog struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	addr chan string
	sent bool
}

func (l *addrLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	var line struct {
		Msg  string `json:"msg"`
		Addr string `json:"addr"`
	}
	if !l.sent && json.Unmarshal(p, &line) == nil && line.Msg == "serving" && line.Addr != "" {
		l.addr <- line.Addr
		l.sent = true
	}
	return len(p), nil
}

func (l *addrLog) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func checkReadmeQueries(t *testing.T, c *client) {
	for _, q := range readmeQueries {
		t.Run(q.name, func(t *testing.T) {
			data, errs := c.with(t).post(q.query, nil)
			if len(errs) > 0 {
				t.Fatalf("errors: %+v", errs)
			}
			var got any
			if err := json.Unmarshal(data, &got); err != nil {
				t.Fatal(err)
			}
			file := fmt.Sprintf("testdata/readme/%s.json", q.name)
			if *updateReadme {
				// The server's own field order, as the README shows it.
				var b bytes.Buffer
				if err := json.Indent(&b, []byte(`{"data":`+string(data)+`}`), "", "  "); err != nil {
					t.Fatal(err)
				}
				b.WriteByte('\n')
				if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test -run TestReadmeQueries -update)", err)
			}
			var want struct {
				Data any `json:"data"`
			}
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			if diff := cmp.Diff(want.Data, got); diff != "" {
				t.Errorf("the README's answer (%s) differs (-README +server):\n%s", file, diff)
			}
		})
	}
}

// The README shows each example query verbatim, so a query changed here
// without the README (or the other way round) fails.
func TestReadmeShowsQueries(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range readmeQueries {
		if !strings.Contains(string(readme), "```graphql\n"+q.query+"\n```") {
			t.Errorf("README.md does not show the %s query verbatim in a graphql block:\n%s", q.name, q.query)
		}
	}
}
