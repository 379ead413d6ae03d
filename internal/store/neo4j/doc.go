// Package neo4j is polgraph's store on Neo4j 5 (a server, a cluster or Aura):
// the same kg.Store as the embedded store, checked by the same conformance
// suite. It is the only package that imports the Neo4j driver.
//
// # The graph in Neo4j
//
// Entities are nodes labelled :Entity plus their kind's label (:Person,
// :Organization, :Country, :Article, :Allegation, :Event, :Statement), with
// flat properties: id, kind, name, aliases (list), search_text (the domain's
// tokens of the name and aliases, kg.SearchText, for the full-text index),
// description,
// ident_schemes / ident_values (parallel lists), and the kind's fields in
// snake case (birth_date, classification, country_code, title, url, outlet,
// published, text, summary, status, date, event_type, quote, speaker).
// Partial dates are stored as strings at their precision ("2019", "2019-10").
//
// Relationships have the vocabulary's types (MEMBER_OF, LEADS, ...), from
// the subject to the object, with properties id, role, since and until
// (strings), since_lo and until_hi (kg.Date Lo/Hi ordinals, YYYYMMDD
// integers: asOf d keeps r when since_lo <= d.Hi() and until_hi >= d.Lo(),
// two comparisons made while expanding from an entity; unknown ends are 0
// and 99991231), evidence as parallel lists ev_articles, ev_quotes,
// ev_confidence (with ev_datasets, ev_records, ev_files, ev_imported beside
// them when some evidence is a dataset record's), sources, the number of
// distinct sources among the evidence ("at least N independent sources"),
// attributes as attr_names / attr_values, and unsupported (true, indexed per
// type, on what a retraction kept with no evidence). Every query reaches
// relationships from an entity or by id, so only ids are indexed.
//
// Two internal structures make lookups index-backed; traversals never follow
// them because every traversal names the vocabulary's types:
//   - (:Article)-[:ASSERTS {rel}]->(subject): one per relationship and
//     source (article or dataset) of its evidence, so "everything article
//     X asserts" starts at the article's node (unique id) and follows its
//     ASSERTS links; each relationship is then found by id through the
//     per-type id index.
//   - (:Dataset)-[:SOURCE_OF]->(entity): one per entity and dataset among
//     its sources, written by the entity upsert, so the entities of a
//     dataset start at the dataset's node.
//   - (:Entity)-[:HAS_KEY]->(:Key {key}): a unique Key node per identifier
//     ("id\x00wikidata\x00Q42") and per normalised name or alias within a
//     kind ("name\x00PERSON\x00han dong"), for entity matching at ingest.
//
// Schema (Migrate, idempotent, run by Open): uniqueness constraints on
// Entity.id, Key.key and, for every relationship type, on the
// relationship's id (which also makes lookups by id index seeks); range
// indexes on Entity(kind, id), Entity.status and ASSERTS.rel; a full-text
// index entity_search on Entity.search_text with the whitespace analyzer,
// so that it holds exactly the domain's tokens (no stop words dropped, the
// domain's folding). Search sends each word as exact OR prefix OR fuzzy
// terms (the edit budget of kg.TypoBudget), Lucene-escaped, as a parameter,
// and ranks the candidates with kg.Scorer, as the embedded store ranks.
// A test runs EXPLAIN on every statement against a real server and fails on
// an AllNodesScan, a label scan or a Cartesian product where an index seek
// was meant.
//
// # Statements
//
// Every Cypher statement is in the registry of statements.go; run takes a
// registered name and exactly its declared parameters, and nothing else in
// the package sends Cypher (a test checks both). Labels and relationship
// types reach statement text only from kg.Kinds and kg.RelTypes after Valid;
// per-kind and per-type statements are generated once. tools/cypherlint
// checks them all with Neo4j's Cypher front end.
//
// # Driver use
//
// One driver per Store; Open verifies connectivity with backoff for a
// bounded time (no retry on authentication failure) and runs Migrate. Every
// call gets a deadline and a server-side transaction timeout. Reads run in
// ExecuteRead (routed to readers in a cluster), writes in ExecuteWrite as
// idempotent transaction functions; a BookmarkManager shared by the Store's
// sessions makes a process read its own writes. Driver errors map to kg
// kinds: connectivity, timeouts, transient and cluster errors are
// KindUnavailable.
package neo4j
