// Package extract reads a news article and proposes what it asserts: the
// people, organisations and countries it names (linked to the graph's
// entities where they exist), their roles and memberships, allegations
// with who is accused, who reported and who denied them, attributed
// statements, dated events, and the article's own ties (PUBLISHED_BY,
// CITES, MENTIONS). Every output is a kg.Proposal with the sentence that
// supports it, its rune offsets, the rule that produced it and a
// confidence.
//
// The stages are packages of their own: segment (sentences, tokens), ner
// (names), coref (chains of mentions), link (chains to entities), relate
// (rules over sentences). The llm package is an optional extractor for an
// OpenAI-compatible endpoint returning the same proposals.
package extract

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/polgraph/polgraph/internal/extract/coref"
	"github.com/polgraph/polgraph/internal/extract/gazetteer"
	"github.com/polgraph/polgraph/internal/extract/link"
	"github.com/polgraph/polgraph/internal/extract/ner"
	"github.com/polgraph/polgraph/internal/extract/relate"
	"github.com/polgraph/polgraph/internal/extract/segment"
	"github.com/polgraph/polgraph/internal/kg"
)

// Article is what extraction reads.
type Article struct {
	ID        string // id of the ARTICLE entity
	Title     string
	Text      string
	Published kg.Date
	Outlet    string // id of the outlet entity; "" to read it from the text ("Source: BBC")
}

// MaxTextRunes bounds the text one call reads.
const MaxTextRunes = kg.MaxTextLen

// Extractor turns an article into proposals.
type Extractor interface {
	Extract(ctx context.Context, a Article, g gazetteer.Gazetteer) ([]kg.Proposal, error)
}

// Rules is the rule-based pipeline, the default extractor: offline and
// deterministic.
type Rules struct {
	// NoModel turns prose's statistical model off (lexicon and gazetteer
	// only): faster, fewer names.
	NoModel bool
}

// Extract runs the pipeline. g may be nil (an empty graph).
func (p Rules) Extract(ctx context.Context, a Article, g gazetteer.Gazetteer) ([]kg.Proposal, error) {
	if err := check(a); err != nil {
		return nil, err
	}
	sents := segment.Split(a.Text)
	opt := ner.Options{Gazetteer: g}
	if !p.NoModel {
		opt.Model = ner.DefaultModel()
	}
	ms, err := ner.Recognize(ctx, sents, opt)
	if err != nil {
		return nil, fmt.Errorf("extract: recognising names: %w", err)
	}
	chains, of := coref.Resolve(ms)
	links, err := link.Chains(ctx, chains, g)
	if err != nil {
		return nil, fmt.Errorf("extract: linking: %w", err)
	}
	in := &relate.Input{Article: a.ID, Outlet: a.Outlet, Published: a.Published, Sentences: sents, Mentions: ms, Of: of, Chains: chains, Links: links}
	facts := relate.Relate(in)
	return assemble(a, sents, ms, of, chains, links, facts), nil
}

func check(a Article) error {
	var p []kg.Problem
	if strings.TrimSpace(a.ID) == "" {
		p = append(p, kg.Problem{Path: "article.id", Reason: "must not be empty"})
	}
	if strings.TrimSpace(a.Text) == "" {
		p = append(p, kg.Problem{Path: "article.text", Reason: "must not be empty"})
	}
	if n := len([]rune(a.Text)); n > MaxTextRunes {
		p = append(p, kg.Problem{Path: "article.text", Reason: fmt.Sprintf("is %d characters, above the maximum %d", n, MaxTextRunes)})
	}
	if len(p) > 0 {
		return kg.Invalid("extract", p...)
	}
	return nil
}

// ProposalID is a proposal's stable id: the article, the kind and the
// content (entity: kind and normalised name, or the linked id;
// relationship: its id).
func ProposalID(article string, kind kg.ProposalKind, content string) string {
	h := sha256.New()
	for _, s := range []string{article, string(kind), content} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return "prop-" + hex.EncodeToString(h.Sum(nil)[:10])
}

func assemble(a Article, sents []segment.Sentence, ms []ner.Mention, of []int, chains []coref.Chain, links []link.Link, facts []relate.Fact) []kg.Proposal {
	var out []kg.Proposal
	seen := map[string]int{}
	put := func(p kg.Proposal) {
		if i, ok := seen[p.ID]; ok {
			if p.Confidence > out[i].Confidence {
				out[i].Confidence = p.Confidence
			}
			return
		}
		seen[p.ID] = len(out)
		out = append(out, p)
	}
	quote := func(si int) (string, int, int) {
		s := sents[si]
		return s.Text, s.Start, s.End
	}
	// Entities: one per chain with a kind, quoted at its first mention
	// outside a headline.
	for c, ch := range chains {
		if !ch.Kind.Actor() {
			continue
		}
		first := -1
		for _, mi := range ch.Mentions {
			if !ms[mi].Headline {
				first = mi
				break
			}
		}
		if first < 0 {
			first = ch.Mentions[0]
		}
		l := links[c]
		e := l.Entity
		content := string(e.Kind) + ":" + kg.NormalizeName(e.Name)
		if l.LinkedTo != "" {
			content = "linked:" + l.LinkedTo
		}
		q, st, en := quote(ms[first].Sentence)
		conf := l.Confidence
		if ms[first].Source == "shape" {
			conf = 0.5
		}
		put(kg.Proposal{ID: ProposalID(a.ID, kg.ProposeEntity, content), Article: a.ID, Kind: kg.ProposeEntity,
			Entity: &e, LinkedTo: l.LinkedTo, Quote: q, Start: st, End: en,
			Rule: "ner-" + ms[first].Source + "/link-" + l.How, Confidence: conf, Status: kg.ProposalPending})
	}
	for _, f := range facts {
		q, st, en := quote(f.Sentence)
		if f.Entity != nil {
			e := *f.Entity
			content := string(e.Kind) + ":" + e.ID
			put(kg.Proposal{ID: ProposalID(a.ID, kg.ProposeEntity, content), Article: a.ID, Kind: kg.ProposeEntity,
				Entity: &e, Quote: q, Start: st, End: en, Rule: f.Rule, Confidence: f.Confidence, Status: kg.ProposalPending})
			continue
		}
		r := *f.Relationship
		r.Evidence = []kg.Evidence{{Article: a.ID, Quote: q, Confidence: f.Confidence}}
		put(kg.Proposal{ID: ProposalID(a.ID, kg.ProposeRelationship, r.ID), Article: a.ID, Kind: kg.ProposeRelationship,
			Relationship: &r, Quote: q, Start: st, End: en, Rule: f.Rule, Confidence: f.Confidence, Status: kg.ProposalPending})
	}
	slices.SortStableFunc(out, func(x, y kg.Proposal) int {
		if x.Kind != y.Kind {
			return strings.Compare(string(x.Kind), string(y.Kind))
		}
		return x.Start - y.Start
	})
	return out
}
