// RFC 6902 JSON Patch (`application/json-patch+json`), as the apiserver applies it through
// evanphx/json-patch: an ordered list of add/remove/replace/move/copy/test operations addressed by
// RFC 6901 pointers (`/spec/template/spec/containers/0/image`, `~1` for `/`, `~0` for `~`).
//
// `kubectl rollout undo` sends one (replace /spec/template and /metadata/annotations); so does
// `kubectl patch --type json`. The patch applies all-or-nothing: operations run on a private copy,
// and the first failure throws. As upstream (apiserver patch.go interpretJSONPatchError, PR
// #68838), a failed `test` is 422 and every other failure (missing path, bad index) is 400.

import { cloneJson } from '../../api/clone';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Operation {
  op: string;
  path: string;
  value?: Json;
  from?: string;
}

/** An operation that does not apply to this document (a missing path, a bad index, …): 400. */
export class JsonPatchError extends Error {}

/** A `test` operation that found a different value: the one failure upstream answers with 422. */
export class JsonPatchTestFailed extends JsonPatchError {}

/** Check the body's shape: an array of objects each with string `op` and `path`. */
export function decodeJsonPatch(body: unknown): Operation[] {
  if (!Array.isArray(body))
    throw new TypeError('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  return body.map((op, i) => {
    if (typeof op !== 'object' || op === null || Array.isArray(op))
      throw new TypeError(`operation ${i} is not an object`);
    const o = op as Record<string, unknown>;
    if (typeof o.op !== 'string') throw new TypeError(`operation ${i}: missing "op"`);
    if (typeof o.path !== 'string') throw new TypeError(`operation ${i}: missing "path"`);
    return o as unknown as Operation;
  });
}

/** Apply every operation in order to a copy of `doc`; `doc` itself is never touched. */
export function applyJsonPatch(doc: Json, ops: Operation[]): Json {
  // The document sits in a one-slot box so that operations on "" (the root) need no special path.
  const box: { [key: string]: Json } = { root: cloneJson(doc) };
  for (const op of ops) applyOperation(box, op);
  return box.root;
}

function applyOperation(box: Record<string, Json>, op: Operation): void {
  try {
    runOperation(box, op);
  } catch (err) {
    // evanphx/json-patch names the operation in path errors: "add operation does not apply: …".
    if (err instanceof JsonPatchError && err.message.startsWith('doc is missing')) {
      throw new JsonPatchError(`${op.op} operation does not apply: ${err.message}`);
    }
    throw err;
  }
}

function runOperation(box: Record<string, Json>, op: Operation): void {
  const path = pointer(op.path);
  switch (op.op) {
    case 'add':
      add(box, path, opValue(op), op.path);
      return;
    case 'remove':
      remove(box, path, op.path);
      return;
    case 'replace':
      if (!exists(box, path))
        throw new JsonPatchError(
          `replace operation does not apply: doc is missing key: ${op.path}: missing value`,
        );
      set(box, path, opValue(op));
      return;
    case 'move': {
      const from = pointer(requireFrom(op));
      if (op.path.startsWith(`${op.from}/`))
        throw new JsonPatchError(
          `move operation does not apply: "from" ${op.from} is a parent of "path" ${op.path}`,
        );
      const value = get(box, from, op.from as string);
      remove(box, from, op.from as string);
      add(box, path, value, op.path);
      return;
    }
    case 'copy': {
      const from = pointer(requireFrom(op));
      add(box, path, cloneJson(get(box, from, op.from as string)), op.path);
      return;
    }
    case 'test': {
      const have = exists(box, path) ? get(box, path, op.path) : undefined;
      if (!deepEqual(have, op.value))
        throw new JsonPatchTestFailed(`testing value ${op.path} failed: test failed`);
      return;
    }
    default:
      throw new JsonPatchError(`Unexpected kind: ${op.op}`);
  }
}

