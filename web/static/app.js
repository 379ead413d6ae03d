// The page: a view (seeds, depth, types, as-of date, path ends) kept in the
// URL, drawn from network and paths queries, and the controls that change it.

import * as api from "./api.js";
import { Combobox } from "./combobox.js";
import { KINDS, kindLabel, typeLabel, nodeData, edgeData, stylesheet, legendSymbol } from "./graph.js";

const $ = (id) => document.getElementById(id);

// The slider covers whole months from SLIDER_START to this month.
const SLIDER_START = { y: 1990, m: 1 };

const view = { seeds: [], depth: 1, types: null, asOf: "", from: "", to: "", maxLength: 4 };
let allTypes = [];
let cy;
let loadSeq = 0;
const entities = new Map(); // id -> entity, everything seen so far (names for chips and paths)
let networkData = { nodes: [], edges: [], truncated: false };
let pathData = [];
let pathShown = -1; // which path is highlighted; -1: all

// Test hooks: the cytoscape instance, the view, and a counter that moves
// each time a redraw has finished.
const polgraph = { cy: null, view, version: 0, state: "starting", cytoscape: null };
window.polgraph = polgraph;

function setState(state) {
  polgraph.state = state;
  document.body.dataset.state = state;
  if (state === "ready" || state === "error") polgraph.version++;
}

function status(msg, kind = "info") {
  const el = $("status");
  el.textContent = msg;
  el.className = "status " + kind;
}

function fail(err) {
  if (err && err.name === "AbortError") return;
  console.error(err);
  const msg = err instanceof api.ApiError ? err.message : `Something went wrong: ${err && err.message ? err.message : err}`;
  status(msg, "error");
  if (err instanceof api.ApiError && err.code === "UNAVAILABLE" && !cy.nodes().length) {
    showEmpty("The server cannot be reached", "polgraph's server did not answer. Start it with polgraph serve and reload this page.");
  }
  if (err instanceof api.ApiError && (err.code === "UNAUTHENTICATED" || err.code === "FORBIDDEN")) {
    // The server wants a (better) key: open the box to paste one.
    $("key-box").open = true;
  }
}

// ---- URL <-> view ------------------------------------------------------

function readURL() {
  const q = new URLSearchParams(location.search);
  view.seeds = unique(q.getAll("seed").flatMap((s) => s.split(",")).map((s) => s.trim()).filter(Boolean));
  const depth = Number(q.get("depth"));
  view.depth = depth >= 1 && depth <= 3 ? depth : 1;
  const types = q.get("types");
  view.types = types === null ? null : types.split(",").filter((t) => allTypes.some((x) => x.name === t));
  if (view.types && view.types.length === allTypes.length) view.types = null;
  const asOf = q.get("asOf") || "";
  view.asOf = /^\d{4}(-\d{2}(-\d{2})?)?$/.test(asOf) ? asOf : "";
  view.from = q.get("from") || "";
  view.to = q.get("to") || "";
  const ml = Number(q.get("maxLength"));
  view.maxLength = ml >= 1 && ml <= 6 ? ml : 4;
}

function writeURL(push) {
  const q = new URLSearchParams();
  for (const s of view.seeds) q.append("seed", s);
  if (view.depth !== 1) q.set("depth", String(view.depth));
  if (view.types) q.set("types", view.types.join(","));
  if (view.asOf) q.set("asOf", view.asOf);
  if (view.from && view.to) {
    q.set("from", view.from);
    q.set("to", view.to);
    if (view.maxLength !== 4) q.set("maxLength", String(view.maxLength));
  }
  const url = location.pathname + (q.toString() ? "?" + q.toString() : "");
  if (url === location.pathname + location.search) return;
  if (push) history.pushState(null, "", url);
  else history.replaceState(null, "", url);
}

function unique(list) {
  return [...new Set(list)];
}

// ---- controls -----------------------------------------------------------

function syncControls() {
  $("depth").value = String(view.depth);
  for (const box of $("types").querySelectorAll("input[type=checkbox]")) {
    box.checked = !view.types || view.types.includes(box.value);
  }
  $("asof").value = view.asOf.length === 10 ? view.asOf : view.asOf ? (view.asOf + "-01-01").slice(0, 10) : "";
  syncSlider();
  $("path-len").value = String(view.maxLength);
  renderSeeds();
  updateExports();
}

