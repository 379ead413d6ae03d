// Package llm is an optional extractor that asks a chat model behind an
// OpenAI-compatible endpoint (POST {URL}/chat/completions) to read an
// article, and turns its JSON answer into the same proposals the rule
// pipeline makes. It is off unless configured (URL, model, key); every
// answer is validated against the vocabulary — kinds, classifications,
// relationship types and which kinds each type connects — and every quote
// must be a passage of the article, so a bad answer is rejected with a
// clear error instead of reaching the review queue.
package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/polgraph/polgraph/internal/extract"
	"github.com/polgraph/polgraph/internal/extract/gazetteer"
	"github.com/polgraph/polgraph/internal/extract/link"
	"github.com/polgraph/polgraph/internal/kg"
)

// Config configures the endpoint.
type Config struct {
	URL     string // base URL ("https://api.example.com/v1") or the full .../chat/completions
	Model   string
	Key     string        // sent as a bearer token; never logged
	Timeout time.Duration // per request; 0: 60s
	Client  *http.Client  // nil: http.DefaultClient
}

// Limits on what an answer may hold.
const (
	MaxAnswerBytes   = 1 << 20
	MaxEntities      = 500
	MaxRelationships = 2000
)

// Extractor is an extract.Extractor backed by a chat model.
type Extractor struct {
	cfg      Config
	endpoint string
}

var _ extract.Extractor = (*Extractor)(nil)

// New checks the configuration.
func New(cfg Config) (*Extractor, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("llm: URL %q is not an http(s) URL", cfg.URL)
	}
	if strings.TrimSpace(cfg.Model) == "" {
		return nil, errors.New("llm: a model name is required")
	}
	ep := strings.TrimRight(cfg.URL, "/")
	if !strings.HasSuffix(ep, "/chat/completions") {
		ep += "/chat/completions"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 60 * time.Second
	}
	if cfg.Client == nil {
		cfg.Client = http.DefaultClient
	}
	return &Extractor{cfg: cfg, endpoint: ep}, nil
}

// Answer is the JSON the model is asked for.
type Answer struct {
	Entities      []AnswerEntity `json:"entities"`
	Relationships []AnswerRel    `json:"relationships"`
}

// AnswerEntity is one entity of an answer; Key is the answer's own name
// for it, used by relationships.
type AnswerEntity struct {
	Key            string      `json:"key"`
	Kind           kg.Kind     `json:"kind"`
	Name           string      `json:"name"`
	Classification kg.OrgClass `json:"classification,omitempty"`
	Summary        string      `json:"summary,omitempty"`   // ALLEGATION
	StatementQuote string      `json:"statement,omitempty"` // STATEMENT: what was said
	Speaker        string      `json:"speaker,omitempty"`   // STATEMENT: key of the speaker
	EventType      string      `json:"eventType,omitempty"` // EVENT
	Date           kg.Date     `json:"date,omitzero"`
	Quote          string      `json:"quote"`
	Confidence     float64     `json:"confidence,omitempty"`
}

// AnswerRel is one relationship; "article" names the article itself.
type AnswerRel struct {
	From       string     `json:"from"`
	Type       kg.RelType `json:"type"`
	To         string     `json:"to"`
	Role       string     `json:"role,omitempty"`
	Since      kg.Date    `json:"since,omitzero"`
	Until      kg.Date    `json:"until,omitzero"`
	Quote      string     `json:"quote"`
	Confidence float64    `json:"confidence,omitempty"`
}

func prompt() string {
	var types []string
	for _, t := range kg.RelTypes {
		r, _ := kg.RuleFor(t)
		types = append(types, fmt.Sprintf("%s (%s)", t, r.Doc))
	}
	return `You read a news article and list what it asserts, as JSON only:
{"entities":[{"key":"k1","kind":"PERSON","name":"...","classification":"","summary":"","statement":"","speaker":"","eventType":"","date":"","quote":"...","confidence":0.9}],
 "relationships":[{"from":"k1","type":"MEMBER_OF","to":"k2","role":"","since":"","until":"","quote":"...","confidence":0.9}]}
kind is one of ` + fmt.Sprint(kg.Kinds) + ` (never ARTICLE: the article is the key "article").
classification (organisations) is one of ` + fmt.Sprint(kg.OrgClasses) + `.
type is one of: ` + strings.Join(types, "; ") + `.
quote is the exact sentence of the article that supports the item, copied verbatim. Dates are YYYY, YYYY-MM or YYYY-MM-DD.`
}

