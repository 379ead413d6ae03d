// How the graph looks: one shape and colour per entity kind (Okabe-Ito
// colours, distinguishable with colour-blindness, and shapes so that colour
// is never the only cue), the Cytoscape stylesheet, and the conversion of API
// entities and relationships to Cytoscape elements.

export const KINDS = {
  PERSON: { label: "Person", shape: "ellipse", color: "#0072B2" },
  ORGANIZATION: { label: "Organization", shape: "round-rectangle", color: "#E69F00" },
  COUNTRY: { label: "Country", shape: "hexagon", color: "#009E73" },
  ALLEGATION: { label: "Allegation", shape: "diamond", color: "#D55E00" },
  EVENT: { label: "Event", shape: "round-triangle", color: "#CC79A7" },
  STATEMENT: { label: "Statement", shape: "round-tag", color: "#56B4E9" },
  ARTICLE: { label: "Article", shape: "rectangle", color: "#7A7A7A" },
  DATASET: { label: "Dataset", shape: "barrel", color: "#F0E442" },
};

export function kindLabel(kind) {
  return (KINDS[kind] && KINDS[kind].label) || kind;
}

// typeLabel turns MEMBER_OF into "member of".
export function typeLabel(type) {
  return type.toLowerCase().replaceAll("_", " ");
}

export function nodeData(e) {
  return {
    id: e.id,
    label: shorten(e.kind === "ARTICLE" && e.title ? e.title : e.name, 34),
    kind: e.kind,
    entity: e,
  };
}

export function edgeData(r) {
  let label = typeLabel(r.type);
  if (r.role) label += ` (${shorten(r.role, 24)})`;
  return {
    id: r.id,
    source: r.from.id,
    target: r.to.id,
    type: r.type,
    label,
    ended: r.until ? "yes" : "no",
    rel: r,
  };
}

function shorten(s, n) {
  return s.length > n ? s.slice(0, n - 1) + "…" : s;
}

export function stylesheet() {
  const s = [
    {
      selector: "node",
      style: {
        label: "data(label)",
        "font-family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
        "font-size": 11,
        color: "#1b1f24",
        "text-valign": "bottom",
        "text-margin-y": 4,
        "text-wrap": "wrap",
        "text-max-width": 120,
        "text-background-color": "#ffffff",
        "text-background-opacity": 0.8,
        "text-background-padding": 2,
        "text-background-shape": "round-rectangle",
        width: 26,
        height: 26,
        "border-width": 2,
        "border-color": "#ffffff",
      },
    },
  ];
  for (const [kind, k] of Object.entries(KINDS)) {
    s.push({ selector: `node[kind = "${kind}"]`, style: { shape: k.shape, "background-color": k.color } });
  }
  s.push(
    { selector: "node[kind = \"ARTICLE\"]", style: { width: 18, height: 22, "font-size": 9, color: "#4a4f55" } },
    { selector: "node.seed", style: { width: 40, height: 40, "border-width": 4, "border-color": "#1b1f24", "font-size": 13, "font-weight": "bold", "z-index": 10 } },
    {
      selector: "edge",
      style: {
        width: 1.6,
        "line-color": "#9aa3ad",
        "target-arrow-color": "#9aa3ad",
        "target-arrow-shape": "triangle",
        "arrow-scale": 0.8,
        "curve-style": "bezier",
        label: "data(label)",
        "font-size": 8,
        color: "#4a4f55",
        "text-rotation": "autorotate",
        "text-background-color": "#ffffff",
        "text-background-opacity": 0.85,
        "text-background-padding": 1,
        "text-opacity": 0,
      },
    },
    { selector: "edge[type = \"MENTIONS\"], edge[type = \"CITES\"], edge[type = \"PUBLISHED_BY\"], edge[type = \"REPORTED_BY\"]", style: { "line-color": "#c9ced4", "target-arrow-color": "#c9ced4", width: 1 } },
    { selector: "edge[type = \"ACCUSED_IN\"], edge[type = \"DENIED\"], edge[type = \"INVOLVED_IN\"]", style: { "line-color": "#D55E00", "target-arrow-color": "#D55E00", width: 2 } },
    { selector: "edge[type = \"MEMBER_OF\"], edge[type = \"LEADS\"], edge[type = \"HOLDS_POSITION\"], edge[type = \"WORKS_FOR\"]", style: { "line-color": "#0072B2", "target-arrow-color": "#0072B2", width: 2 } },
    { selector: "edge[ended = \"yes\"]", style: { "line-style": "dashed" } },
    { selector: "node.seed, edge.near-seed", style: { "text-opacity": 1 } },
    { selector: "edge.near-seed", style: { "text-opacity": 1 } },
    { selector: "edge:selected, edge.hover", style: { "text-opacity": 1, width: 4, "line-color": "#1b1f24", "target-arrow-color": "#1b1f24", "z-index": 20 } },
    { selector: "node:selected", style: { "border-color": "#FFB000", "border-width": 5 } },
    { selector: ".faded", style: { opacity: 0.18, "text-opacity": 0 } },
    { selector: "node.path", style: { "border-color": "#FFB000", "border-width": 5, "text-opacity": 1, opacity: 1, "z-index": 30 } },
    { selector: "edge.path", style: { "line-color": "#FFB000", "target-arrow-color": "#FFB000", width: 5, "text-opacity": 1, opacity: 1, "z-index": 30 } },
    { selector: "node.fresh", style: { "border-color": "#009E73" } },
  );
  return s;
}

const SVG = "http://www.w3.org/2000/svg";

// legendSymbol draws a kind's shape, so the legend matches the graph.
export function legendSymbol(kind) {
  const k = KINDS[kind];
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 20 20");
  svg.setAttribute("width", "16");
  svg.setAttribute("height", "16");
  svg.setAttribute("aria-hidden", "true");
  let el;
  switch (k.shape) {
    case "ellipse":
      el = document.createElementNS(SVG, "circle");
      el.setAttribute("cx", "10"); el.setAttribute("cy", "10"); el.setAttribute("r", "8");
      break;
    case "round-rectangle":
      el = document.createElementNS(SVG, "rect");
      el.setAttribute("x", "2"); el.setAttribute("y", "3"); el.setAttribute("width", "16"); el.setAttribute("height", "14"); el.setAttribute("rx", "4");
      break;
    case "rectangle":
      el = document.createElementNS(SVG, "rect");
      el.setAttribute("x", "4"); el.setAttribute("y", "2"); el.setAttribute("width", "12"); el.setAttribute("height", "16");
      break;
    case "barrel":
      el = document.createElementNS(SVG, "rect");
      el.setAttribute("x", "3"); el.setAttribute("y", "2"); el.setAttribute("width", "14"); el.setAttribute("height", "16"); el.setAttribute("rx", "7"); el.setAttribute("ry", "3");
      break;
    default: {
      const pts = {
        hexagon: "10,1 18,5.5 18,14.5 10,19 2,14.5 2,5.5",
        diamond: "10,1 19,10 10,19 1,10",
        "round-triangle": "10,2 19,18 1,18",
        "round-tag": "2,3 13,3 19,10 13,17 2,17",
      }[k.shape];
      el = document.createElementNS(SVG, "polygon");
      el.setAttribute("points", pts);
    }
  }
  el.setAttribute("fill", k.color);
  svg.append(el);
  return svg;
}
