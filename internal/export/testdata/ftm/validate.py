#!/usr/bin/env python3
"""Checks a FollowTheMoney JSON-lines file with the followthemoney library.

Every line must load as an entity proxy of the model (strict: values are
re-validated, model.get_proxy(data, cleaned=False)) and validate: its schema
exists and is not abstract, every property exists in the schema, every value
is valid for the property's type (Property.validate) and survives cleaning,
required properties are set (Schema.validate and the schema's required
list), ids are unique, and entity references point at entities of the file
whose schema the property's range accepts.

Usage: python3 validate.py FILE. Prints {"entities": N, "schemata": {...},
"version": V} on success, the problems (exit 1) otherwise.
"""
import json
import sys

import followthemoney
from followthemoney import model
from followthemoney.exc import InvalidData
from followthemoney.types import registry


def check(path):
    problems = []
    proxies = []
    schemata = {}
    ids = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                data = json.loads(line)
            except ValueError as e:
                problems.append(f"line {n}: not JSON: {e}")
                continue
            where = f"line {n} {data.get('id')!r} ({data.get('schema')})"
            schema = model.get(data.get("schema") or "")
            if schema is None:
                problems.append(f"{where}: no such schema in the model")
                continue
            if schema.abstract:
                problems.append(f"{where}: the schema is abstract")
            if not isinstance(data.get("id"), str) or not data["id"]:
                problems.append(f"{where}: no id")
                continue
            if not registry.entity.validate(data["id"]):
                problems.append(f"{where}: the id is not an FtM entity id")
            if data["id"] in ids:
                problems.append(f"{where}: id also used on line {ids[data['id']]}")
            ids[data["id"]] = n
            props = data.get("properties")
            if not isinstance(props, dict):
                problems.append(f"{where}: properties is not an object")
                continue
            for name, values in props.items():
                prop = schema.get(name)
                if prop is None:
                    problems.append(f"{where}: no property {name!r} in {schema.name}")
                    continue
                if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
                    problems.append(f"{where}.{name}: not a non-empty list of strings")
                    continue
                err = prop.validate(values)
                if err is not None:
                    problems.append(f"{where}.{name}: {err}")
            for name in schema.required:
                if not props.get(name):
                    problems.append(f"{where}: required property {name!r} missing")
            try:
                schema.validate(data)
                proxy = model.get_proxy(data, cleaned=False)
            except InvalidData as e:
                problems.append(f"{where}: {e} {getattr(e, 'errors', '')}")
                continue
            for name, values in props.items():
                prop = schema.get(name)
                if prop is None or not isinstance(values, list):
                    continue
                kept = set(proxy.get(name))
                for v in values:
                    if isinstance(v, str) and prop.type.clean(v, proxy=proxy) not in kept:
                        problems.append(f"{where}.{name}: {v!r} does not survive cleaning")
            proxies.append(proxy)
            schemata[schema.name] = schemata.get(schema.name, 0) + 1
    byid = {p.id: p for p in proxies}
    for p in proxies:
        for prop, value in p.itervalues():
            if prop.type != registry.entity:
                continue
            target = byid.get(value)
            if target is None:
                problems.append(f"{p.id!r} ({p.schema.name}).{prop.name}: {value!r} is not an entity of the file")
            elif prop.range is not None and not target.schema.is_a(prop.range):
                problems.append(f"{p.id!r} ({p.schema.name}).{prop.name}: {value!r} is a {target.schema.name}, the range is {prop.range.name}")
    return problems, {"entities": len(proxies), "schemata": schemata, "version": followthemoney.__version__}


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    problems, summary = check(sys.argv[1])
    if problems:
        print("\n".join(problems[:100]), file=sys.stderr)
        if len(problems) > 100:
            print(f"... and {len(problems) - 100} more", file=sys.stderr)
        return 1
    print(json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
