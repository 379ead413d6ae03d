// Checks a FollowTheMoney JSON-lines file against the FtM model shipped by
// @alephdata/followthemoney: every entity's schema exists and is not
// abstract, every property exists in the schema (or a parent), values have
// the property type's form, entity references point at emitted entities of
// a schema the property's range accepts, and required properties are set.
// Usage: node check.js FILE. Prints {"entities":N,"schemata":{...}} or the
// problems (exit 1).
'use strict';
const fs = require('fs');
const model = require('@alephdata/followthemoney/dist/defaultModel.json');

const schemata = model.schemata;
function props(name) {
  const s = schemata[name];
  let p = {};
  for (const parent of s.extends || []) p = { ...p, ...props(parent) };
  return { ...p, ...(s.properties || {}) };
}
function isA(name, ancestor) {
  if (name === ancestor) return true;
  return (schemata[name].extends || []).some((p) => isA(p, ancestor));
}
function required(name) {
  const s = schemata[name];
  let r = [...(s.required || [])];
  for (const parent of s.extends || []) r = r.concat(required(parent));
  return r;
}

const checks = {
  date: (v) => /^\d{4}(-\d{2}(-\d{2}(T[\d:.]+Z?)?)?)?$/.test(v),
  url: (v) => /^https?:\/\/\S+$/.test(v),
  country: (v) => v in model.types.country.values,
  topic: (v) => v in model.types.topic.values,
  identifier: (v) => v.length > 0 && v.length <= (model.types.identifier.maxLength || 64),
  name: (v) => v.trim().length > 0,
};

const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter((l) => l.length > 0);
const entities = lines.map((l, i) => {
  try { return JSON.parse(l); } catch (e) { throw new Error(`line ${i + 1}: ${e.message}`); }
});
const byId = new Map();
const problems = [];
for (const e of entities) {
  if (byId.has(e.id)) problems.push(`${e.id}: id emitted twice`);
  byId.set(e.id, e);
}
const counts = {};
for (const e of entities) {
  const where = `${e.id} (${e.schema})`;
  const s = schemata[e.schema];
  if (!s) { problems.push(`${where}: no schema ${e.schema} in the model`); continue; }
  if (s.abstract) problems.push(`${where}: schema is abstract`);
  counts[e.schema] = (counts[e.schema] || 0) + 1;
  const p = props(e.schema);
  for (const r of required(e.schema)) {
    if (!(e.properties[r] || []).length) problems.push(`${where}: required property ${r} missing`);
  }
  for (const [name, values] of Object.entries(e.properties)) {
    const prop = p[name];
    if (!prop) { problems.push(`${where}: no property ${name} in ${e.schema}`); continue; }
    if (!Array.isArray(values) || values.length === 0) { problems.push(`${where}.${name}: not a non-empty list`); continue; }
    for (const v of values) {
      if (typeof v !== 'string') { problems.push(`${where}.${name}: ${JSON.stringify(v)} is not a string`); continue; }
      if (prop.type === 'entity') {
        const target = byId.get(v);
        if (!target) problems.push(`${where}.${name}: ${v} is not an emitted entity`);
        else if (prop.range && schemata[target.schema] && !isA(target.schema, prop.range)) {
          problems.push(`${where}.${name}: ${v} is a ${target.schema}, the range is ${prop.range}`);
        }
      } else if (checks[prop.type] && !checks[prop.type](v)) {
        problems.push(`${where}.${name}: ${JSON.stringify(v)} is not a valid ${prop.type}`);
      }
    }
  }
}
if (problems.length) {
  console.error(problems.slice(0, 50).join('\n'));
  process.exit(1);
}
console.log(JSON.stringify({ entities: entities.length, schemata: counts }));
