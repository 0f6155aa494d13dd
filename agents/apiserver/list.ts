// Lists: selectors, then pages (upstream: registry/generic/registry/store.go List and the
// storage's pagination). Pure over a snapshot of cache entries, so it is tested without etcd.
//
// The continue token is opaque to clients: base64 of {rv, start}, where `start` is the key after
// which the next page begins. Pages are read from the cache's current state, so a long paged list
// can see objects that changed between pages (upstream serves every page at the first page's
// revision from etcd); each item still carries its own resourceVersion.

import { badRequest } from '../api/errors';
import type { ResourceInfo } from '../api/resources';
import {
  type FieldRequirement,
  fieldsOf,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  type Requirement,
  validateFieldSelector,
} from '../api/selectors';
import type { KubeObject } from '../api/types';
import { type CacheEntry, entryJson } from './storage/watch-cache';

export interface Selection {
  labels: Requirement[];
  fields: FieldRequirement[];
  /** From the URL: objects outside it never match. */
  namespace?: string;
}

export type Predicate = (obj: KubeObject) => boolean;

export function selectionFromQuery(r: ResourceInfo, query: URLSearchParams, namespace?: string): Selection {
  const labels = parseLabelSelector(query.get('labelSelector') ?? '');
  const fields = parseFieldSelector(query.get('fieldSelector') ?? '');
  validateFieldSelector(r.resource, fields);
  return { labels, fields, namespace: r.namespaced ? namespace : undefined };
}

export function predicateFor(r: ResourceInfo, sel: Selection): Predicate {
  const { labels, fields, namespace } = sel;
  return (obj) =>
    (namespace === undefined || obj.metadata?.namespace === namespace) &&
    (labels.length === 0 || matchesLabels(labels, obj.metadata?.labels)) &&
    (fields.length === 0 || matchesFields(fields, fieldsOf(r.resource, obj)));
}

interface ContinueToken {
  rv: string;
  start: string;
}

export function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', ...t })).toString('base64url');
}

export function decodeContinue(token: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as ContinueToken;
    if (typeof t.start !== 'string' || typeof t.rv !== 'string') throw new Error('missing fields');
    return t;
  } catch {
    throw badRequest(
      'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  }
}

export interface Page {
  entries: CacheEntry[];
  continueToken?: string;
  remainingItemCount?: number;
}

/** Filter a key-ordered snapshot and cut one page of at most `limit` items (0 = all). */
export function paginate(
  snapshot: CacheEntry[],
  match: Predicate,
  limit: number,
  cont: string | null,
  rv: string,
): Page {
  const start = cont ? decodeContinue(cont).start : undefined;
  const out: CacheEntry[] = [];
  let i = 0;
  if (start !== undefined) {
    while (i < snapshot.length && snapshot[i].key <= start) i++;
  }
  for (; i < snapshot.length; i++) {
    const e = snapshot[i];
    if (!match(e.obj)) continue;
    if (limit > 0 && out.length === limit) {
      const remaining = snapshot.slice(i).filter((x) => match(x.obj)).length;
      return {
        entries: out,
        continueToken: encodeContinue({ rv, start: out[out.length - 1].key }),
        remainingItemCount: remaining,
      };
    }
    out.push(e);
  }
  return { entries: out };
}

/** The list body as text: item JSON is cached per object, so a 10k-item list is mostly joins. */
export function renderList(r: ResourceInfo, apiVersion: string, page: Page, rv: string): string {
  const meta: Record<string, unknown> = { resourceVersion: rv };
  if (page.continueToken) {
    meta.continue = page.continueToken;
    meta.remainingItemCount = page.remainingItemCount;
  }
  const head = JSON.stringify({ kind: `${r.kind}List`, apiVersion, metadata: meta });
  return `${head.slice(0, -1)},"items":[${page.entries.map(entryJson).join(',')}]}`;
}
