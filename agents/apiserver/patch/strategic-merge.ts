// Strategic merge patch (`application/strategic-merge-patch+json`), the apiserver side of
// apimachinery pkg/util/strategicpatch (patch.go, `mergeMap` / `mergeSlice`).
//
// It is a JSON merge patch that knows lists: where merge-keys.ts says a list merges by a key,
// a patch item updates the original item with the same key instead of replacing the list. kubectl
// sends it for `apply`, `edit`, `set image`, `rollout pause`, `cordon` and plain `patch`. Beyond
// merge-patch semantics (`null` deletes a key), it has directives:
//
//   {"$patch": "replace"}            in a map: use this map as is; as a list item: replace the list
//   {"$patch": "delete"}             in a map: empty it; in a keyed list item: drop that item
//   {"$retainKeys": ["type"]}        drop every original key not listed, then merge
//   {"$setElementOrder/containers": [{"name":"b"},{"name":"a"}]}   order the merged list like this
//   {"$deleteFromPrimitiveList/finalizers": ["x"]}                  remove scalars from a list
//
// kubectl apply's three-way patch for a deployment whose strategy changed looks like
//   {"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":null,"type":"Recreate"},
//    "template":{"spec":{"$setElementOrder/containers":[{"name":"web"}],
//                        "containers":[{"image":"nginx:1.27","name":"web"}]}}}}

import { badRequest } from '../../api/errors';
import { deepEqual, type Json } from './json-patch';
import { type ListStrategy, listStrategy } from './merge-keys';

type JsonMap = { [key: string]: Json };

const PATCH = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER = '$setElementOrder/';
const DELETE_FROM_LIST = '$deleteFromPrimitiveList/';

/** A patch the directives make impossible to apply in a way upstream answers with 422. */
export class StrategicPatchConflict extends Error {}

interface Where {
  resource: string;
  /** Field path from the object root, `[]` after lists: `spec.template.spec.containers[]`. */
  path: string;
}

const isMap = (v: unknown): v is JsonMap => typeof v === 'object' && v !== null && !Array.isArray(v);
const field = (w: Where, key: string): Where => ({ ...w, path: w.path ? `${w.path}.${key}` : key });
const items = (w: Where): Where => ({ ...w, path: `${w.path}[]` });

/** Apply `patch` to `original` for an object of `resource`; returns a new map. */
export function strategicMergePatch(original: JsonMap, patch: JsonMap, resource: string): JsonMap {
  return mergeMap(original, patch, { resource, path: '' });
}

/** Merge one map: directives first, then each key, then any requested list order. */
function mergeMap(original: JsonMap, patch: JsonMap, where: Where): JsonMap {
  if (PATCH in patch) return mapDirective(original, patch, where);
  const result: JsonMap = { ...original };
  if (RETAIN_KEYS in patch) retainKeys(result, patch);
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(DELETE_FROM_LIST))
      deleteFromPrimitiveList(result, key.slice(DELETE_FROM_LIST.length), value);
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) {
      checkDirective(key);
    } else if (value === null) {
      delete result[key];
    } else {
      result[key] = mergeValue(result[key], value, field(where, key));
    }
  }
  for (const [key, value] of Object.entries(patch)) {
    if (!key.startsWith(SET_ORDER)) continue;
    const name = key.slice(SET_ORDER.length);
    const strategy = listStrategy(where.resource, field(where, name).path);
    const list = result[name];
    if (!Array.isArray(value)) throw badRequest('invalid patch format of setElementOrder list');
    if (strategy && Array.isArray(list)) result[name] = orderList(list, value, strategy);
  }
  return result;
}

function checkDirective(key: string): void {
  const known = key === RETAIN_KEYS || key.startsWith(SET_ORDER) || key.startsWith(DELETE_FROM_LIST);
  if (!known) throw badRequest(`unknown strategic merge patch directive: ${key}`);
}

/** `$patch` inside a map: replace keeps the patch alone, delete empties the map. */
function mapDirective(original: JsonMap, patch: JsonMap, where: Where): JsonMap {
  const { [PATCH]: directive, ...rest } = patch;
  switch (directive) {
    case 'replace':
      return mergeMap({}, rest, where);
    case 'delete':
      return {};
    case 'merge':
      return mergeMap(original, rest, where);
    default:
      throw badRequest(`unknown patch type: ${JSON.stringify(directive)} in map: ${JSON.stringify(patch)}`);
  }
}