function monthsOf(date) {
  const [y, m] = date.split("-").map(Number);
  return (y - SLIDER_START.y) * 12 + ((m || 1) - SLIDER_START.m);
}

function sliderMax() {
  const now = new Date();
  return monthsOf(`${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}`);
}

function syncSlider() {
  const s = $("asof-slider");
  s.min = "0";
  s.max = String(sliderMax());
  s.value = view.asOf ? String(Math.max(0, Math.min(sliderMax(), monthsOf(view.asOf)))) : s.max;
  s.setAttribute("aria-valuetext", view.asOf ? `as of ${view.asOf}` : "any time");
  $("asof-now").disabled = !view.asOf;
}

function sliderDate(v) {
  const months = SLIDER_START.m - 1 + Number(v);
  const y = SLIDER_START.y + Math.floor(months / 12);
  const m = (months % 12) + 1;
  return `${y}-${String(m).padStart(2, "0")}-01`;
}

function renderTypes() {
  const box = $("types");
  box.querySelectorAll("label").forEach((l) => l.remove());
  for (const t of allTypes) {
    const label = document.createElement("label");
    label.className = "check";
    if (t.description) label.title = t.description;
    const input = document.createElement("input");
    input.type = "checkbox";
    input.value = t.name;
    input.name = "type";
    input.dataset.testid = `type-${t.name}`;
    input.checked = true;
    const span = document.createElement("span");
    span.textContent = typeLabel(t.name);
    label.append(input, span);
    box.append(label);
  }
}

function readTypes() {
  const checked = [...$("types").querySelectorAll("input:checked")].map((b) => b.value);
  view.types = checked.length === allTypes.length ? null : checked;
}

function renderSeeds() {
  const ul = $("seeds");
  ul.replaceChildren();
  for (const id of view.seeds) {
    const e = entities.get(id);
    const li = document.createElement("li");
    li.className = "chip";
    li.dataset.id = id;
    const name = document.createElement("button");
    name.type = "button";
    name.className = "chip-name";
    name.textContent = e ? e.name : id;
    name.title = "Show details";
    name.addEventListener("click", () => select(id));
    const x = document.createElement("button");
    x.type = "button";
    x.className = "chip-x";
    x.setAttribute("aria-label", `Remove ${e ? e.name : id}`);
    x.textContent = "×";
    x.addEventListener("click", () => {
      view.seeds = view.seeds.filter((s) => s !== id);
      changed(true);
    });
    li.append(name, x);
    ul.append(li);
  }
  $("clear").hidden = view.seeds.length === 0;
}

function updateExports() {
  const has = view.seeds.length > 0;
  for (const f of ["graphml", "gexf", "json", "cytoscape"]) {
    const a = $(`export-${f}`);
    if (has) {
      a.href = api.exportURL(f, view);
      a.removeAttribute("aria-disabled");
    } else {
      a.removeAttribute("href");
      a.setAttribute("aria-disabled", "true");
    }
  }
  $("export-png").disabled = !has;
}

function renderLegend() {
  const el = $("legend");
  el.replaceChildren();
  const h = document.createElement("h2");
  h.textContent = "Legend";
  h.className = "visually-hidden";
  const ul = document.createElement("ul");
  for (const kind of Object.keys(KINDS)) {
    const li = document.createElement("li");
    li.dataset.kind = kind;
    li.append(legendSymbol(kind), document.createTextNode(kindLabel(kind)));
    ul.append(li);
  }
  const ended = document.createElement("li");
  ended.className = "ended";
  ended.append(lineSymbol(true), document.createTextNode("tie has ended"));
  ul.append(ended);
  el.append(h, ul);
}

function lineSymbol(dashed) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 20 20");
  svg.setAttribute("width", "16");
  svg.setAttribute("height", "16");
  svg.setAttribute("aria-hidden", "true");
  const l = document.createElementNS("http://www.w3.org/2000/svg", "line");
  l.setAttribute("x1", "1"); l.setAttribute("y1", "10"); l.setAttribute("x2", "19"); l.setAttribute("y2", "10");
  l.setAttribute("stroke", "#0072B2");
  l.setAttribute("stroke-width", "2.5");
  if (dashed) l.setAttribute("stroke-dasharray", "4 3");
  svg.append(l);
  return svg;
}

