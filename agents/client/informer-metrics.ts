// What an informer's loop does, as counters a component registers once and hands to each of its
// informers (the `resource` label tells them apart). A relist storm or a watch that keeps failing
// shows up on /metrics, not only in the logs (reflector metrics upstream: lists, watches).

import type { Registry } from '../api/metrics';

export function createInformerMetrics(registry: Registry) {
  return {
    lists: registry.counter(
      'informer_lists_total',
      'Lists an informer made (the first and every relist), by resource.',
      ['resource'],
    ),
    watches: registry.counter('informer_watches_total', 'Watches an informer opened, by resource.', [
      'resource',
    ]),
    relists: registry.counter(
      'informer_relists_total',
      'Relists forced by an expired (410) resourceVersion, by resource.',
      ['resource'],
    ),
    failures: registry.counter(
      'informer_failures_total',
      'Failed lists or watches that were retried with back-off, by resource.',
      ['resource'],
    ),
  };
}

export type InformerMetrics = ReturnType<typeof createInformerMetrics>;
