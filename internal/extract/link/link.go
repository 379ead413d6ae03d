// Package link attaches each chain of mentions to an entity already in the
// graph (by exact name, alias, or a fuzzy match, of a compatible kind, the
// article's countries breaking ties) or proposes a new entity for it.
package link

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/polgraph/polgraph/internal/extract/coref"
	"github.com/polgraph/polgraph/internal/extract/gazetteer"
	"github.com/polgraph/polgraph/internal/kg"
)

// Link is the entity a chain stands for.
type Link struct {
	Entity     kg.Entity
	LinkedTo   string  // the existing entity's id; "" for a new entity
	How        string  // gazetteer.Exact, Alias, Fuzzy; "new"
	Confidence float64 // of the match, or of the new entity's reading
}

// HashID is the id of an entity that has no name of its own to slug (an
// allegation, statement or event): prefix, a hyphen and a short hash of
// the parts, so the same article and content give the same id.
func HashID(prefix string, parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return prefix + "-" + hex.EncodeToString(h.Sum(nil)[:6])
}

// Slug is the id a new entity gets: its normalised name, words joined by
// hyphens ("han-dong"), so that two articles naming the same new person
// propose the same entity.
func Slug(name string) string {
	s := strings.ReplaceAll(kg.NormalizeName(name), " ", "-")
	if len(s) > 120 {
		s = s[:120]
	}
	return s
}

// Chains links every chain. countries are the names of the countries the
// article mentions (context for ties).
func Chains(ctx context.Context, chains []coref.Chain, g gazetteer.Gazetteer) ([]Link, error) {
	var countries []string
	for _, ch := range chains {
		if ch.Kind == kg.Country {
			countries = append(countries, kg.NormalizeName(ch.Name))
		}
	}
	out := make([]Link, len(chains))
	for i := range chains {
		l, err := chain(ctx, &chains[i], g, countries)
		if err != nil {
			return nil, err
		}
		out[i] = l
	}
	return out, nil
}

func chain(ctx context.Context, ch *coref.Chain, g gazetteer.Gazetteer, countries []string) (Link, error) {
	if g != nil {
		var best *gazetteer.Candidate
		bestScore := 0.0
		for _, n := range ch.Names {
			if len(strings.Fields(n)) < 2 && ch.Kind == kg.Person && len(ch.Names) > 1 {
				continue // a surname alone links only when it is all the article gives
			}
			cands, err := g.Lookup(ctx, n, []kg.Kind{ch.Kind})
			if err != nil {
				return Link{}, err
			}
			for k := range cands {
				c := &cands[k]
				if c.Entity.Kind != ch.Kind {
					continue
				}
				score := c.Score + contextBonus(&c.Entity, countries)
				if score > bestScore {
					best, bestScore = c, score
				}
			}
		}
		if best != nil {
			return Link{Entity: best.Entity, LinkedTo: best.Entity.ID, How: best.How, Confidence: min(1, bestScore)}, nil
		}
	}
	e := kg.Entity{ID: Slug(ch.Name), Kind: ch.Kind, Name: ch.Name}
	if e.Kind == kg.Organization {
		e.Classification = ch.Class
		if e.Classification == "" {
			e.Classification = kg.OtherOrg
		}
	}
	if ch.Country != nil && ch.Kind == kg.Country {
		e.Name, e.CountryCode = ch.Country.Name, ch.Country.Code
		e.ID = Slug(ch.Country.Name)
	}
	for _, n := range ch.Names {
		if kg.NormalizeName(n) != kg.NormalizeName(e.Name) && len(e.Aliases) < kg.MaxAliases {
			e.Aliases = append(e.Aliases, n)
		}
	}
	return Link{Entity: e, How: "new", Confidence: 0.7}, nil
}

// contextBonus favours a candidate whose description or aliases name one
// of the article's countries ("MP for Don Valley North, Canada").
func contextBonus(e *kg.Entity, countries []string) float64 {
	hay := kg.NormalizeName(e.Description + " " + strings.Join(e.Aliases, " "))
	for _, c := range countries {
		if c != "" && strings.Contains(" "+hay+" ", " "+c+" ") {
			return 0.02
		}
	}
	return 0
}
