package neo4j

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/polgraph/polgraph/internal/kg"
)

// statement is one Cypher statement the package can send: the registry below
// is the only source of query text, and run refuses anything not in it, so
// the Cypher lint (tools/cypherlint) sees every statement that can reach the
// server. Text is built only from constants and from the vocabulary
// (kg.Kinds, kg.RelTypes) after Valid said yes; user input travels as
// parameters.
type statement struct {
	Name   string   `json:"name"`
	Text   string   `json:"text"`
	Params []string `json:"params"`
}

// Internal labels and relationship types. Key nodes make identifier and
// normalised-name lookups index-backed; ASSERTS ties a source (an article
// or a dataset) to the relationships its evidence supports, SOURCE_OF a
// dataset to the entities imported from it. Neither is part of the vocabulary, so
// no traversal follows them: every traversal names the vocabulary's types.
const (
	labelEntity = "Entity"
	labelKey    = "Key"
	relHasKey   = "HAS_KEY"
	relAsserts  = "ASSERTS"
	relSourceOf = "SOURCE_OF"

	fulltextIndex = "entity_search"

	// API keys, the audit log, and the subjects it is searched by (entity
	// and relationship ids, kept apart from Entity nodes so that the log
	// outlives what it describes).
	labelAPIKey       = "ApiKey"
	labelAuditRecord  = "AuditRecord"
	labelAuditSubject = "AuditSubject"
	relAuditOf        = "AUDIT_OF"

	// Duplicate candidate pairs (duplicates.go).
	labelDuplicate = "DuplicatePair"
	// The review queue's proposals.
	labelProposal = "Proposal"
)

// internalLabels and internalRelTypes are the labels and types outside the
// vocabulary (for the lint's schema).
var (
	internalLabels   = []string{labelEntity, labelKey, labelAPIKey, labelAuditRecord, labelAuditSubject, labelDuplicate, labelProposal}
	internalRelTypes = []string{relAsserts, relHasKey, relAuditOf, relSourceOf}
)

// MaxPathLength is the longest path Paths can search for: Cypher takes no
// parameter for a variable-length bound, so there is one statement per length.
const MaxPathLength = 12

// Statement names. Names with a suffix (a kind's label, a relationship type,
// a path length) are generated per member of the vocabulary.
const (
	stEntitiesByID      = "entities_by_id"
	stEntityHeadsByID   = "entity_heads_by_id"
	stLockWritten       = "lock_written_entities"
	stLockEntities      = "lock_entities"
	stRelsOfEntities    = "relationships_of_entities"
	stRelsByID          = "relationships_by_id"
	stFindKeys          = "find_entities_by_key"
	stSearch            = "search"
	stListEntitiesCount = "list_entities_count"
	stListEntitiesPage  = "list_entities_page"
	stListLinkedCount   = "list_linked_entities_count"
	stListLinkedPage    = "list_linked_entities_page"
	stRelsOfEntityCount = "relationships_of_entity_count"
	stRelsOfEntityPage  = "relationships_of_entity_page"
	stRelsOfArticleCnt  = "relationships_of_source_count"
	stRelsOfArticlePage = "relationships_of_source_page"
	stUnsupportedCount  = "unsupported_relationships_count"
	stUnsupportedPage   = "unsupported_relationships_page"
	stListSourcedCount  = "list_entities_of_dataset_count"
	stListSourcedPage   = "list_entities_of_dataset_page"
	stSourcedEntities   = "entities_of_datasets"
	stDeleteSourceOf    = "delete_source_links"
	stCreateSourceOf    = "create_source_links"
	stNetworkHop        = "network_hop"
	stNetworkEdges      = "network_edges"
	stScanEntities      = "scan_entities"
	stCountEntities     = "count_entities_by_kind"
	stCountRels         = "count_relationships"
	stDeleteAsserts     = "delete_asserts"
	stCreateAsserts     = "create_asserts"
	stDeleteAll         = "delete_all"
	stAwaitIndexes      = "await_indexes"
	stUnsearchable      = "entities_without_search_text"
	stSetSearchText     = "set_search_text"
	stCreateKey         = "create_key"
	stKeyByName         = "key_by_name"
	stKeyByHash         = "key_by_hash"
	stListKeys          = "list_keys"
	stRevokeKey         = "revoke_key"
	stCountActiveKeys   = "count_active_keys"
	stLockKeyGuard      = "lock_key_guard"
	stKeysByNames       = "keys_by_names"
	stKeysByHashes      = "keys_by_hashes"
	stImportKeys        = "import_keys"
	stImportAudit       = "import_audit_records"
	stCreateAudit       = "create_audit_record"
	stRecordDuplicates  = "record_duplicates"
	stListDuplicates    = "list_duplicates"
	stJudgeDuplicate    = "judge_duplicate"
	stScanDuplicates    = "scan_duplicates"
	stImportDuplicates  = "import_duplicates"
	stAuditByID         = "audit_record_by_id"
	stLockAudit         = "lock_audit_record"
	stSetAuditData      = "set_audit_record_data"
	stAuditLog          = "audit_log"
	stAuditLogByActor   = "audit_log_by_actor"
	stAuditLogByEntity  = "audit_log_by_entity"
	stCitingRels        = "relationships_citing"
	stNamingEntities    = "entities_naming"
	stDeleteEntities    = "delete_entities"

	stProposalsByID          = "proposals_by_id"
	stLockProposals          = "lock_proposals"
	stLockArticleProposals   = "lock_article_proposals"
	stDeleteProposals        = "delete_proposals"
	stPutProposals           = "put_proposals"
	stListProposals          = "list_proposals"
	stCountProposals         = "count_proposals"
	stCountProposalsByStatus = "count_proposals_by_status"
	stListArticleProposals   = "list_article_proposals"
	stCountArticleProposals  = "count_article_proposals"

	prefixUpsertEntities = "upsert_entities/"      // + kind label
	prefixCreateRels     = "create_relationships/" // + type
	prefixUpdateRels     = "update_relationships/" // + type
	prefixLockRels       = "lock_relationships/"   // + type
	prefixScanRels       = "scan_relationships/"   // + type
	prefixDeleteRels     = "delete_relationships/" // + type
	prefixPaths          = "shortest_paths/"       // + max length
	prefixMigrate        = "migrate/"              // + index or constraint name
)

