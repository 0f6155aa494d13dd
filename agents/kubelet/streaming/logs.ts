// GET /containerLogs/<namespace>/<pod>/<container> (upstream: kubelet server.go getContainerLogs,
// PodLogOptions). Options: follow, tailLines, sinceSeconds | sinceTime, timestamps, previous,
// limitBytes. The reply is text/plain, chunked, and stays open while following.

import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { badRequest } from '../../api/errors';
import { containerAttempts, findPod, type StreamTargetSource } from './target';

export interface LogQuery {
  container?: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  /** Unix seconds. */
  since?: number;
  limitBytes?: number;
}

/** PodLogOptions from the query string; malformed values are a 400, as upstream's conversion. */
export function parseLogQuery(q: URLSearchParams, nowMs = Date.now()): LogQuery {
  const bool = (k: string) => q.get(k) === 'true' || q.get(k) === '1';
  const int = (k: string) => {
    const v = q.get(k);
    if (v === null || v === '') return undefined;
    if (!/^-?\d+$/.test(v)) throw badRequest(`invalid value for ${k}: "${v}"`);
    return Number(v);
  };
  const sinceSeconds = int('sinceSeconds');
  const sinceTime = q.get('sinceTime');
  if (sinceSeconds !== undefined && sinceTime)
    throw badRequest('at most one of `sinceTime` or `sinceSeconds` may be specified');
  let since: number | undefined;
  if (sinceSeconds !== undefined) since = Math.floor(nowMs / 1000) - sinceSeconds;
  if (sinceTime) {
    const t = Date.parse(sinceTime);
    if (Number.isNaN(t)) throw badRequest(`invalid value for sinceTime: "${sinceTime}"`);
    since = Math.floor(t / 1000);
  }
  return {
    container: q.get('container') ?? undefined,
    follow: bool('follow'),
    previous: bool('previous'),
    timestamps: bool('timestamps'),
    tailLines: int('tailLines'),
    since,
    limitBytes: int('limitBytes'),
  };
}

export async function serveLogs(
  src: StreamTargetSource,
  namespace: string,
  podName: string,
  q: LogQuery,
  res: ServerResponse,
): Promise<void> {
  const pod = findPod(src, namespace, podName);
  const { name, attempts } = await containerAttempts(src, pod, q.container);
  const target = q.previous ? attempts[1] : attempts[0];
  if (!target) {
    throw badRequest(
      q.previous
        ? `previous terminated container "${name}" in pod "${podName}" not found`
        : `container "${name}" in pod "${podName}" is waiting to start: ContainerCreating`,
    );
  }
  const stream = await src.runtime.logs(target.id, {
    follow: q.follow && !q.previous,
    timestamps: q.timestamps,
    tailLines: q.tailLines,
    since: q.since,
  });
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
  res.on('close', () => stream.destroy());
  await pipeLimited(stream, res, q.limitBytes);
}

function pipeLimited(stream: Readable, res: ServerResponse, limitBytes: number | undefined): Promise<void> {
  return new Promise((resolve) => {
    let left = limitBytes ?? Number.POSITIVE_INFINITY;
    const finish = () => {
      stream.destroy();
      if (!res.writableEnded) res.end();
      resolve();
    };
    stream.on('data', (chunk: Buffer) => {
      const piece = chunk.length > left ? chunk.subarray(0, left) : chunk;
      left -= piece.length;
      if (!res.write(piece)) {
        stream.pause();
        res.once('drain', () => stream.resume());
      }
      if (left <= 0) finish();
    });
    stream.on('end', finish);
    stream.on('close', finish);
    stream.on('error', finish);
  });
}
