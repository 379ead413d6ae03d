package e2e_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/polgraph/polgraph/internal/demotest"
	"github.com/polgraph/polgraph/internal/kg"
)

// externalEnv names a running polgraph serve --demo to test instead of the
// one each test starts, e.g. POLGRAPH_E2E_URL=http://127.0.0.1:8080. Tests
// that write to the graph skip against it.
const externalEnv = "POLGRAPH_E2E_URL"

// demoServer starts the HTTP front as polgraph serve --demo builds it (the
// same handler, the same limits) on 127.0.0.1, over a fresh store holding
// the demo dossier (embedded, or Neo4j when NEO4J_URI is set), and returns a client of
// its /graphql.
func demoServer(t *testing.T) *client {
	t.Helper()
	if u := os.Getenv(externalEnv); u != "" {
		return &client{t: t, url: strings.TrimSuffix(u, "/") + "/graphql", external: true}
	}
	return &client{t: t, url: demotest.Server(t).URL + "/graphql"}
}

// client posts GraphQL requests to a server over HTTP.
type client struct {
	t        *testing.T
	url      string
	external bool
}

// with returns the client for a subtest.
func (c *client) with(t *testing.T) *client {
	return &client{t: t, url: c.url, external: c.external}
}

// gqlError is one entry of a response's errors.
type gqlError struct {
	Message    string `json:"message"`
	Path       []any  `json:"path"`
	Extensions struct {
		Code     string       `json:"code"`
		ID       string       `json:"id"`
		Problems []kg.Problem `json:"problems"`
	} `json:"extensions"`
}

// post sends one query with its variables as a JSON POST and returns the
// response's data and errors. Anything but a JSON GraphQL response fails
// the test.
func (c *client) post(query string, vars map[string]any) (json.RawMessage, []gqlError) {
	c.t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		c.t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(c.t.Context(), http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("POST %s: %v", c.url, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("reading the response: %v", err)
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "application/json" && mt != "application/graphql-response+json" {
		c.t.Fatalf("POST %s: status %d, Content-Type %q: %s", c.url, resp.StatusCode, resp.Header.Get("Content-Type"), raw)
	}
	var r struct {
		Data   json.RawMessage `json:"data"`
		Errors []gqlError      `json:"errors"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		c.t.Fatalf("POST %s: status %d, not a GraphQL response: %v: %s", c.url, resp.StatusCode, err, raw)
	}
	if resp.StatusCode != http.StatusOK && len(r.Errors) == 0 {
		c.t.Fatalf("POST %s: status %d without errors: %s", c.url, resp.StatusCode, raw)
	}
	return r.Data, r.Errors
}

// query runs a query that must succeed and decodes its data into out.
func (c *client) query(query string, vars map[string]any, out any) {
	c.t.Helper()
	data, errs := c.post(query, vars)
	if len(errs) > 0 {
		c.t.Fatalf("query failed: %s\nerrors: %+v", oneLine(query), errs)
	}
	if err := json.Unmarshal(data, out); err != nil {
		c.t.Fatalf("decoding %s: %v", data, err)
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// The shapes responses are decoded into. Optional fields are pointers so a
// null is told apart from an empty string.

type ref struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type entity struct {
	Typename       string   `json:"__typename"`
	ID             string   `json:"id"`
	Kind           string   `json:"kind"`
	Name           string   `json:"name"`
	Aliases        []string `json:"aliases"`
	Description    *string  `json:"description"`
	Classification *string  `json:"classification"`
	CountryCode    *string  `json:"countryCode"`
	Title          string   `json:"title"`
	Outlet         *ref     `json:"outlet"`
	Published      *string  `json:"published"`
	Text           *string  `json:"text"`
	Summary        string   `json:"summary"`
	Status         string   `json:"status"`
	Accused        []ref    `json:"accused"`
	ReportedBy     []ref    `json:"reportedBy"`
	DeniedBy       []ref    `json:"deniedBy"`
	Date           *string  `json:"date"`
	EventType      *string  `json:"eventType"`
	Participants   []ref    `json:"participants"`
	Quote          string   `json:"quote"`
	Speaker        *ref     `json:"speaker"`
}

// entityFields selects every field of every kind.
const entityFields = `__typename id kind name aliases description
  ... on Organization { classification }
  ... on Country { countryCode }
  ... on Article { title url outlet { id name } published text }
  ... on Allegation { summary status accused { id name } reportedBy { id name } deniedBy { id name } }
  ... on Event { date eventType participants { id name } }
  ... on Statement { quote date speaker { id name } }`

type evidence struct {
	Article    ref     `json:"article"`
	Quote      *string `json:"quote"`
	Confidence float64 `json:"confidence"`
}

type relationship struct {
	ID       string     `json:"id"`
	Type     string     `json:"type"`
	From     ref        `json:"from"`
	To       ref        `json:"to"`
	Role     *string    `json:"role"`
	Since    *string    `json:"since"`
	Until    *string    `json:"until"`
	Evidence []evidence `json:"evidence"`
	Sources  int        `json:"sources"`
}

// relFields selects every field of a relationship.
const relFields = `id type from { id name } to { id name } role since until sources
  evidence { article { id name } quote confidence }`

type pageInfo struct {
	HasNextPage     bool    `json:"hasNextPage"`
	HasPreviousPage bool    `json:"hasPreviousPage"`
	StartCursor     *string `json:"startCursor"`
	EndCursor       *string `json:"endCursor"`
}

type relConnection struct {
	TotalCount int      `json:"totalCount"`
	PageInfo   pageInfo `json:"pageInfo"`
	Edges      []struct {
		Cursor string       `json:"cursor"`
		Node   relationship `json:"node"`
	} `json:"edges"`
}

func (c relConnection) nodes() []relationship {
	out := make([]relationship, len(c.Edges))
	for i, e := range c.Edges {
		out[i] = e.Node
	}
	return out
}

type entityConnection struct {
	TotalCount int      `json:"totalCount"`
	PageInfo   pageInfo `json:"pageInfo"`
	Edges      []struct {
		Cursor string   `json:"cursor"`
		Score  *float64 `json:"score"`
		Node   entity   `json:"node"`
	} `json:"edges"`
}

func (c entityConnection) ids() []string {
	out := make([]string, len(c.Edges))
	for i, e := range c.Edges {
		out[i] = e.Node.ID
	}
	return out
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func ids(refs []ref) []string {
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = r.ID
	}
	return out
}

// sorted returns a sorted copy, for comparing sets.
func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	if out == nil {
		out = []string{}
	}
	return out
}