// registry holds every statement by name. It is built once and only read.
var registry = buildRegistry()

// statementNames lists the registry's names in order, for the lint.
func statementNames() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// migrations lists the schema statements in the order Migrate runs them.
var migrations = migrationNames()

var paramRE = regexp.MustCompile(`\$([A-Za-z_][A-Za-z0-9_]*)`)

func buildRegistry() map[string]statement {
	r := make(map[string]statement)
	add := func(name, text string) {
		if _, dup := r[name]; dup {
			panic("neo4j: statement " + name + " registered twice")
		}
		r[name] = statement{Name: name, Text: strings.TrimSpace(text), Params: paramsOf(text)}
	}
	all := mustRelPattern(kg.RelTypes)

	// Entities.
	for _, k := range kg.Kinds {
		label := mustKindLabel(k)
		var others []string
		for _, o := range kg.Kinds {
			if o != k {
				others = append(others, mustKindLabel(o))
			}
		}
		add(prefixUpsertEntities+label, `
UNWIND $rows AS row
MERGE (e:Entity {id: row.id})
SET e = row.props
REMOVE e:`+strings.Join(others, ":")+`
SET e:`+label+`
WITH e, row
CALL (e) {
  MATCH (e)-[k:HAS_KEY]->(:Key)
  DELETE k
}
FOREACH (key IN row.keys |
  MERGE (x:Key {key: key})
  MERGE (e)-[:HAS_KEY]->(x)
)`)
	}
	add(stEntitiesByID, `
UNWIND $ids AS id
MATCH (e:Entity {id: id})
RETURN e`)
	// Everything but an article's text, which may be long.
	add(stEntityHeadsByID, `
UNWIND $ids AS id
MATCH (e:Entity {id: id})
RETURN e {.*, text: null} AS e`)
	// Write locks, taken before a write reads what it decides on (see
	// Apply). Setting and removing a property takes a node's or a
	// relationship's write lock, held until the transaction ends. MERGE
	// under the entity_id constraint makes two writes of one new id wait
	// for each other; created tells the entity apart from a stored one.
	add(stLockWritten, `
UNWIND $ids AS id
MERGE (e:Entity {id: id})
ON CREATE SET e._new = true
SET e._lock = true
REMOVE e._lock
WITH id, e, e._new IS NOT NULL AS created
REMOVE e._new
RETURN id, e, created`)
	add(stLockEntities, `
UNWIND $ids AS id
MATCH (e:Entity {id: id})
SET e._lock = true
REMOVE e._lock
RETURN e`)
	add(stFindKeys, `
UNWIND $keys AS k
MATCH (:Key {key: k.key})<-[:HAS_KEY]-(e:Entity)
RETURN k.i AS i, e.id AS id
ORDER BY i, id`)
	add(stSearch, `
CALL db.index.fulltext.queryNodes('`+fulltextIndex+`', $lucene) YIELD node
WHERE size($kinds) = 0 OR node.kind IN $kinds
RETURN node.id AS id, node.name AS name, coalesce(node.aliases, []) AS aliases
LIMIT $max_candidates`)
	// e.id IS NOT NULL (always true) lets the (kind, id) index serve the
	// count: without it the planner scans the label.
	add(stListEntitiesCount, `
MATCH (e:Entity)
WHERE e.kind = $kind AND e.id IS NOT NULL AND ($status = '' OR e.status = $status)
RETURN count(e) AS total`)
	add(stListEntitiesPage, `
MATCH (e:Entity)
WHERE e.kind = $kind AND ($status = '' OR e.status = $status) AND e.id > $after
RETURN e
ORDER BY e.id
LIMIT $limit`)
	sourced := `
MATCH (:Entity {id: $source})-[:SOURCE_OF]->(e:Entity)
WHERE ($kind = '' OR e.kind = $kind) AND ($status = '' OR e.status = $status)`
	add(stListSourcedCount, sourced+`
RETURN count(e) AS total`)
	add(stListSourcedPage, sourced+` AND e.id > $after
RETURN e
ORDER BY e.id
LIMIT $limit`)
	linked := `
MATCH (x:Entity {id: $link_entity})-[r:` + all + `]-(e:Entity)
WHERE type(r) = $link_type AND e.kind = $kind AND ($status = '' OR e.status = $status)
  AND ($direction = 'BOTH' OR ($direction = 'OUT' AND startNode(r) = e) OR ($direction = 'IN' AND startNode(r) = x))`
	add(stListLinkedCount, linked+`
RETURN count(DISTINCT e) AS total`)
	add(stListLinkedPage, linked+` AND e.id > $after
WITH DISTINCT e
RETURN e
ORDER BY e.id
LIMIT $limit`)

	// Relationships. A relationship is found by id through one index seek
	// per type (a type cannot be a parameter, and relationship indexes are
	// per type).
	byID := relByIDSubquery("rid")
	add(stRelsByID, `
UNWIND $ids AS rid
`+byID+`
RETURN src, r, dst`)
	relFilter := `(size($types) = 0 OR type(r) IN $types)
  AND r.since_lo <= $at_hi AND r.until_hi >= $at_lo
  AND r.sources >= $min_sources
  AND ($unsupported = false OR r.unsupported = true)`
	ofEntity := `
MATCH (x:Entity {id: $entity})-[r:` + all + `]-(y:Entity)
WHERE ($direction = 'BOTH' OR ($direction = 'OUT' AND startNode(r) = x) OR ($direction = 'IN' AND endNode(r) = x))
  AND ` + relFilter + `
  AND ($source = '' OR $source IN r.ev_articles OR $source IN coalesce(r.ev_datasets, []))`
	add(stRelsOfEntityCount, ofEntity+`
RETURN count(r) AS total`)
	add(stRelsOfEntityPage, ofEntity+` AND r.id > $after
RETURN startNode(r).id AS src, r, endNode(r).id AS dst
ORDER BY r.id
LIMIT $limit`)
	ofArticle := `
MATCH (:Entity {id: $source})-[s:ASSERTS]->(:Entity)
WITH DISTINCT s.rel AS rid
` + byID + `
WITH src, r, dst
WHERE ($entity = '' OR ($direction <> 'IN' AND src = $entity) OR ($direction <> 'OUT' AND dst = $entity))
  AND ` + relFilter
	add(stRelsOfArticleCnt, ofArticle+`
RETURN count(r) AS total`)
	add(stRelsOfArticlePage, ofArticle+` AND r.id > $after
RETURN src, r, dst
ORDER BY r.id
LIMIT $limit`)
	// Relationships flagged unsupported: one seek of the per-type
	// unsupported index each.
	var flagged []string
	for _, t := range kg.RelTypes {
		flagged = append(flagged, "  MATCH (a:Entity)-[r:"+mustRelPattern([]kg.RelType{t})+" {unsupported: true}]->(b:Entity) RETURN a.id AS src, r, b.id AS dst")
	}
	ofUnsupported := `
CALL () {
` + strings.Join(flagged, "\n  UNION ALL\n") + `
}
WITH src, r, dst
WHERE ($entity = '' OR ($direction <> 'IN' AND src = $entity) OR ($direction <> 'OUT' AND dst = $entity))
  AND ($source = '' OR $source IN r.ev_articles OR $source IN coalesce(r.ev_datasets, []))
  AND ` + relFilter
	add(stUnsupportedCount, ofUnsupported+`
RETURN count(r) AS total`)
	add(stUnsupportedPage, ofUnsupported+` AND r.id > $after
RETURN src, r, dst
ORDER BY r.id
LIMIT $limit`)
	for _, t := range kg.RelTypes {
		typ := mustRelPattern([]kg.RelType{t})
		add(prefixCreateRels+typ, `
UNWIND $rows AS row
MATCH (a:Entity {id: row.src})
MATCH (b:Entity {id: row.dst})
CREATE (a)-[r:`+typ+`]->(b)
SET r = row.props`)
		add(prefixUpdateRels+typ, `
UNWIND $rows AS row
MATCH (:Entity)-[r:`+typ+` {id: row.props.id}]->(:Entity)
SET r = row.props`)
		add(prefixLockRels+typ, `
UNWIND $ids AS rid
MATCH (:Entity)-[r:`+typ+` {id: rid}]->(:Entity)
SET r._lock = true
REMOVE r._lock`)
		add(prefixDeleteRels+typ, `
UNWIND $ids AS rid
MATCH (:Entity)-[r:`+typ+` {id: rid}]->(:Entity)
DELETE r`)
		add(prefixScanRels+typ, `
MATCH (a:Entity)-[r:`+typ+`]->(b:Entity)
WHERE r.id > $after
RETURN a.id AS src, r, b.id AS dst
ORDER BY r.id
LIMIT $limit`)
	}
	add(stRelsOfEntities, `
UNWIND $ids AS id
MATCH (:Entity {id: id})-[r:`+all+`]-(:Entity)
RETURN id, startNode(r).id AS src, r, endNode(r).id AS dst`)
	add(stDeleteAsserts, `
UNWIND $rows AS row
MATCH (:Entity {id: row.source})-[s:ASSERTS {rel: row.rel}]->(:Entity)
DELETE s`)
	add(stCreateAsserts, `
UNWIND $rows AS row
MATCH (art:Entity {id: row.source})
MATCH (a:Entity {id: row.src})
MERGE (art)-[:ASSERTS {rel: row.rel}]->(a)`)

	// Reverts: what refers to an entity about to be removed, and removal.
	add(stCitingRels, `
UNWIND $ids AS id
MATCH (:Entity {id: id})-[s:ASSERTS]->(:Entity)
RETURN id, s.rel AS rel`)
	add(stNamingEntities, `
UNWIND $ids AS id
MATCH (e:Entity)
WHERE e.outlet = id OR e.speaker = id
RETURN id, e.id AS entity`)
	// SOURCE_OF links follow entities' sources (apply.go writeSourceLinks).
	add(stDeleteSourceOf, `
UNWIND $ids AS id
MATCH (:Entity)-[s:SOURCE_OF]->(:Entity {id: id})
DELETE s`)
	add(stCreateSourceOf, `
UNWIND $rows AS row
MATCH (d:Entity {id: row.src})
MATCH (e:Entity {id: row.dst})
MERGE (d)-[:SOURCE_OF]->(e)`)
	add(stSourcedEntities, `
UNWIND $ids AS id
MATCH (:Entity {id: id})-[:SOURCE_OF]->(e:Entity)
RETURN id, e.id AS entity`)
	add(stDeleteEntities, `
UNWIND $ids AS id
MATCH (e:Entity {id: id})
DETACH DELETE e`)

	// API keys. Times are RFC 3339 strings; revoked is absent while the
	// key is active. Setting and removing _lock takes the key's write lock.
	add(stCreateKey, `
CREATE (k:ApiKey)
SET k = $props`)
	add(stKeyByName, `
MATCH (k:ApiKey {name: $name})
SET k._lock = true
REMOVE k._lock
RETURN k`)
	add(stKeyByHash, `
MATCH (k:ApiKey {hash: $hash})
RETURN k`)
	add(stListKeys, `
MATCH (k:ApiKey)
RETURN k
ORDER BY k.name`)
	add(stRevokeKey, `
MATCH (k:ApiKey {name: $name})
SET k.revoked = $revoked, k.revoked_by = $revoked_by`)
	// The key guard: one node that CreateKey and a write allowed only
	// while no key exists (kg.AuditMeta.WhileNoKeys) write-lock first, so
	// that the write's count of active keys stays true until it commits.
	add(stLockKeyGuard, `
MERGE (g:KeyGuard {name: 'keys'})
SET g._lock = true
REMOVE g._lock`)
	// A copy's keys and audit records, stored as they are.
	add(stKeysByNames, `
MATCH (k:ApiKey)
WHERE k.name IN $names
SET k._lock = true
REMOVE k._lock
RETURN k`)
	add(stKeysByHashes, `
MATCH (k:ApiKey)
WHERE k.hash IN $hashes
RETURN k`)
	add(stImportKeys, `
UNWIND $key_rows AS row
MERGE (k:ApiKey {name: row.name})
SET k = row`)
	add(stImportAudit, `
UNWIND $audit_rows AS row
MERGE (a:AuditRecord {id: row.id})
SET a.actor = row.actor, a.data = row.data
WITH a, row
UNWIND row.subjects AS sid
MERGE (s:AuditSubject {id: sid})
MERGE (a)-[:AUDIT_OF]->(s)`)
	add(stCountActiveKeys, `
MATCH (k:ApiKey)
WHERE k.revoked IS NULL
RETURN count(k) AS total`)

	// The audit log: the record whole as JSON in data, its id and actor as
	// properties to seek and order by, one AUDIT_OF link per subject.
	add(stRecordDuplicates, `
UNWIND $rows AS row
MERGE (d:DuplicatePair {pair: row.pair})
SET d.a = row.a, d.b = row.b, d.kind = row.kind, d.score = row.score, d.reasons = row.reasons, d.found = row.found`)
	add(stListDuplicates, `
MATCH (d:DuplicatePair)
WHERE d.score >= $min_score AND ($kind = '' OR d.kind = $kind) AND coalesce(d.verdict, '') <> 'DIFFERENT'
  AND (NOT $has_after OR d.score < $after_score
       OR (d.score = $after_score AND (d.a > $after_id OR (d.a = $after_id AND d.b > $after_b))))
  AND EXISTS { MATCH (:Entity {id: d.a}) } AND EXISTS { MATCH (:Entity {id: d.b}) }
RETURN d
ORDER BY d.score DESC, d.a, d.b
LIMIT $limit`)
	add(stScanDuplicates, `
MATCH (d:DuplicatePair)
WHERE d.pair > $after
RETURN d
ORDER BY d.pair
LIMIT $limit`)
	add(stImportDuplicates, `
UNWIND $rows AS row
MERGE (d:DuplicatePair {pair: row.pair})
SET d.a = row.a, d.b = row.b, d.kind = row.kind, d.score = row.score, d.reasons = row.reasons, d.found = row.found,
    d.verdict = row.verdict, d.judged_by = row.judged_by, d.judged_at = row.judged_at`)
	add(stJudgeDuplicate, `
MERGE (d:DuplicatePair {pair: $pair})
ON CREATE SET d.a = $a, d.b = $b, d.kind = $kind, d.score = 0.0
SET d.verdict = $verdict, d.judged_by = $judged_by, d.judged_at = $judged_at
RETURN d`)
	add(stCreateAudit, `
CREATE (a:AuditRecord {id: $id, actor: $actor, data: $data})
WITH a
UNWIND $subjects AS sid
MERGE (s:AuditSubject {id: sid})
CREATE (a)-[:AUDIT_OF]->(s)`)
	add(stAuditByID, `
MATCH (a:AuditRecord {id: $id})
RETURN a.data AS data`)
	add(stLockAudit, `
MATCH (a:AuditRecord {id: $id})
SET a._lock = true
REMOVE a._lock
RETURN a.data AS data`)
	add(stSetAuditData, `
MATCH (a:AuditRecord {id: $id})
SET a.data = $data`)
	add(stAuditLog, `
MATCH (a:AuditRecord)
WHERE a.id > $after AND a.id >= $floor
RETURN a.data AS data
ORDER BY a.id
LIMIT $limit`)
	add(stAuditLogByActor, `
MATCH (a:AuditRecord)
WHERE a.actor = $actor AND a.id > $after AND a.id >= $floor
RETURN a.data AS data
ORDER BY a.id
LIMIT $limit`)
	add(stAuditLogByEntity, `
MATCH (:AuditSubject {id: $entity})<-[:AUDIT_OF]-(a:AuditRecord)
WHERE ($actor = '' OR a.actor = $actor) AND a.id > $after AND a.id >= $floor
RETURN a.data AS data
ORDER BY a.id
LIMIT $limit`)

	// The review queue: the proposal whole as JSON in data.
	add(stProposalsByID, `
MATCH (p:Proposal)
WHERE p.id IN $ids
RETURN p.data AS data`)
	add(stLockProposals, `
MATCH (p:Proposal)
WHERE p.id IN $ids
SET p._lock = true
REMOVE p._lock
RETURN p.data AS data`)
	add(stLockArticleProposals, `
MATCH (p:Proposal)
WHERE p.article IN $articles
SET p._lock = true
REMOVE p._lock
RETURN p.data AS data`)
	add(stDeleteProposals, `
MATCH (p:Proposal)
WHERE p.id IN $ids
DELETE p`)
	add(stPutProposals, `
UNWIND $rows AS row
MERGE (p:Proposal {id: row.id})
SET p.article = row.article, p.status = row.status, p.data = row.data`)
	add(stListProposals, `
MATCH (p:Proposal)
WHERE p.id > $after AND ($status = '' OR p.status = $status)
RETURN p.data AS data
ORDER BY p.id
LIMIT $limit`)
	add(stCountProposals, `
MATCH (p:Proposal)
RETURN count(p) AS total`)
	add(stCountProposalsByStatus, `
MATCH (p:Proposal {status: $status})
RETURN count(p) AS total`)
	add(stListArticleProposals, `
MATCH (p:Proposal)
WHERE p.article = $article AND p.id > $after AND ($status = '' OR p.status = $status)
RETURN p.data AS data
ORDER BY p.id
LIMIT $limit`)
	add(stCountArticleProposals, `
MATCH (p:Proposal {article: $article})
WHERE $status = '' OR p.status = $status
RETURN count(p) AS total`)

	// Traversals.
	// One hop: for each frontier node, its first $per_node neighbours not
	// yet in the network, each at its lowest-id passing relationship, in
	// id order: all the walk can use (see Network), so that a hub with a
	// million ties sends $per_node rows, not a million.
	add(stNetworkHop, `
UNWIND $frontier AS f
CALL (f) {
  MATCH (u:Entity {id: f.id})-[r:`+all+`]-(v:Entity)
  WHERE (size($types) = 0 OR type(r) IN $types)
    AND r.since_lo <= $at_hi AND r.until_hi >= $at_lo
    AND NOT v.id IN $seen
  WITH v, min(r.id) AS rel
  RETURN rel, v.id AS other
  ORDER BY rel
  LIMIT $per_node
}
RETURN f.i AS i, rel, other
ORDER BY i, rel`)
	// The induced edges: each relationship among the nodes once, from its
	// start node (an index seek per id), its end checked against the list
	// (UNWIND first: matching both ends by list plans a Cartesian product).
	add(stNetworkEdges, `
UNWIND $ids AS id
MATCH (a:Entity {id: id})-[r:`+all+`]->(b:Entity)
WHERE b.id IN $ids
  AND (size($types) = 0 OR type(r) IN $types)
  AND r.since_lo <= $at_hi AND r.until_hi >= $at_lo
RETURN r.id AS rel, a.id AS src, b.id AS dst`)
	for n := 1; n <= MaxPathLength; n++ {
		add(fmt.Sprintf("%s%d", prefixPaths, n), fmt.Sprintf(`
MATCH (a:Entity {id: $src})
MATCH (b:Entity {id: $dst})
MATCH p = allShortestPaths((a)-[:%s*1..%d]-(b))
WHERE all(r IN relationships(p) WHERE (size($types) = 0 OR type(r) IN $types)
  AND r.since_lo <= $at_hi AND r.until_hi >= $at_lo)
RETURN [n IN nodes(p) | n.id] AS nodes, [r IN relationships(p) | r.id] AS rels
LIMIT $limit`, all, n))
	}

	// Whole-graph reads.
	add(stScanEntities, `
MATCH (e:Entity)
WHERE e.id > $after
RETURN e
ORDER BY e.id
LIMIT $limit`)
	var counts []string
	for _, k := range kg.Kinds {
		counts = append(counts, fmt.Sprintf("  MATCH (e:%s) WITH count(e) AS n RETURN '%s' AS kind, n", mustKindLabel(k), k))
	}
	add(stCountEntities, `
CALL () {
`+strings.Join(counts, "\n  UNION ALL\n")+`
}
RETURN kind, n`)
	// Counts come from the count store: one type, no end labels.
	var relCounts []string
	for _, t := range kg.RelTypes {
		relCounts = append(relCounts, fmt.Sprintf("  MATCH ()-[r:%s]->() RETURN count(r) AS n", mustRelPattern([]kg.RelType{t})))
	}
	add(stCountRels, `
CALL () {
`+strings.Join(relCounts, "\n  UNION ALL\n")+`
}
RETURN sum(n) AS n`)
	add(stDeleteAll, `
MATCH (n)
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS n`)

	// Schema.
	for _, m := range schema() {
		add(prefixMigrate+m.name, m.text)
	}
	add(stAwaitIndexes, `CALL db.awaitIndexes($seconds)`)
	// Entities written before search_text existed get it from Migrate.
	add(stUnsearchable, `
MATCH (e:Entity)
WHERE e.search_text IS NULL
RETURN e
LIMIT $limit`)
	add(stSetSearchText, `
UNWIND $rows AS row
MATCH (e:Entity {id: row.id})
SET e.search_text = row.text`)
	return r
}