/**
 * `$retainKeys`: keep only the listed keys of the original (a union type such as
 * deployment.spec.strategy switching from RollingUpdate to Recreate). Every non-null key the
 * patch sets must be in the list.
 */
function retainKeys(result: JsonMap, patch: JsonMap): void {
  const keep = patch[RETAIN_KEYS];
  if (!Array.isArray(keep) || !keep.every((k) => typeof k === 'string'))
    throw badRequest('invalid patch format of retainKeys');
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$') || value === null) continue;
    if (!keep.includes(key)) throw new StrategicPatchConflict("patch content doesn't match retainKeys list");
  }
  for (const key of Object.keys(result)) if (!keep.includes(key)) delete result[key];
}

function deleteFromPrimitiveList(result: JsonMap, name: string, values: Json): void {
  if (!Array.isArray(values)) throw badRequest('invalid patch format of primitive list');
  const list = result[name];
  if (Array.isArray(list)) result[name] = list.filter((v) => !values.some((d) => deepEqual(d, v)));
}

/** A value at one key: maps and lists merge (into an empty one when absent); scalars replace. */
function mergeValue(original: Json | undefined, patch: Json, where: Where): Json {
  if (Array.isArray(patch)) return mergeList(Array.isArray(original) ? original : [], patch, where);
  if (isMap(patch)) return mergeMap(isMap(original) ? original : {}, patch, where);
  return patch;
}

function mergeList(original: Json[], patch: Json[], where: Where): Json[] {
  const strategy = listStrategy(where.resource, where.path);
  // Atomic lists are replaced, but their items still lose nulls and directives.
  if (!strategy) return patch.map((item) => mergeValue(undefined, item, items(where)));
  if (strategy.type === 'set') {
    const out = [...original];
    for (const v of patch) if (!isMap(v) && !out.some((o) => deepEqual(o, v))) out.push(v);
    return out;
  }
  return mergeKeyedList(original, patch, strategy.key, items(where));
}

/** Lists of maps merged by `key` (containers by name, ports by containerPort, …). */
function mergeKeyedList(original: Json[], patch: Json[], key: string, where: Where): Json[] {
  if (patch.some((p) => isMap(p) && p[PATCH] === 'replace')) {
    return patch.filter((p) => !(isMap(p) && PATCH in p)).map((p) => mergeValue(undefined, p, where));
  }
  const result = [...original];
  for (const item of patch) {
    if (!isMap(item) || item[key] === undefined) {
      throw badRequest(`map: ${JSON.stringify(item)} does not contain declared merge key: ${key}`);
    }
    const same = (o: Json) => isMap(o) && deepEqual(o[key], item[key]);
    const i = result.findIndex(same);
    if (item[PATCH] === 'delete') {
      for (let j = result.length - 1; j >= 0; j--) if (same(result[j])) result.splice(j, 1);
    } else if (i >= 0) {
      result[i] = mergeMap(result[i] as JsonMap, item, where);
    } else {
      result.push(mergeMap({}, item, where));
    }
  }
  return result;
}

/**
 * `$setElementOrder/<list>`: items the order names come in that order; items it does not name
 * (added by the server or another client) stay after the item they followed before.
 */
function orderList(merged: Json[], order: Json[], strategy: ListStrategy): Json[] {
  const identity = (v: Json): Json => (strategy.type === 'merge' && isMap(v) ? (v[strategy.key] ?? null) : v);
  const wanted = order.map(identity);
  const named = (v: Json) => wanted.some((w) => deepEqual(w, identity(v)));
  const result: Json[] = [];
  for (const w of wanted) {
    const found = merged.find((m) => deepEqual(identity(m), w));
    if (found !== undefined && !result.includes(found)) result.push(found);
  }
  let front = 0;
  merged.forEach((item, i) => {
    if (named(item)) return;
    const before = merged
      .slice(0, i)
      .reverse()
      .find((m) => result.includes(m));
    if (before === undefined) result.splice(front++, 0, item);
    else result.splice(result.indexOf(before) + 1, 0, item);
  });
  return result;
}
