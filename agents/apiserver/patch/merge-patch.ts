// RFC 7396 JSON Merge Patch (`application/merge-patch+json`): the patch is a partial document.
// Objects merge key by key, `null` deletes a key, and everything else (arrays included) replaces
// what was there. `kubectl label`, `kubectl annotate`, `kubectl scale` and `kubectl patch --type
// merge` send these, e.g. `{"metadata":{"labels":{"tier":null}}}` removes the label `tier`.

import { cloneJson } from '../../api/clone';
import type { Json } from './json-patch';

type JsonMap = { [key: string]: Json };

const isMap = (v: unknown): v is JsonMap => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Returns a new document; neither argument is modified. */
export function mergePatch(target: Json | undefined, patch: Json): Json {
  if (!isMap(patch)) return cloneJson(patch);
  const result: JsonMap = isMap(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}
