"""Reads a GraphML or GEXF file with NetworkX and prints what it found as JSON.

Used by the export tests: python3 nx_check.py graphml|gexf FILE [NODE_ID...]
prints {"nodes": N, "edges": M, "directed": bool, "nodeData": {id: attrs},
"edgeData": [attrs of every edge touching one of the NODE_IDs]}.
"""
import json
import sys

import networkx as nx

kind, path, ids = sys.argv[1], sys.argv[2], sys.argv[3:]
if kind == "graphml":
    g = nx.read_graphml(path)
elif kind == "gexf":
    g = nx.read_gexf(path)  # default arguments: GEXF 1.2draft
else:
    raise SystemExit("unknown kind " + kind)

edges = []
for u, v, data in g.edges(data=True):
    if u in ids or v in ids:
        d = dict(data)
        d["_source"], d["_target"] = u, v
        edges.append(d)
print(json.dumps({
    "nodes": g.number_of_nodes(),
    "edges": g.number_of_edges(),
    "directed": g.is_directed(),
    "nodeData": {i: dict(g.nodes[i]) for i in ids if i in g},
    "edgeData": edges,
}, default=str))
