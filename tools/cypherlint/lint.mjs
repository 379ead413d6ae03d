#!/usr/bin/env node
// cypherlint checks Cypher statements with Neo4j's own Cypher front end
// (@neo4j-cypher/language-support): syntax, semantic analysis (undefined
// variables, aggregation mistakes, types), undefined parameters, unknown
// labels, relationship types and property keys, and deprecations.
//
// Input (a file named on the command line, or stdin): JSON
//   { "schema": { "labels": [...], "relationshipTypes": [...], "propertyKeys": [...],
//                 "procedures": { name: Neo4jProcedure }, "functions": { name: Neo4jFunction } },
//     "statements": [ { "name": "...", "text": "...", "params": { "name": sampleValue } } ] }
// Output (stdout): JSON { "checked": [names], "diagnostics": [{ statement, severity, message, line, column, excerpt }] }
// Exit status: 0 when there is no diagnostic at all (errors, warnings and
// deprecations all count), 1 otherwise, 2 on bad input.
import { readFileSync } from 'node:fs';
import { lintCypherQuery } from '@neo4j-cypher/language-support';

const severityName = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };

function main() {
  let input;
  try {
    const path = process.argv[2];
    input = JSON.parse(readFileSync(path && path !== '-' ? path : 0, 'utf8'));
  } catch (err) {
    process.stderr.write(`cypherlint: cannot read input: ${err.message}\n`);
    return 2;
  }
  const schema = input.schema ?? {};
  const checked = [];
  const diagnostics = [];
  for (const st of input.statements ?? []) {
    const dbSchema = {
      labels: schema.labels ?? [],
      relationshipTypes: schema.relationshipTypes ?? [],
      propertyKeys: schema.propertyKeys ?? [],
      parameters: st.params ?? {},
      // The server's procedures and functions (SHOW PROCEDURES / SHOW
      // FUNCTIONS), so that a misspelt one is reported.
      ...(schema.procedures ? { procedures: { 'CYPHER 5': schema.procedures } } : {}),
      ...(schema.functions ? { functions: { 'CYPHER 5': schema.functions } } : {}),
    };
    const result = lintCypherQuery(st.text, dbSchema);
    const found = Array.isArray(result) ? result : (result.diagnostics ?? []);
    for (const d of found) {
      const lines = st.text.split('\n');
      const line = d.range?.start?.line ?? 0;
      diagnostics.push({
        statement: st.name,
        severity: severityName[d.severity] ?? String(d.severity),
        message: d.message,
        line: line + 1,
        column: (d.range?.start?.character ?? 0) + 1,
        excerpt: lines[line] ?? '',
      });
    }
    checked.push(st.name);
  }
  process.stdout.write(JSON.stringify({ checked, diagnostics }, null, 2) + '\n');
  for (const d of diagnostics) {
    process.stderr.write(`${d.statement}:${d.line}:${d.column}: ${d.severity}: ${d.message}\n    ${d.excerpt}\n`);
  }
  process.stderr.write(`cypherlint: ${checked.length} statements, ${diagnostics.length} diagnostics\n`);
  return diagnostics.length === 0 ? 0 : 1;
}

process.exitCode = main();
