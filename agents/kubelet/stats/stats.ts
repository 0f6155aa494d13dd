// The kubelet's resource metrics routes (issue 11), answered from the sampler's last round:
//
//   GET /stats/summary      Summary JSON (summary.ts)
//   GET /metrics/resource   Prometheus text (resource-metrics.ts), what the apiserver collects
//
// The real kubelet (server.ts) and the hollow kubelet endpoint serve these same two functions.

import type { ServerResponse } from 'node:http';
import type { Pod } from 'kubernetes-types/core/v1';
import { METRICS_CONTENT_TYPE } from '../../api/metrics';
import { renderResourceMetrics } from './resource-metrics';
import { buildSummary } from './summary';
import type { StatsSnapshot } from './types';

export const STATS_PATHS = new Set(['/stats/summary', '/stats/summary/', '/metrics/resource']);

export interface StatsSource {
  snapshot(): StatsSnapshot;
  /** The pods the kubelet knows, for their uids and start times. */
  pods(): Pod[];
}

/** Answer one of STATS_PATHS. */
export function serveStats(path: string, src: StatsSource, res: ServerResponse): void {
  if (path === '/metrics/resource') {
    const text = renderResourceMetrics(src.snapshot());
    res.writeHead(200, { 'Content-Type': METRICS_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
    return;
  }
  const body = JSON.stringify(buildSummary(src.snapshot(), src.pods()));
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
