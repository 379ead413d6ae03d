package bench

import (
	"fmt"
	"math/rand/v2"
)

// Shape is one query the benchmark drives: its GraphQL text and how each
// request draws its variables.
type Shape struct {
	Name  string
	About string
	Query string
	// Vars draws one request's variables; n is the number of actors, so
	// ids are uniform over 1..n as in the peer's wrk script.
	Vars func(rng *rand.Rand, n int) map[string]any
	// Peer is the name of the peer shape measured against this one, "" for
	// none.
	Peer string
}

func pgID(rng *rand.Rand, n int) map[string]any {
	return map[string]any{"id": fmt.Sprintf("a%d", 1+rng.IntN(n))}
}

func pgPair(rng *rand.Rand, n int) map[string]any {
	return map[string]any{"from": fmt.Sprintf("a%d", 1+rng.IntN(n)), "to": fmt.Sprintf("a%d", 1+rng.IntN(n))}
}

func peerID(rng *rand.Rand, n int) map[string]any {
	return map[string]any{"id": 1 + rng.IntN(n)}
}

// The query texts are those of ../shared/perf-peer/polgraph-queries and
// peer-queries, byte for byte (a test checks it when that folder is there).
const (
	q1    = "query Q1($id: ID!) { entity(id: $id) { id kind name description ... on Person { birthDate } ... on Organization { classification } } }"
	q2    = "query Q2($id: ID!) { entity(id: $id) { id kind name relationships(direction: OUT, first: 50) { totalCount edges { node { id type since until to { id kind name } } } } } }"
	q3    = "query Q3($id: ID!) { entity(id: $id) { id name relationships(direction: OUT, first: 50) { edges { node { type to { id name relationships(direction: OUT, first: 50) { edges { node { type to { id name } } } } } } } } } }"
	q3net = "query Q3N($id: ID!) { network(seeds: [$id], depth: 2, perHop: 50, limit: 2600) { nodes { id name } edges { id type from { id } to { id } } } }"
	paths = "query P($from: ID!, $to: ID!) { paths(from: $from, to: $to, maxLength: 6, first: 1) { length nodes { id name } edges { id type } } }"

	peerQ1 = "query Q1($id: BigInt!) { actorByRowId(rowId: $id) { rowId kind name personByActorId { birthYear party } organizationByActorId { orgType } } }"
	peerQ2 = "query Q2($id: BigInt!) { actorByRowId(rowId: $id) { rowId kind name relationshipsBySourceId(first: 50, orderBy: PRIMARY_KEY_ASC) { totalCount nodes { rowId type since until actorByTargetId { rowId kind name } } } } }"
	peerQ3 = "query Q3($id: BigInt!) { actorByRowId(rowId: $id) { rowId name relationshipsBySourceId(first: 50, orderBy: PRIMARY_KEY_ASC) { nodes { type actorByTargetId { rowId name relationshipsBySourceId(first: 50, orderBy: PRIMARY_KEY_ASC) { nodes { type actorByTargetId { rowId name } } } } } } } }"
)

// Shapes are polgraph's queries, in the order the benchmark runs them.
var Shapes = []Shape{
	{Name: "q1", About: "entity by id", Query: q1, Vars: pgID, Peer: "q1"},
	{Name: "q2", About: "one hop, first 50, with totalCount", Query: q2, Vars: pgID, Peer: "q2"},
	{Name: "q3", About: "two hops nested, 50 × 50", Query: q3, Vars: pgID, Peer: "q3"},
	{Name: "q3net", About: "network(depth: 2, perHop: 50)", Query: q3net, Vars: pgID, Peer: "q3"},
	{Name: "paths", About: "paths, maxLength 6, first 1, random pair", Query: paths, Vars: pgPair},
}

// PeerShapes are the PostGraphile peer's queries of the same shapes.
var PeerShapes = []Shape{
	{Name: "q1", About: "entity by id", Query: peerQ1, Vars: peerID},
	{Name: "q2", About: "one hop, first 50, with totalCount", Query: peerQ2, Vars: peerID},
	{Name: "q3", About: "two hops nested, 50 × 50", Query: peerQ3, Vars: peerID},
}

// shape finds a shape by name.
func shape(list []Shape, name string) (Shape, bool) {
	for _, s := range list {
		if s.Name == name {
			return s, true
		}
	}
	return Shape{}, false
}
