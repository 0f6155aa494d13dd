// --max-requests-inflight and --max-mutating-requests-inflight (upstream:
// apiserver/pkg/server/filters/maxinflight.go): at most N reads and M writes are served at once;
// the next one is answered 429 TooManyRequests with `Retry-After: 1`, which client-go and kubectl
// honour by retrying. Long-running requests (watches, logs, exec/attach/portforward, proxy) and the
// health endpoints are not counted, so a full server still reports itself alive. 0 = no limit.

import type { RequestInfo } from '../request-info';
import { isLongRunning } from './long-running';

export interface InflightLimits {
  readOnly: number;
  mutating: number;
}

const EXEMPT_PATHS = new Set(['/healthz', '/livez', '/readyz', '/metrics']);

export type InflightClass = 'readonly' | 'mutating' | 'exempt';

/** Pure: which limit a request counts against. */
export function inflightClass(info: RequestInfo | undefined, method: string): InflightClass {
  if (!info) return 'exempt';
  if (info.kind !== 'resource') {
    if (EXEMPT_PATHS.has(info.path.split('/').slice(0, 2).join('/'))) return 'exempt';
    return method === 'GET' || method === 'HEAD' ? 'readonly' : 'mutating';
  }
  if (isLongRunning(info)) return 'exempt';
  return info.verb === 'get' || info.verb === 'list' ? 'readonly' : 'mutating';
}

export class MaxInflight {
  private readonly inUse = { readonly: 0, mutating: 0 };
  constructor(private readonly limits: InflightLimits) {}

  /** A release function when admitted (call it once the response ends), undefined when full. */
  admit(c: InflightClass): (() => void) | undefined {
    if (c === 'exempt') return () => {};
    const limit = c === 'readonly' ? this.limits.readOnly : this.limits.mutating;
    if (limit > 0 && this.inUse[c] >= limit) return undefined;
    this.inUse[c]++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inUse[c]--;
    };
  }

  get current(): Readonly<Record<'readonly' | 'mutating', number>> {
    return this.inUse;
  }
}