function showEmpty(title, text) {
  const el = $("empty");
  el.hidden = false;
  if (title) {
    el.querySelector("h2").textContent = title;
    const p = el.querySelector("p");
    p.replaceChildren(document.createTextNode(text));
  }
}

function resetEmpty() {
  const el = $("empty");
  el.querySelector("h2").textContent = "Start with a name";
  const p = el.querySelector("p");
  p.replaceChildren(
    document.createTextNode("Search an actor above, for example "),
    exampleButton("Han Dong"),
    document.createTextNode(", to draw who they are tied to."),
  );
}

function exampleButton(text) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "link example";
  b.textContent = text;
  b.addEventListener("click", () => {
    const s = $("search");
    s.value = text;
    s.focus();
    s.dispatchEvent(new Event("input"));
  });
  return b;
}

// ---- drawing ------------------------------------------------------------

// changed is called after the view changed: it records it in the URL and
// redraws.
function changed(push) {
  writeURL(push);
  syncControls();
  return refresh();
}

async function refresh() {
  const seq = ++loadSeq;
  setState("loading");
  updateExports();
  if (!view.seeds.length) {
    networkData = { nodes: [], edges: [], truncated: false };
    pathData = [];
    draw();
    resetEmpty();
    showEmpty();
    $("paths").replaceChildren();
    status("");
    setState("ready");
    return;
  }
  if (view.types && view.types.length === 0) {
    networkData = { nodes: [], edges: [], truncated: false };
    draw();
    showEmpty("No relationship types selected", "Tick at least one relationship type to draw ties.");
    status("No relationship types selected.");
    setState("ready");
    return;
  }
  status("Loading the network…");
  try {
    const [net, found] = await Promise.all([
      api.network(view),
      view.from && view.to ? api.paths(view.from, view.to, view, { maxLength: view.maxLength }) : Promise.resolve(null),
    ]);
    if (seq !== loadSeq) return;
    networkData = net;
    pathData = found || [];
    for (const n of net.nodes) entities.set(n.id, n);
    for (const p of pathData) for (const n of p.nodes) entities.set(n.id, n);
    $("empty").hidden = true;
    draw();
    renderSeeds();
    renderPaths(found);
    $("truncated").hidden = !net.truncated;
    const when = view.asOf ? ` as of ${view.asOf}` : "";
    let msg = `${cy.nodes().length} entities and ${cy.edges().length} ties${when}.`;
    if (found) msg += found.length ? ` ${found.length} path${found.length === 1 ? "" : "s"} found.` : " No path found.";
    status(msg);
    setState("ready");
  } catch (err) {
    if (seq !== loadSeq) return;
    if (err.code === "NOT_FOUND") {
      status(`${err.message} Remove it from the view or search again.`, "error");
    } else {
      fail(err);
    }
    setState("error");
  }
}

// draw makes the drawing hold exactly the network and the paths, keeping
// the positions of what was already drawn.
function draw() {
  const nodes = new Map();
  const edges = new Map();
  for (const n of networkData.nodes) nodes.set(n.id, n);
  for (const e of networkData.edges) edges.set(e.id, e);
  for (const p of pathData) {
    for (const n of p.nodes) nodes.set(n.id, n);
    for (const e of p.edges) edges.set(e.id, e);
  }
  const before = cy.nodes().length;
  const added = [];
  cy.batch(() => {
    cy.elements().forEach((el) => {
      if (!(el.isNode() ? nodes : edges).has(el.id())) el.remove();
    });
    for (const n of nodes.values()) {
      const el = cy.getElementById(n.id);
      if (el.nonempty()) el.data(nodeData(n));
      else added.push(cy.add({ group: "nodes", data: nodeData(n) }));
    }
    for (const e of edges.values()) {
      if (!nodes.has(e.from.id) || !nodes.has(e.to.id)) continue;
      const el = cy.getElementById(e.id);
      if (el.nonempty()) el.data(edgeData(e));
      else cy.add({ group: "edges", data: edgeData(e) });
    }
    cy.nodes().removeClass("seed fresh");
    cy.edges().removeClass("near-seed");
    for (const s of view.seeds) {
      const el = cy.getElementById(s);
      el.addClass("seed");
      el.connectedEdges().addClass("near-seed");
    }
  });
  highlightPaths();
  if (added.length) layout(before === 0, added);
  renderNodeList();
}