function opValue(op: Operation): Json {
  if (!('value' in op)) throw new JsonPatchError(`${op.op} operation does not apply: missing value`);
  return cloneJson(op.value as Json);
}

function requireFrom(op: Operation): string {
  if (typeof op.from !== 'string')
    throw new JsonPatchError(`${op.op} operation does not apply: missing "from"`);
  return op.from;
}

/** RFC 6901: `""` is the whole document; `/a~1b/0` is key `a/b`, then index 0. */
function pointer(text: string): string[] {
  if (text === '') return ['root'];
  if (!text.startsWith('/')) throw new JsonPatchError(`invalid JSON pointer: ${JSON.stringify(text)}`);
  const tokens = text
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
  return ['root', ...tokens];
}

type Container = Json[] | { [key: string]: Json };

const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null;

function arrayIndex(list: Json[], token: string, allowEnd: boolean): number {
  if (allowEnd && token === '-') return list.length;
  const max = allowEnd ? list.length : list.length - 1;
  if (!/^(0|[1-9]\d*)$/.test(token) || Number(token) > max) {
    throw new JsonPatchError(`Unable to access invalid index: ${token}: invalid index referenced`);
  }
  return Number(token);
}

/** The container holding the last token, or a JsonPatchError when the path to it is missing. */
function parentOf(box: Container, path: string[], text: string): Container {
  let node: Json = box as Json;
  for (const token of path.slice(0, -1)) {
    const next: Json | undefined = !isContainer(node)
      ? undefined
      : Array.isArray(node)
        ? /^(0|[1-9]\d*)$/.test(token)
          ? node[Number(token)]
          : undefined
        : Object.hasOwn(node, token)
          ? node[token]
          : undefined;
    if (next === undefined)
      throw new JsonPatchError(`doc is missing path: ${JSON.stringify(text)}: missing value`);
    node = next;
  }
  if (!isContainer(node))
    throw new JsonPatchError(`doc is missing path: ${JSON.stringify(text)}: missing value`);
  return node;
}

function exists(box: Container, path: string[]): boolean {
  try {
    const parent = parentOf(box, path, '');
    const last = path[path.length - 1];
    if (Array.isArray(parent)) return /^(0|[1-9]\d*)$/.test(last) && Number(last) < parent.length;
    return Object.hasOwn(parent, last);
  } catch {
    return false;
  }
}

function get(box: Container, path: string[], text: string): Json {
  if (!exists(box, path)) throw new JsonPatchError(`doc is missing from path: ${text}: missing value`);
  const parent = parentOf(box, path, text);
  const last = path[path.length - 1];
  return Array.isArray(parent) ? parent[Number(last)] : parent[last];
}

function set(box: Container, path: string[], value: Json): void {
  const parent = parentOf(box, path, '');
  const last = path[path.length - 1];
  if (Array.isArray(parent)) parent[Number(last)] = value;
  else parent[last] = value;
}

function add(box: Container, path: string[], value: Json, text: string): void {
  const parent = parentOf(box, path, text);
  const last = path[path.length - 1];
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, true), 0, value);
  else parent[last] = value;
}

function remove(box: Container, path: string[], text: string): void {
  if (path.length === 1)
    throw new JsonPatchError('remove operation does not apply: cannot remove the whole document');
  if (!exists(box, path))
    throw new JsonPatchError(`Unable to remove nonexistent key: ${text}: missing value`);
  const parent = parentOf(box, path, text);
  const last = path[path.length - 1];
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete parent[last];
}

/** Structural equality for `test`: same type, same keys, same order in arrays. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!isContainer(a) || !isContainer(b) || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a))
    return a.length === (b as Json[]).length && a.every((v, i) => deepEqual(v, (b as Json[])[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every(
      (k) => Object.hasOwn(b, k) && deepEqual((a as Record<string, Json>)[k], (b as Record<string, Json>)[k]),
    )
  );
}
