// Which requests are long-running (upstream: the apiserver's LongRunningRequestCheck, built from
// the `watch` verb and the streaming subresources): the request timeout does not cut them off and
// the in-flight limits do not count them. A watch ends by its own timeoutSeconds instead.

import type { RequestInfo } from '../request-info';

const STREAMING_SUBRESOURCES = new Set(['log', 'exec', 'attach', 'portforward', 'proxy']);

export function isLongRunning(info: RequestInfo | undefined): boolean {
  if (info?.kind !== 'resource') return false;
  return info.verb === 'watch' || (!!info.subresource && STREAMING_SUBRESOURCES.has(info.subresource));
}