function layout(fresh, added) {
  const seeds = cy.nodes(".seed");
  if (fresh || seeds.length <= 1) {
    // Rings around the seed, one per step away from it.
    const dist = bfs(seeds);
    const maxd = Math.max(1, ...dist.values());
    cy.layout({
      name: "concentric",
      animate: false,
      fit: true,
      padding: 40,
      minNodeSpacing: 70,
      startAngle: (3 / 2) * Math.PI,
      concentric: (n) => maxd + 1 - (dist.has(n.id()) ? dist.get(n.id()) : maxd + 1),
      levelWidth: () => 1,
    }).run();
    limitZoom();
    return;
  }
  // Later expansions: start new nodes on a circle around a drawn
  // neighbour, then let the force layout settle everything.
  const around = new Map();
  for (const n of added) {
    const anchor = n.neighborhood("node").filter((m) => !added.includes(m)).first();
    const key = anchor.nonempty() ? anchor.id() : "";
    if (!around.has(key)) around.set(key, []);
    around.get(key).push(n);
  }
  const ext = cy.nodes().not(cy.collection(added)).boundingBox();
  for (const [key, list] of around) {
    const c = key ? cy.getElementById(key).position() : { x: ext.x2 + 150, y: (ext.y1 + ext.y2) / 2 };
    const r = 110 + 12 * list.length;
    list.forEach((n, i) => {
      const a = (2 * Math.PI * i) / list.length;
      n.position({ x: c.x + r * Math.cos(a), y: c.y + r * Math.sin(a) });
    });
  }
  cy.layout({
    name: "cose",
    animate: false,
    randomize: false,
    fit: true,
    padding: 40,
    nodeRepulsion: () => 400000,
    idealEdgeLength: () => 110,
    nodeOverlap: 20,
    numIter: 1500,
  }).run();
  limitZoom();
}

// limitZoom keeps a small network from being blown up to fill the screen.
function limitZoom() {
  if (cy.zoom() > 1.2) {
    cy.zoom(1.2);
    cy.center();
  }
}

function bfs(start) {
  const dist = new Map();
  let frontier = start.toArray();
  frontier.forEach((n) => dist.set(n.id(), 0));
  let d = 0;
  while (frontier.length) {
    d++;
    const next = [];
    for (const n of frontier) {
      n.neighborhood("node").forEach((m) => {
        if (!dist.has(m.id())) {
          dist.set(m.id(), d);
          next.push(m);
        }
      });
    }
    frontier = next;
  }
  return dist;
}

function renderNodeList() {
  const ul = $("node-list");
  ul.replaceChildren();
  const nodes = cy.nodes().sort((a, b) => a.data("entity").name.localeCompare(b.data("entity").name));
  nodes.forEach((n) => {
    const li = document.createElement("li");
    const b = document.createElement("button");
    b.type = "button";
    b.className = "link";
    b.dataset.id = n.id();
    b.textContent = `${n.data("entity").name} (${kindLabel(n.data("kind"))})`;
    b.addEventListener("click", () => select(n.id()));
    li.append(b);
    ul.append(li);
  });
  $("node-count").textContent = String(cy.nodes().length);
  $("edge-count").textContent = String(cy.edges().length);
}

// ---- selection and details ---------------------------------------------

function select(id) {
  const el = cy.getElementById(id);
  if (el.empty()) return;
  cy.elements().unselect();
  el.select();
  if (el.isNode()) showNode(el.data("entity"));
  else showEdge(el.data("rel"));
}

// showEntity shows an entity's details, drawn or not.
async function showEntity(id) {
  if (cy.getElementById(id).nonempty()) {
    select(id);
    return;
  }
  try {
    const e = entities.get(id) && entities.get(id).kind ? entities.get(id) : await api.entity(id);
    if (!e) {
      status(`There is no entity ${id}.`, "error");
      return;
    }
    entities.set(id, e);
    showNode(e);
  } catch (err) {
    fail(err);
  }
}

