// Package kgtest holds a small rule-based kg.Extractor for tests of the
// review queue (ingest, accept, reject) that must not depend on the real
// pipeline's choices (internal/extract). It is imported by tests only.
package kgtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/polgraph/polgraph/internal/kg"
)

// name is a run of capitalised words, optionally joined by "of", "the",
// "and" (so "Liberal Party of Canada" is one name).
var name = regexp.MustCompile(`\p{Lu}[\p{L}'’-]+(?:\s+(?:(?:of|the|and)\s+)?\p{Lu}[\p{L}'’-]+)+`)

var orgWords = map[string]kg.OrgClass{
	"party": kg.Party, "parliament": kg.Legislature, "assembly": kg.Legislature, "ministry": kg.Ministry,
	"government": kg.Government, "embassy": kg.DiplomaticMission, "consulate": kg.DiplomaticMission,
	"news": kg.MediaOutlet, "times": kg.MediaOutlet, "court": kg.Court, "agency": kg.Agency, "company": kg.Company,
}

var membership = regexp.MustCompile(`(?i)\b(member of|joined|left|quit|MP for|leave)\b`)

// Extractor proposes the capitalised names of an article as persons or
// organizations (linked to what the gazetteer knows), MENTIONS of each,
// and MEMBER_OF between a person and a party named in one sentence with a
// membership verb.
type Extractor struct{}

func id(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return "prop-" + hex.EncodeToString(h.Sum(nil)[:8])
}

type mention struct {
	entity     string
	kind       kg.Kind
	class      kg.OrgClass
	start, end int // runes
}

// Extract implements kg.Extractor.
func (Extractor) Extract(ctx context.Context, a kg.ArticleText, g kg.Gazetteer) ([]kg.Proposal, error) {
	var out []kg.Proposal
	seen := map[string]bool{}
	add := func(p kg.Proposal) {
		if !seen[p.ID] {
			seen[p.ID] = true
			out = append(out, p)
		}
	}
	offset := 0 // runes before the sentence
	for _, sentence := range splitSentences(a.Text) {
		var ms []mention
		for _, loc := range name.FindAllStringIndex(sentence, -1) {
			text := sentence[loc[0]:loc[1]]
			text = strings.TrimPrefix(text, "The ")
			words := strings.Fields(text)
			if len(words) < 2 {
				continue
			}
			kind, class := kg.Person, kg.OrgClass("")
			if c, ok := orgWords[strings.ToLower(words[len(words)-1])]; ok {
				kind, class = kg.Organization, c
			} else if len(words) > 3 {
				continue
			}
			start := offset + utf8.RuneCountInString(sentence[:loc[0]])
			end := offset + utf8.RuneCountInString(sentence[:loc[1]])
			e := kg.Entity{ID: strings.ToLower(kind.Label()[:1]) + "-" + strings.Join(kg.Tokens(text), "-"), Kind: kind, Name: text, Classification: class}
			linked := ""
			if found, err := g.Lookup(ctx, text, kind); err != nil {
				return nil, err
			} else if len(found) > 0 {
				linked, e = found[0].ID, found[0]
			}
			conf := 0.7
			if linked != "" {
				conf = 0.95
			}
			add(kg.Proposal{ID: id(a.ID, "entity", e.ID), Article: a.ID, Kind: kg.ProposeEntity, Entity: &e, LinkedTo: linked,
				Quote: text, Start: start, End: end, Rule: "kgtest/name", Confidence: conf})
			ref := e.ID
			add(kg.Proposal{ID: id(a.ID, "mentions", ref), Article: a.ID, Kind: kg.ProposeRelationship,
				Relationship: &kg.Relationship{Type: kg.Mentions, From: a.ID, To: ref},
				Quote:        text, Start: start, End: end, Rule: "kgtest/mentions", Confidence: 0.9})
			ms = append(ms, mention{entity: ref, kind: kind, class: class, start: start, end: end})
		}
		if membership.MatchString(sentence) {
			for _, p := range ms {
				for _, o := range ms {
					if p.kind == kg.Person && o.class == kg.Party {
						add(kg.Proposal{ID: id(a.ID, "member_of", p.entity, o.entity), Article: a.ID, Kind: kg.ProposeRelationship,
							Relationship: &kg.Relationship{Type: kg.MemberOf, From: p.entity, To: o.entity},
							Quote:        strings.TrimSpace(sentence), Start: offset, End: offset + utf8.RuneCountInString(sentence),
							Rule: "kgtest/membership", Confidence: 0.6})
					}
				}
			}
		}
		offset += utf8.RuneCountInString(sentence)
	}
	return out, nil
}

// splitSentences cuts text after ". ", "! ", "? " and newlines, keeping
// every character (so offsets add up).
func splitSentences(text string) []string {
	var out []string
	start := 0
	for i := 0; i < len(text); i++ {
		c := text[i]
		end := -1
		if c == '\n' {
			end = i + 1
		} else if (c == '.' || c == '!' || c == '?') && i+1 < len(text) && text[i+1] == ' ' {
			end = i + 2
		}
		if end > 0 {
			out = append(out, text[start:end])
			start = end
			i = end - 1
		}
	}
	if start < len(text) {
		out = append(out, text[start:])
	}
	return out
}