// relByIDSubquery finds the relationship whose id is in variable v, with its
// ends, as src, r, dst: one index seek per vocabulary type.
func relByIDSubquery(v string) string {
	var parts []string
	for _, t := range kg.RelTypes {
		parts = append(parts, fmt.Sprintf("  MATCH (a:Entity)-[r:%s {id: %s}]->(b:Entity) RETURN a.id AS src, r, b.id AS dst", mustRelPattern([]kg.RelType{t}), v))
	}
	return "CALL (" + v + ") {\n" + strings.Join(parts, "\n  UNION ALL\n") + "\n}"
}

type schemaItem struct{ name, text string }

// schema is the database schema: constraints and indexes, each created only
// if missing (and the indexes of earlier versions dropped only if present),
// so running it again changes nothing. Only what a statement seeks through
// is indexed: entities by id, kind and id, and status; lookup keys;
// relationships by id (a uniqueness constraint per type, so that no two
// relationships share an id within a type); ASSERTS by relationship id; the
// full-text index over kg.SearchText with the whitespace analyzer, so that
// it holds exactly the domain's tokens. Filters applied while expanding from
// an entity (asOf, minSources) read the relationship's own properties and
// need no index.
func schema() []schemaItem {
	s := []schemaItem{
		{"entity_id", "CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (e:Entity) REQUIRE e.id IS UNIQUE"},
		{"key_key", "CREATE CONSTRAINT key_key IF NOT EXISTS FOR (k:Key) REQUIRE k.key IS UNIQUE"},
		{"entity_kind_id", "CREATE INDEX entity_kind_id IF NOT EXISTS FOR (e:Entity) ON (e.kind, e.id)"},
		{"entity_status", "CREATE INDEX entity_status IF NOT EXISTS FOR (e:Entity) ON (e.status)"},
		{"drop_entity_names", "DROP INDEX entity_names IF EXISTS"},
		{fulltextIndex, "CREATE FULLTEXT INDEX " + fulltextIndex + " IF NOT EXISTS FOR (e:Entity) ON EACH [e.search_text] " +
			"OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace', `fulltext.eventually_consistent`: false}}"},
		{"asserts_rel", "CREATE INDEX asserts_rel IF NOT EXISTS FOR ()-[s:ASSERTS]-() ON (s.rel)"},
		// What a revert must find before removing an entity.
		{"entity_outlet", "CREATE INDEX entity_outlet IF NOT EXISTS FOR (e:Entity) ON (e.outlet)"},
		{"entity_speaker", "CREATE INDEX entity_speaker IF NOT EXISTS FOR (e:Entity) ON (e.speaker)"},
		// Keys and the audit log.
		{"api_key_name", "CREATE CONSTRAINT api_key_name IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.name IS UNIQUE"},
		{"api_key_hash", "CREATE CONSTRAINT api_key_hash IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.hash IS UNIQUE"},
		{"audit_id", "CREATE CONSTRAINT audit_id IF NOT EXISTS FOR (a:AuditRecord) REQUIRE a.id IS UNIQUE"},
		{"audit_actor_id", "CREATE INDEX audit_actor_id IF NOT EXISTS FOR (a:AuditRecord) ON (a.actor, a.id)"},
		{"audit_subject_id", "CREATE CONSTRAINT audit_subject_id IF NOT EXISTS FOR (s:AuditSubject) REQUIRE s.id IS UNIQUE"},
		{"key_guard_name", "CREATE CONSTRAINT key_guard_name IF NOT EXISTS FOR (g:KeyGuard) REQUIRE g.name IS UNIQUE"},
		// Duplicate candidate pairs.
		{"duplicate_pair", "CREATE CONSTRAINT duplicate_pair IF NOT EXISTS FOR (d:DuplicatePair) REQUIRE d.pair IS UNIQUE"},
		{"duplicate_score", "CREATE INDEX duplicate_score IF NOT EXISTS FOR (d:DuplicatePair) ON (d.score)"},
		// The review queue.
		{"proposal_id", "CREATE CONSTRAINT proposal_id IF NOT EXISTS FOR (p:Proposal) REQUIRE p.id IS UNIQUE"},
		{"proposal_article_id", "CREATE INDEX proposal_article_id IF NOT EXISTS FOR (p:Proposal) ON (p.article, p.id)"},
		{"proposal_article", "CREATE INDEX proposal_article IF NOT EXISTS FOR (p:Proposal) ON (p.article)"},
		{"proposal_status", "CREATE INDEX proposal_status IF NOT EXISTS FOR (p:Proposal) ON (p.status)"},
	}
	for _, t := range kg.RelTypes {
		typ := mustRelPattern([]kg.RelType{t})
		low := strings.ToLower(typ)
		for _, prop := range []string{"id", "sources", "since_lo", "until_hi"} {
			name := "rel_" + low + "_" + prop
			s = append(s, schemaItem{"drop_" + name, "DROP INDEX " + name + " IF EXISTS"})
		}
		name := "rel_" + low + "_id_unique"
		s = append(s, schemaItem{name, fmt.Sprintf("CREATE CONSTRAINT %s IF NOT EXISTS FOR ()-[r:%s]-() REQUIRE r.id IS UNIQUE", name, typ)})
		flag := "rel_" + low + "_unsupported"
		s = append(s, schemaItem{flag, fmt.Sprintf("CREATE INDEX %s IF NOT EXISTS FOR ()-[r:%s]-() ON (r.unsupported)", flag, typ)})
	}
	return s
}