function expand(id) {
  if (view.seeds.includes(id)) return;
  view.seeds = [...view.seeds, id];
  status(`Expanding ${entities.get(id) ? entities.get(id).name : id}…`);
  changed(true);
}

function panel(title, kindClass) {
  const d = $("details");
  d.replaceChildren();
  const h = document.createElement("h2");
  h.id = "details-title";
  h.tabIndex = -1;
  h.textContent = title;
  if (kindClass) h.className = kindClass;
  d.append(h);
  return d;
}

function field(dl, name, value) {
  if (value === null || value === undefined || value === "") return;
  const dt = document.createElement("dt");
  dt.textContent = name;
  const dd = document.createElement("dd");
  if (value instanceof Node) dd.append(value);
  else dd.textContent = String(value);
  dl.append(dt, dd);
}

function safeLink(url, text) {
  try {
    const u = new URL(url);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("not http");
    const a = document.createElement("a");
    a.href = u.href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    a.textContent = text;
    return a;
  } catch {
    const s = document.createElement("span");
    s.textContent = text;
    return s;
  }
}

function button(text, testid, onClick, cls = "") {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = text;
  if (testid) b.dataset.testid = testid;
  if (cls) b.className = cls;
  b.addEventListener("click", onClick);
  return b;
}

function showNode(e) {
  const d = panel(e.name);
  d.dataset.showing = "node";
  d.dataset.id = e.id;
  const badge = document.createElement("p");
  badge.className = "badge";
  badge.append(legendSymbol(e.kind), document.createTextNode(" " + kindLabel(e.kind)));
  d.append(badge);
  const dl = document.createElement("dl");
  field(dl, "Also known as", e.aliases && e.aliases.length ? e.aliases.join(", ") : "");
  field(dl, "Description", e.description);
  field(dl, "Born", e.birthDate);
  field(dl, "Died", e.deathDate);
  field(dl, "Gender", e.gender);
  field(dl, "Classification", e.classification ? typeLabel(e.classification) : "");
  field(dl, "Country code", e.countryCode);
  if (e.kind === "ARTICLE") {
    field(dl, "Title", e.url ? safeLink(e.url, e.title) : e.title);
    field(dl, "Published", e.published);
  }
  if (e.kind === "DATASET") {
    field(dl, "Published at", e.url ? safeLink(e.url, e.url) : "");
    field(dl, "Publisher", e.publisher);
    field(dl, "Licence", e.licence);
    field(dl, "Retrieved", e.retrieved);
  }
  if (e.sources && e.sources.length) {
    field(dl, "Imported from", e.sources.map((s) => `${s.dataset.name} (record ${s.record})`).join("; "));
  }
  field(dl, "Summary", e.summary);
  field(dl, "Status", e.status ? typeLabel(e.status) : "");
  field(dl, "Date", e.date);
  field(dl, "Event type", e.eventType);
  if (e.quote) {
    const q = document.createElement("blockquote");
    q.textContent = e.quote;
    field(dl, "Quote", q);
  }
  for (const id of e.identifiers || []) field(dl, id.scheme, id.value);
  field(dl, "Id", e.id);
  d.append(dl);

  // The drawn ties, so that their evidence is reachable by keyboard too.
  const el = cy.getElementById(e.id);
  if (el.nonempty() && el.connectedEdges().length) {
    const h = document.createElement("h3");
    h.textContent = "Ties on screen";
    const ul = document.createElement("ul");
    ul.className = "ties";
    el.connectedEdges().forEach((edge) => {
      const r = edge.data("rel");
      const out = r.from.id === e.id;
      const other = entities.get(out ? r.to.id : r.from.id);
      const li = document.createElement("li");
      const text = `${out ? "" : "← "}${edge.data("label")} ${out ? "→ " : ""}${other ? other.name : r.to.id}`;
      li.append(button(text, "tie", () => select(r.id), "link"));
      ul.append(li);
    });
    d.append(h, ul);
  }

  const actions = document.createElement("div");
  actions.className = "actions";
  if (!view.seeds.includes(e.id)) {
    actions.append(button("Expand neighbours", "expand", () => expand(e.id), "primary"));
  } else if (view.seeds.length > 1) {
    actions.append(button("Stop expanding", "collapse", () => {
      view.seeds = view.seeds.filter((s) => s !== e.id);
      changed(true);
    }));
  }
  actions.append(
    button("Centre on this only", "focus", () => {
      view.seeds = [e.id];
      changed(true);
    }),
    button("Path from here", "path-from-here", () => pathFrom.set(e)),
    button("Path to here", "path-to-here", () => pathTo.set(e)),
  );
  d.append(actions);
}

