// Package kg is polgraph's domain: the political-actor knowledge graph.
//
// It owns the entity kinds, the relationship vocabulary and the rules on
// which kinds a relationship may connect, provenance (Evidence) and time
// (partial dates, as-of validity), the error kinds every layer speaks, and
// the Store interface that each backend implements. It imports no driver:
// stores live in internal/store/<backend> and are checked by the conformance
// suite in internal/store/storetest.
//
// Service sits above a Store and does, once for every backend, what must not
// differ between them: input validation, defaults and caps on what a client
// may ask for, and referential and kind checks before anything is written.
package kg