// Extract asks the model and validates its answer.
func (x *Extractor) Extract(ctx context.Context, a extract.Article, g gazetteer.Gazetteer) ([]kg.Proposal, error) {
	if strings.TrimSpace(a.ID) == "" || strings.TrimSpace(a.Text) == "" {
		return nil, kg.Invalidf("llm-extract", "article", "needs an id and a text")
	}
	if n := len([]rune(a.Text)); n > extract.MaxTextRunes {
		return nil, kg.Invalidf("llm-extract", "article.text", "is %d characters, above the maximum %d", n, extract.MaxTextRunes)
	}
	content, err := x.ask(ctx, a)
	if err != nil {
		return nil, err
	}
	var ans Answer
	dec := json.NewDecoder(strings.NewReader(stripFence(content)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ans); err != nil {
		return nil, fmt.Errorf("llm: the model's answer is not the JSON asked for: %w", err)
	}
	return Proposals(ctx, a, &ans, g, "llm:"+x.cfg.Model)
}

func stripFence(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "```") {
		s = strings.TrimPrefix(s, "```json")
		s = strings.TrimPrefix(s, "```")
		s = strings.TrimSuffix(strings.TrimSpace(s), "```")
	}
	return s
}

func (x *Extractor) ask(ctx context.Context, a extract.Article) (string, error) {
	body, _ := json.Marshal(map[string]any{
		"model":           x.cfg.Model,
		"temperature":     0,
		"response_format": map[string]string{"type": "json_object"},
		"messages": []map[string]string{
			{"role": "system", "content": prompt()},
			{"role": "user", "content": "Title: " + a.Title + "\n\n" + a.Text},
		},
	})
	ctx, cancel := context.WithTimeout(ctx, x.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, x.endpoint, bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("llm: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if x.cfg.Key != "" {
		req.Header.Set("Authorization", "Bearer "+x.cfg.Key)
	}
	resp, err := x.cfg.Client.Do(req)
	if err != nil {
		return "", kg.Unavailable("llm-extract", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, MaxAnswerBytes+1))
	if err != nil {
		return "", kg.Unavailable("llm-extract", err)
	}
	if len(raw) > MaxAnswerBytes {
		return "", fmt.Errorf("llm: answer larger than %d bytes", MaxAnswerBytes)
	}
	if resp.StatusCode != http.StatusOK {
		return "", kg.Unavailable("llm-extract", fmt.Errorf("endpoint answered %s", resp.Status))
	}
	var cr struct {
		Choices []struct {
			Message struct {
				Content string `json:"content"`
			} `json:"message"`
		} `json:"choices"`
	}
	if err := json.Unmarshal(raw, &cr); err != nil || len(cr.Choices) == 0 {
		return "", fmt.Errorf("llm: the endpoint's answer is not a chat completion")
	}
	return cr.Choices[0].Message.Content, nil
}

// Proposals validates an answer and turns it into proposals: every
// problem is reported (with its JSON path) and nothing is returned when
// there is one.
func Proposals(ctx context.Context, a extract.Article, ans *Answer, g gazetteer.Gazetteer, rule string) ([]kg.Proposal, error) {
	var probs []kg.Problem
	bad := func(path, format string, args ...any) {
		probs = append(probs, kg.Problem{Path: path, Reason: fmt.Sprintf(format, args...)})
	}
	if len(ans.Entities) > MaxEntities {
		bad("$.entities", "more than %d entities", MaxEntities)
	}
	if len(ans.Relationships) > MaxRelationships {
		bad("$.relationships", "more than %d relationships", MaxRelationships)
	}
	if len(probs) > 0 {
		return nil, kg.Invalid("llm-extract", probs...)
	}
	// locate gives a quote's rune offsets in the article's text.
	locate := func(path, q string) (int, int) {
		if q == "" {
			bad(path, "a quote is required")
			return 0, 0
		}
		i := strings.Index(a.Text, q)
		if i < 0 {
			bad(path, "%q is not a passage of the article", q)
			return 0, 0
		}
		st := utf8.RuneCountInString(a.Text[:i])
		return st, st + utf8.RuneCountInString(q)
	}
	conf := func(path string, c float64) float64 {
		switch {
		case c == 0:
			return 0.5
		case c < 0 || c > 1:
			bad(path, "%v is not between 0 and 1", c)
		}
		return c
	}
	byKey := map[string]*kg.Entity{"article": {ID: a.ID, Kind: kg.Article}}
	var out []kg.Proposal
	for i, ae := range ans.Entities {
		path := fmt.Sprintf("$.entities[%d]", i)
		ae.Quote = strings.TrimSpace(ae.Quote) // the proposal's quote is the passage located
		switch {
		case ae.Key == "" || ae.Key == "article":
			bad(path+".key", "must be set and not \"article\"")
			continue
		case byKey[ae.Key] != nil:
			bad(path+".key", "%q is used twice", ae.Key)
			continue
		case !ae.Kind.Valid() || ae.Kind == kg.Article:
			bad(path+".kind", "%q is not an entity kind the article can propose (want one of %v but ARTICLE)", ae.Kind, kg.Kinds)
			continue
		case strings.TrimSpace(ae.Name) == "":
			bad(path+".name", "must not be empty")
			continue
		}
		e := &kg.Entity{Kind: ae.Kind, Name: strings.TrimSpace(ae.Name)}
		switch ae.Kind {
		case kg.Organization:
			e.Classification = ae.Classification
			if e.Classification == "" {
				e.Classification = kg.OtherOrg
			}
			if !e.Classification.Valid() {
				bad(path+".classification", "%q is not one of %v", ae.Classification, kg.OrgClasses)
			}
		case kg.Allegation:
			e.Summary, e.Status = ae.Summary, kg.Alleged
			if e.Summary == "" {
				e.Summary = ae.Quote
			}
		case kg.Statement:
			e.Quote, e.Date = ae.StatementQuote, ae.Date
			if e.Quote == "" {
				e.Quote = ae.Quote
			}
		case kg.Event:
			e.EventType, e.Date = ae.EventType, ae.Date
		}
		if ae.Kind != kg.Organization && ae.Classification != "" {
			bad(path+".classification", "is only for organisations")
		}
		st, en := locate(path+".quote", ae.Quote)
		c := conf(path+".confidence", ae.Confidence)
		p := kg.Proposal{Article: a.ID, Kind: kg.ProposeEntity, Quote: ae.Quote, Start: st, End: en, Rule: rule, Confidence: c, Status: kg.ProposalPending}
		if e.Kind.Actor() {
			e.ID = link.Slug(e.Name)
			if g != nil {
				cands, err := g.Lookup(ctx, e.Name, []kg.Kind{e.Kind})
				if err != nil {
					return nil, err
				}
				if len(cands) > 0 && cands[0].How != gazetteer.Fuzzy {
					*e = cands[0].Entity
					p.LinkedTo = e.ID
				}
			}
		} else {
			e.ID = link.HashID(strings.ToLower(string(e.Kind)), a.ID, e.Name, ae.Quote)
		}
		if e.ID == "" {
			bad(path+".name", "gives no id (no letter or digit)")
			continue
		}
		byKey[ae.Key] = e
		content := string(e.Kind) + ":" + kg.NormalizeName(e.Name)
		if p.LinkedTo != "" {
			content = "linked:" + p.LinkedTo
		}
		p.ID = extract.ProposalID(a.ID, kg.ProposeEntity, content)
		p.Entity = e
		out = append(out, p)
	}
	for i, ae := range ans.Entities {
		if ae.Kind == kg.Statement && ae.Speaker != "" {
			if sp := byKey[ae.Speaker]; sp == nil {
				bad(fmt.Sprintf("$.entities[%d].speaker", i), "unknown key %q", ae.Speaker)
			} else if e := byKey[ae.Key]; e != nil {
				e.Speaker = sp.ID
			}
		}
	}
	for i, ar := range ans.Relationships {
		path := fmt.Sprintf("$.relationships[%d]", i)
		ar.Quote = strings.TrimSpace(ar.Quote)
		rl, ok := kg.RuleFor(ar.Type)
		if !ok {
			bad(path+".type", "%q is not in the vocabulary", ar.Type)
			continue
		}
		from, to := byKey[ar.From], byKey[ar.To]
		if from == nil {
			bad(path+".from", "unknown key %q", ar.From)
		}
		if to == nil {
			bad(path+".to", "unknown key %q", ar.To)
		}
		if from == nil || to == nil {
			continue
		}
		if ok, why := rl.From.Allows(from); !ok {
			bad(path+".from", "%s %s", ar.From, why)
			continue
		}
		if ok, why := rl.To.Allows(to); !ok && !(ar.To == "article" && to.Kind == kg.Article) {
			bad(path+".to", "%s %s", ar.To, why)
			continue
		}
		st, en := locate(path+".quote", ar.Quote)
		c := conf(path+".confidence", ar.Confidence)
		r := &kg.Relationship{Type: ar.Type, From: from.ID, To: to.ID, Role: strings.TrimSpace(ar.Role), Since: ar.Since, Until: ar.Until,
			Evidence: []kg.Evidence{{Article: a.ID, Quote: ar.Quote, Confidence: c}}}
		r.ID = kg.RelationshipID(r.Type, r.From, r.To, r.Role)
		if p := r.Validate(path); len(p) > 0 {
			probs = append(probs, p...)
			continue
		}
		out = append(out, kg.Proposal{ID: extract.ProposalID(a.ID, kg.ProposeRelationship, r.ID), Article: a.ID, Kind: kg.ProposeRelationship,
			Relationship: r, Quote: ar.Quote, Start: st, End: en, Rule: rule, Confidence: c, Status: kg.ProposalPending})
	}
	if len(probs) > 0 {
		return nil, kg.Invalid("llm-extract", probs...)
	}
	return out, nil
}