function showEdge(r) {
  const from = entities.get(r.from.id);
  const to = entities.get(r.to.id);
  const d = panel(typeLabel(r.type));
  d.dataset.showing = "edge";
  d.dataset.id = r.id;
  const ends = document.createElement("p");
  ends.className = "ends";
  ends.append(
    button(from ? from.name : r.from.id, "edge-from", () => select(r.from.id), "link"),
    document.createTextNode(` ${typeLabel(r.type)} `),
    button(to ? to.name : r.to.id, "edge-to", () => select(r.to.id), "link"),
  );
  d.append(ends);
  const dl = document.createElement("dl");
  field(dl, "Role", r.role);
  field(dl, "Since", r.since || "not known");
  field(dl, "Until", r.until || "still holds, or end not known");
  field(dl, "Sources", `${r.sources} source${r.sources === 1 ? "" : "s"} (articles and datasets)`);
  if (r.unsupported) field(dl, "Unsupported", "its sources were retracted; kept for review");
  d.append(dl);

  const h = document.createElement("h3");
  h.textContent = "Evidence";
  d.append(h);
  if (!r.evidence.length) {
    const p = document.createElement("p");
    p.className = "hint";
    p.textContent = "No evidence is recorded for this tie.";
    d.append(p);
    return;
  }
  const ol = document.createElement("ol");
  ol.className = "evidence";
  ol.dataset.testid = "evidence";
  for (const ev of r.evidence) {
    const li = document.createElement("li");
    if (ev.quote) {
      const q = document.createElement("blockquote");
      q.textContent = ev.quote;
      li.append(q);
    }
    const src = document.createElement("p");
    src.className = "source";
    const meta = document.createElement("span");
    meta.className = "meta";
    if (ev.article) {
      src.append(button(ev.article.title, "evidence-article", () => showEntity(ev.article.id), "link"));
      if (ev.article.published) meta.append(document.createTextNode(`Published ${ev.article.published}`));
      if (ev.article.url) meta.append(document.createTextNode(ev.article.published ? " · " : ""), safeLink(ev.article.url, "read the article"));
    } else if (ev.dataset) {
      // A dataset's record: the dataset, the record's id, where and when
      // it was read.
      src.append(button(ev.dataset.name, "evidence-dataset", () => showEntity(ev.dataset.id), "link"));
      const parts = [`Record ${ev.record}`];
      if (ev.file) parts.push(`from ${ev.file}`);
      if (ev.imported) parts.push(`imported ${ev.imported.slice(0, 10)}`);
      if (ev.dataset.publisher) parts.push(`published by ${ev.dataset.publisher}`);
      meta.append(document.createTextNode(parts.join(" · ")));
      if (ev.dataset.url) meta.append(document.createTextNode(" · "), safeLink(ev.dataset.url, "the dataset"));
    }
    if (meta.childNodes.length) src.append(meta);
    li.append(src);
    const conf = document.createElement("p");
    conf.className = "confidence";
    const pct = Math.round(ev.confidence * 100);
    const meter = document.createElement("meter");
    meter.min = 0;
    meter.max = 1;
    meter.value = ev.confidence;
    meter.setAttribute("aria-label", "Confidence");
    conf.append(document.createTextNode(`Confidence ${pct}% `), meter);
    li.append(conf);
    ol.append(li);
  }
  d.append(ol);
}

// ---- paths --------------------------------------------------------------

let pathFrom;
let pathTo;

async function findPaths() {
  const from = pathFrom.chosen || (view.from ? entities.get(view.from) : null);
  const to = pathTo.chosen || (view.to ? entities.get(view.to) : null);
  if (!from || !to) {
    status("Choose both ends of the path from the suggestions first.", "error");
    (from ? $("path-to") : $("path-from")).focus();
    return;
  }
  if (from.id === to.id) {
    status("The two ends of a path must differ.", "error");
    return;
  }
  view.from = from.id;
  view.to = to.id;
  view.maxLength = Number($("path-len").value);
  if (!view.seeds.length) view.seeds = [from.id];
  pathShown = -1;
  await changed(true);
}

