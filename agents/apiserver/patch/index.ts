// PATCH bodies, by Content-Type (apiserver pkg/endpoints/handlers/patch.go):
//
//   application/json-patch+json            RFC 6902 operations        (kubectl patch --type json, rollout undo)
//   application/merge-patch+json           RFC 7396 partial document  (label, annotate, scale, patch --type merge)
//   application/strategic-merge-patch+json merge patch that knows lists (apply, edit, set image, cordon, patch)
//   application/apply-patch+yaml           server-side apply: not served, 415
//
// applyPatch is pure: it returns the patched copy and never touches `original`. What happens next
// (name/namespace checks, defaulting, validation, resourceVersion preconditions, the write) is the
// registry's job. Errors follow upstream: a body that does not decode, or a JSON patch path that
// does not exist, is 400 BadRequest with the reason; a failed JSON-patch `test` or a strategic
// patch that contradicts its own `$retainKeys` is 422 Invalid with upstream's generic message.

import { cloneJson } from '../../api/clone';
import { badRequest, requestRejected, unsupportedMediaType } from '../../api/errors';
import type { ResourceInfo } from '../../api/resources';
import type { KubeObject } from '../../api/types';
import {
  applyJsonPatch,
  decodeJsonPatch,
  type Json,
  JsonPatchError,
  JsonPatchTestFailed,
} from './json-patch';
import { mergePatch } from './merge-patch';
import { StrategicPatchConflict, strategicMergePatch } from './strategic-merge';

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH = 'application/apply-patch+yaml';

/** The patch types this server accepts, for discovery and 415 messages. */
export const supportedPatchTypes = [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH];

type JsonMap = { [key: string]: Json };

export function applyPatch(
  contentType: string,
  original: KubeObject,
  body: string,
  r: ResourceInfo,
): KubeObject {
  const type = contentType.split(';')[0].trim().toLowerCase();
  if (!supportedPatchTypes.includes(type)) throw unsupportedMediaType(contentType);
  const patch = decodeBody(body);
  const current = cloneJson(original) as JsonMap;
  const patched = run(type, current, patch, r);
  if (typeof patched !== 'object' || patched === null || Array.isArray(patched)) {
    throw badRequest('the patched document is not a JSON object');
  }
  return patched as KubeObject;
}

function run(type: string, current: JsonMap, patch: Json, r: ResourceInfo): Json {
  try {
    if (type === JSON_PATCH)
      return applyJsonPatch(
        current,
        decodeOrBadRequest(() => decodeJsonPatch(patch)),
      );
    if (!isMap(patch))
      throw badRequest(type === MERGE_PATCH ? 'Invalid JSON Patch' : 'the patch must be a JSON object');
    if (type === MERGE_PATCH) return mergePatch(current, patch);
    return strategicMergePatch(current, patch, r.resource);
  } catch (err) {
    if (err instanceof JsonPatchTestFailed || err instanceof StrategicPatchConflict) throw requestRejected();
    if (err instanceof JsonPatchError) throw badRequest(err.message);
    throw err;
  }
}

function decodeBody(body: string): Json {
  try {
    return JSON.parse(body) as Json;
  } catch (err) {
    throw badRequest(`error decoding patch: ${(err as Error).message}`);
  }
}

function decodeOrBadRequest<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw badRequest((err as Error).message);
  }
}

const isMap = (v: unknown): v is JsonMap => typeof v === 'object' && v !== null && !Array.isArray(v);
