// The page's only ways to the server: POST /graphql and links to GET /export.
// Everything the page draws comes through here, so it doubles as an example
// client of the public API.

const ENTITY = `
fragment EntityFields on Entity {
  id kind name aliases description
  identifiers { scheme value }
  ... on Person { birthDate deathDate gender }
  ... on Organization { classification }
  ... on Country { countryCode }
  ... on Article { title url published }
  ... on Allegation { summary status }
  ... on Event { date eventType }
  ... on Statement { quote date }
  ... on Dataset { url publisher licence retrieved }
  sources { record dataset { id name } }
}`;

const RELATIONSHIP = `
fragment RelationshipFields on Relationship {
  id type role since until sources unsupported
  from { id }
  to { id }
  evidence {
    quote confidence record file imported
    article { id title url published }
    dataset { id name url publisher }
  }
}`;

const SEARCH = `
query Search($query: String!, $first: Int) {
  search(query: $query, first: $first) {
    edges { node { id kind name description } }
  }
}`;

const NETWORK = `
query Network($seeds: [ID!]!, $depth: Int, $types: [RelationshipType!], $asOf: Date, $limit: Int) {
  network(seeds: $seeds, depth: $depth, types: $types, asOf: $asOf, limit: $limit) {
    truncated
    nodes { ...EntityFields }
    edges { ...RelationshipFields }
  }
}
${ENTITY}
${RELATIONSHIP}`;

const PATHS = `
query Paths($from: ID!, $to: ID!, $maxLength: Int, $types: [RelationshipType!], $asOf: Date, $first: Int) {
  paths(from: $from, to: $to, maxLength: $maxLength, types: $types, asOf: $asOf, first: $first) {
    length
    nodes { ...EntityFields }
    edges { ...RelationshipFields }
  }
}
${ENTITY}
${RELATIONSHIP}`;

const ENTITY_BY_ID = `
query Entity($id: ID!) { entity(id: $id) { ...EntityFields } }
${ENTITY}`;

const REL_TYPES = `
query RelationshipTypes {
  __type(name: "RelationshipType") { enumValues { name description } }
}`;

// RELATIONSHIP_TYPES is the schema's RelationshipType enum, used when the
// server does not answer introspection. web_test.go keeps it equal to the
// domain vocabulary.
export const RELATIONSHIP_TYPES = [
  "MEMBER_OF", "LEADS", "HOLDS_POSITION", "PART_OF", "REPRESENTS", "WORKS_FOR", "SPOKESPERSON_FOR",
  "ACCUSED_IN", "INVOLVED_IN", "REPORTED_BY", "DENIED", "PUBLISHED_BY", "CITES", "MENTIONS",
  "PARTICIPATED_IN", "STATED", "ABOUT", "CITIZEN_OF",
  "OWNS", "FAMILY_OF", "ASSOCIATE_OF", "RELATED_TO",
];

// ApiError is what every failed call throws: message is meant for a person.
export class ApiError extends Error {
  constructor(message, code) {
    super(message);
    this.name = "ApiError";
    this.code = code || "";
  }
}

// The API key the user pasted, if any: kept in sessionStorage only (it goes
// with the tab, and is never written to localStorage or the URL), and sent
// as a Bearer header to /graphql and /export.
const KEY_ITEM = "polgraph.apiKey";

export function apiKey() {
  try {
    return sessionStorage.getItem(KEY_ITEM) || "";
  } catch {
    return "";
  }
}

export function setApiKey(key) {
  try {
    if (key) sessionStorage.setItem(KEY_ITEM, key);
    else sessionStorage.removeItem(KEY_ITEM);
  } catch {
    // Storage refused (a private mode): the key lasts until the page goes.
  }
}

function authHeaders() {
  const key = apiKey();
  return key ? { Authorization: "Bearer " + key } : {};
}

async function graphql(query, variables, signal) {
  let res;
  try {
    res = await fetch("graphql", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", ...authHeaders() },
      body: JSON.stringify({ query, variables }),
      signal,
    });
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new ApiError("Cannot reach the polgraph server. Is it running?", "UNAVAILABLE");
  }
  let body;
  try {
    body = await res.json();
  } catch {
    throw new ApiError(`The server answered ${res.status} ${res.statusText} without a GraphQL response.`, "UNAVAILABLE");
  }
  if (body.errors && body.errors.length) {
    const e = body.errors[0];
    const code = (e.extensions && e.extensions.code) || "";
    throw new ApiError(e.message || "The query failed.", code);
  }
  if (!res.ok) throw new ApiError(`The server answered ${res.status} ${res.statusText}.`, "UNAVAILABLE");
  return body.data;
}

export async function search(query, { first = 8, signal } = {}) {
  const data = await graphql(SEARCH, { query, first }, signal);
  return data.search.edges.map((e) => e.node);
}

export async function entity(id, { signal } = {}) {
  const data = await graphql(ENTITY_BY_ID, { id }, signal);
  return data.entity;
}

// network returns the Subgraph for a view: seeds, depth, types (null: all),
// asOf (null: any time).
export async function network(view, { limit = 400, signal } = {}) {
  const data = await graphql(NETWORK, {
    seeds: view.seeds,
    depth: view.depth,
    types: view.types,
    asOf: view.asOf || null,
    limit,
  }, signal);
  return data.network;
}

export async function paths(from, to, view, { maxLength = 4, first = 5, signal } = {}) {
  const data = await graphql(PATHS, {
    from, to, maxLength, first,
    types: view.types,
    asOf: view.asOf || null,
  }, signal);
  return data.paths;
}

// relationshipTypes asks the schema for the vocabulary, so that a type added
// to the server shows up here; it falls back to the built-in list.
export async function relationshipTypes() {
  try {
    const data = await graphql(REL_TYPES, {});
    const values = data.__type && data.__type.enumValues;
    if (values && values.length) return values.map((v) => ({ name: v.name, description: v.description || "" }));
  } catch (err) {
    if (["UNAVAILABLE", "UNAUTHENTICATED", "FORBIDDEN"].includes(err.code)) throw err;
  }
  return RELATIONSHIP_TYPES.map((name) => ({ name, description: "" }));
}

// viewer says who the requests are made as: { name, role, authenticated }.
export async function viewer() {
  const data = await graphql("{ viewer { name role authenticated } }", {});
  return data.viewer;
}

// download fetches an /export link with the key and saves what it answers:
// a plain link cannot carry the Authorization header.
export async function download(href) {
  let res;
  try {
    res = await fetch(href, { headers: authHeaders() });
  } catch {
    throw new ApiError("Cannot reach the polgraph server. Is it running?", "UNAVAILABLE");
  }
  if (!res.ok) {
    let msg = `The export failed: ${res.status} ${res.statusText}.`;
    let code = "";
    try {
      const body = (await res.json()).error || {};
      if (body.message) msg = body.message;
      code = body.code || "";
    } catch {
      // Not JSON: keep the status.
    }
    throw new ApiError(msg, code);
  }
  const blob = await res.blob();
  const m = /filename="([^"]+)"/.exec(res.headers.get("Content-Disposition") || "");
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = m ? m[1] : "export";
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

// exportURL is the /export link for a view in one of the server's formats.
export function exportURL(format, view) {
  const q = new URLSearchParams({ format });
  for (const s of view.seeds) q.append("seed", s);
  q.set("depth", String(view.depth));
  if (view.types) q.set("types", view.types.join(","));
  if (view.asOf) q.set("asOf", view.asOf);
  return "export?" + q.toString();
}