function renderPaths(found) {
  const ol = $("paths");
  ol.replaceChildren();
  if (!found) return;
  if (!found.length) {
    const li = document.createElement("li");
    li.className = "hint";
    li.textContent = `No path of at most ${view.maxLength} steps${view.asOf ? " as of " + view.asOf : ""} with the chosen types.`;
    ol.append(li);
    return;
  }
  found.forEach((p, i) => {
    const li = document.createElement("li");
    const b = document.createElement("button");
    b.type = "button";
    b.className = "path-button";
    b.dataset.testid = "path";
    b.setAttribute("aria-pressed", String(pathShown === i));
    b.textContent = p.nodes.map((n) => n.name).join(" → ") + ` (${p.length} step${p.length === 1 ? "" : "s"})`;
    b.addEventListener("click", () => {
      pathShown = pathShown === i ? -1 : i;
      renderPaths(pathData);
      highlightPaths();
    });
    li.append(b);
    ol.append(li);
  });
}

function highlightPaths() {
  cy.elements().removeClass("path faded");
  if (!pathData.length) return;
  const shown = pathShown >= 0 && pathData[pathShown] ? [pathData[pathShown]] : pathData;
  let on = cy.collection();
  for (const p of shown) {
    for (const n of p.nodes) on = on.union(cy.getElementById(n.id));
    for (const e of p.edges) on = on.union(cy.getElementById(e.id));
  }
  on.addClass("path");
  cy.elements().not(on).addClass("faded");
}

function clearPaths() {
  view.from = "";
  view.to = "";
  pathFrom.set(null);
  pathTo.set(null);
  pathData = [];
  pathShown = -1;
  $("paths").replaceChildren();
  changed(true);
}

// ---- PNG ----------------------------------------------------------------

function exportPNG() {
  const blob = cy.png({ output: "blob", full: true, scale: 2, bg: "#ffffff", maxWidth: 4000, maxHeight: 4000 });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = `polgraph-${view.seeds.join("+") || "view"}${view.asOf ? "-" + view.asOf : ""}.png`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// ---- API key ------------------------------------------------------------

// showViewer puts who the page acts as in the key box's summary.
async function showViewer() {
  try {
    const v = await api.viewer();
    const role = v.role ? v.role.toLowerCase() : "no access";
    $("key-summary").textContent = v.authenticated ? `Key: ${v.name} (${role})` : "API key";
    return v;
  } catch (err) {
    $("key-summary").textContent = "API key";
    throw err;
  }
}

function setupKey() {
  $("key-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const key = $("api-key").value.trim();
    $("api-key").value = "";
    if (!key) return;
    api.setApiKey(key);
    try {
      const v = await showViewer();
      status(`Using the key ${v.name}.`);
      $("key-box").open = false;
      if (polgraph.state === "error") await load();
      else refresh();
    } catch (err) {
      api.setApiKey("");
      fail(err);
    }
  });
  $("key-forget").addEventListener("click", () => {
    api.setApiKey("");
    showViewer().catch(() => {});
    status("The key is forgotten.");
    $("key-box").open = false;
  });
  if (api.apiKey()) showViewer().catch(() => {});
}

// ---- start --------------------------------------------------------------

