// Package gengraph generates the synthetic political-actor graph that every
// performance figure of the project is measured on: the same graph as the
// PostGraphile peer's generator (../shared/perf-peer/gen: Chung-Lu power
// law, gamma 2.5, seed 42, 80% people and 20% organizations), so that both
// systems answer the same queries over the same data, with ids "a1" ..
// "aN" (the peer's numeric id n is polgraph's "a<n>").
//
// The peer's relationship types are free labels; here each is mapped to a
// type of the vocabulary that its ends allow (a person "knows" a person
// becomes SPOKESPERSON_FOR, an organization "works for" a person is turned
// around), so that the generated graph passes the domain's endpoint rules.
//
// Entities and relationships come out in batches, so a 10M-relationship
// graph never sits in memory beside the store it is loaded into.
package gengraph

import (
	"fmt"
	"math"
	"math/rand"
	"sort"

	"github.com/polgraph/polgraph/internal/kg"
)

// Options size the graph. The zero value of each field takes the peer's
// default.
type Options struct {
	Nodes int     // actors (default 100,000)
	Edges int     // relationships (default 1,000,000)
	Gamma float64 // power-law exponent (default 2.5)
	Seed  int64   // default 42
}

func (o Options) withDefaults() Options {
	if o.Nodes <= 0 {
		o.Nodes = 100_000
	}
	if o.Edges < 0 {
		o.Edges = 0
	} else if o.Edges == 0 {
		o.Edges = 1_000_000
	}
	if o.Gamma <= 1 {
		o.Gamma = 2.5
	}
	if o.Seed == 0 {
		o.Seed = 42
	}
	return o
}

// Generator produces one graph. Call Entities until it returns nil, then
// Relationships until it returns nil: the peer draws from one random
// sequence in that order, and so does the generator.
type Generator struct {
	opt     Options
	rng     *rand.Rand
	cum     []float64
	total   float64
	permOut []int
	permIn  []int
	person  []bool // by actor index (id-1)
	nextEnt int    // next actor id to emit, 1-based
	nextRel int    // next relationship id to emit, 1-based
}

// New returns a generator for the graph o describes.
func New(o Options) *Generator {
	o = o.withDefaults()
	g := &Generator{opt: o, rng: rand.New(rand.NewSource(o.Seed)), nextEnt: 1, nextRel: 1}
	exp := 1.0 / (o.Gamma - 1)
	g.cum = make([]float64, o.Nodes)
	for i := range g.cum {
		g.total += math.Pow(float64(i+1), -exp)
		g.cum[i] = g.total
	}
	g.permOut = g.rng.Perm(o.Nodes)
	g.permIn = g.rng.Perm(o.Nodes)
	g.person = make([]bool, o.Nodes)
	return g
}

// Options returns the options the generator runs with, defaults filled in.
func (g *Generator) Options() Options { return g.opt }

// ID is the id of the n-th actor (1-based), as the peer's queries use it.
func ID(n int) string { return fmt.Sprintf("a%d", n) }

var (
	parties  = []string{"Left", "Green", "Social Democrats", "Liberals", "Centre", "Conservatives", "Nationalists", "Independent"}
	orgTypes = []kg.OrgClass{kg.Party, kg.OtherOrg, kg.Company, kg.Ministry, kg.MediaOutlet, kg.OtherOrg, kg.OtherOrg}
)

// Entities returns up to size more actors, nil when all are out.
func (g *Generator) Entities(size int) []kg.Entity {
	if g.nextEnt > g.opt.Nodes {
		return nil
	}
	out := make([]kg.Entity, 0, min(size, g.opt.Nodes-g.nextEnt+1))
	for ; g.nextEnt <= g.opt.Nodes && len(out) < size; g.nextEnt++ {
		id := g.nextEnt
		if g.rng.Float64() < 0.8 {
			g.person[id-1] = true
			year := 1930 + g.rng.Intn(75)
			party := parties[g.rng.Intn(len(parties))]
			out = append(out, kg.Entity{
				ID: ID(id), Kind: kg.Person, Name: fmt.Sprintf("Person %d", id),
				BirthDate: kg.Date{Year: year}, Description: party,
			})
		} else {
			out = append(out, kg.Entity{
				ID: ID(id), Kind: kg.Organization, Name: fmt.Sprintf("Organization %d", id),
				Classification: orgTypes[g.rng.Intn(len(orgTypes))],
			})
		}
	}
	return out
}

func (g *Generator) sample() int {
	return sort.SearchFloat64s(g.cum, g.rng.Float64()*g.total)
}

// typesFor maps the peer's seven labels (by index) to vocabulary types
// that the ends allow: person→organization, person→person,
// organization→organization. An organization→person tie is reversed to
// person→organization, as no type runs from an organization to a person.
var (
	personOrg    = []kg.RelType{kg.MemberOf, kg.WorksFor, kg.SpokespersonFor, kg.Represents, kg.MemberOf, kg.HoldsPosition, kg.WorksFor}
	personPerson = []kg.RelType{kg.SpokespersonFor}
	orgOrg       = []kg.RelType{kg.MemberOf, kg.PartOf, kg.Represents, kg.PartOf, kg.MemberOf, kg.PartOf, kg.Represents}
)

// Relationships returns up to size more relationships, nil when all are
// out. Call it only after Entities has returned nil.
func (g *Generator) Relationships(size int) []kg.Relationship {
	if g.nextEnt <= g.opt.Nodes {
		panic("gengraph: Relationships called before every entity was generated")
	}
	if g.nextRel > g.opt.Edges {
		return nil
	}
	out := make([]kg.Relationship, 0, min(size, g.opt.Edges-g.nextRel+1))
	for g.nextRel <= g.opt.Edges && len(out) < size {
		src := g.permOut[g.sample()] + 1
		dst := g.permIn[g.sample()] + 1
		if src == dst {
			continue
		}
		// The same draws in the same order as the peer's generator.
		y := 1990 + g.rng.Intn(34)
		var until kg.Date
		if g.rng.Float64() < 0.3 {
			until = kg.Date{Year: y + 1 + g.rng.Intn(5), Month: 1 + g.rng.Intn(12), Day: 1 + g.rng.Intn(28)}
		}
		label := g.rng.Intn(7)
		since := kg.Date{Year: y, Month: 1 + g.rng.Intn(12)}
		since.Day = 1 + g.rng.Intn(28)
		from, to := src, dst
		var t kg.RelType
		switch ps, pd := g.person[src-1], g.person[dst-1]; {
		case ps && pd:
			t = personPerson[label%len(personPerson)]
		case ps && !pd:
			t = personOrg[label]
		case !ps && pd:
			from, to = dst, src
			t = personOrg[label]
		default:
			t = orgOrg[label]
		}
		out = append(out, kg.Relationship{
			ID: fmt.Sprintf("r%d", g.nextRel), Type: t, From: ID(from), To: ID(to),
			Since: since, Until: until,
		})
		g.nextRel++
	}
	return out
}