func migrationNames() []string {
	var names []string
	for _, m := range schema() {
		names = append(names, prefixMigrate+m.name)
	}
	return names
}

// relPattern joins relationship types into a pattern's type list
// ("MEMBER_OF|LEADS"), refusing any type that is not in the vocabulary: this
// is the only way a type reaches query text.
func relPattern(types []kg.RelType) (string, error) {
	if len(types) == 0 {
		return "", fmt.Errorf("no relationship types")
	}
	parts := make([]string, len(types))
	for i, t := range types {
		if !t.Valid() {
			return "", fmt.Errorf("relationship type %q is not in the vocabulary", t)
		}
		parts[i] = string(t)
	}
	return strings.Join(parts, "|"), nil
}

func mustRelPattern(types []kg.RelType) string {
	p, err := relPattern(types)
	if err != nil {
		panic("neo4j: " + err.Error())
	}
	return p
}

// kindLabel is the node label of a kind, refusing kinds outside kg.Kinds.
func kindLabel(k kg.Kind) (string, error) {
	if !k.Valid() {
		return "", fmt.Errorf("entity kind %q is not in the vocabulary", k)
	}
	return k.Label(), nil
}

func mustKindLabel(k kg.Kind) string {
	l, err := kindLabel(k)
	if err != nil {
		panic("neo4j: " + err.Error())
	}
	return l
}

// paramsOf lists the $parameters a statement's text uses, sorted.
func paramsOf(text string) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range paramRE.FindAllStringSubmatch(text, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	sort.Strings(out)
	return out
}