async function start() {
  polgraph.cytoscape = window.cytoscape;
  cy = window.cytoscape({
    container: $("graph"),
    style: stylesheet(),
    minZoom: 0.15,
    maxZoom: 4,
    wheelSensitivity: 0.3,
    boxSelectionEnabled: false,
    selectionType: "single",
  });
  polgraph.cy = cy;
  renderLegend();
  resetEmpty();

  cy.on("tap", "node", (evt) => {
    const n = evt.target;
    showNode(n.data("entity"));
    expand(n.id());
  });
  cy.on("tap", "edge", (evt) => showEdge(evt.target.data("rel")));
  cy.on("mouseover", "edge", (evt) => evt.target.addClass("hover"));
  cy.on("mouseout", "edge", (evt) => evt.target.removeClass("hover"));
  cy.on("mouseover", "node", () => { $("graph").style.cursor = "pointer"; });
  cy.on("mouseout", "node", () => { $("graph").style.cursor = ""; });

  new Combobox($("search"), $("search-list"), {
    onPick: (e) => {
      entities.set(e.id, e);
      view.seeds = [e.id];
      if (!pathFrom.chosen) pathFrom.set(e);
      changed(true);
    },
    onError: fail,
    onStatus: (m) => status(m),
  });
  pathFrom = new Combobox($("path-from"), $("path-from-list"), { onError: fail, onStatus: (m) => status(m) });
  pathTo = new Combobox($("path-to"), $("path-to-list"), { onError: fail, onStatus: (m) => status(m) });

  $("depth").addEventListener("change", () => {
    view.depth = Number($("depth").value);
    changed(true);
  });
  $("clear").addEventListener("click", () => {
    view.seeds = [];
    view.from = view.to = "";
    pathFrom.set(null);
    pathTo.set(null);
    changed(true);
  });
  let typesTimer = 0;
  $("types").addEventListener("change", () => {
    readTypes();
    clearTimeout(typesTimer);
    typesTimer = setTimeout(() => changed(false), 200);
  });
  $("types-all").addEventListener("click", () => {
    view.types = null;
    changed(false);
  });
  $("types-none").addEventListener("click", () => {
    view.types = [];
    changed(false);
  });
  $("asof").addEventListener("change", () => {
    const v = $("asof").value;
    if (v && !/^\d{4}-\d{2}-\d{2}$/.test(v)) return;
    view.asOf = v;
    changed(false);
  });
  let sliderTimer = 0;
  $("asof-slider").addEventListener("input", () => {
    const s = $("asof-slider");
    const atEnd = s.value === s.max;
    view.asOf = atEnd ? "" : sliderDate(s.value);
    $("asof").value = view.asOf;
    s.setAttribute("aria-valuetext", view.asOf ? `as of ${view.asOf}` : "any time");
    clearTimeout(sliderTimer);
    sliderTimer = setTimeout(() => changed(false), 250);
  });
  $("asof-now").addEventListener("click", () => {
    view.asOf = "";
    changed(false);
  });
  $("find-paths").addEventListener("click", findPaths);
  $("clear-paths").addEventListener("click", clearPaths);
  $("export-png").addEventListener("click", exportPNG);
  // With a key, export links are fetched with it (a link cannot send it).
  for (const f of ["graphml", "gexf", "json", "cytoscape"]) {
    $(`export-${f}`).addEventListener("click", (e) => {
      const a = e.currentTarget;
      if (!api.apiKey() || !a.href) return;
      e.preventDefault();
      api.download(a.href).catch(fail);
    });
  }
  setupKey();
  $("zoom-in").addEventListener("click", () => cy.zoom({ level: cy.zoom() * 1.25, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } }));
  $("zoom-out").addEventListener("click", () => cy.zoom({ level: cy.zoom() / 1.25, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } }));
  $("zoom-fit").addEventListener("click", () => cy.fit(undefined, 40));
  $("graph").addEventListener("keydown", (e) => {
    if (e.key === "+" || e.key === "=") $("zoom-in").click();
    else if (e.key === "-") $("zoom-out").click();
    else if (e.key === "0") $("zoom-fit").click();
  });
  window.addEventListener("popstate", () => {
    readURL();
    syncControls();
    refresh();
  });

  await load();
}

// load asks the server for the vocabulary and draws the view in the URL; a
// failure (no server, or a key needed) leaves the page in the error state,
// from which a pasted key loads again.
async function load() {
  try {
    allTypes = await api.relationshipTypes();
  } catch (err) {
    allTypes = api.RELATIONSHIP_TYPES.map((name) => ({ name, description: "" }));
    renderTypes();
    readURL();
    syncControls();
    fail(err);
    setState("error");
    return;
  }
  renderTypes();
  readURL();
  syncControls();
  await refresh();
  // Path ends from a shared link: show their names once they are known.
  if (view.from && entities.has(view.from)) pathFrom.set(entities.get(view.from));
  if (view.to && entities.has(view.to)) pathTo.set(entities.get(view.to));
  if (!view.from && view.seeds.length && entities.has(view.seeds[0])) pathFrom.set(entities.get(view.seeds[0]));
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
