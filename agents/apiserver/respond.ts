// Writing answers: JSON bodies, Status errors, and the content negotiation kubectl relies on.
// Every error leaves as a Status with upstream's code and reason (agents/api/errors.ts), so
// kubectl prints `Error from server (<reason>): <message>`. A protobuf Accept is answered in
// JSON: kubectl 1.32+ lists JSON as its fallback, and a 406 would break it.

import type { ServerResponse } from 'node:http';
import { toStatusError } from '../api/errors';

/** A JSON answer; like upstream's json.Encoder, every body ends with a newline. */
export function sendJson(
  res: ServerResponse,
  code: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = `${typeof body === 'string' ? body : JSON.stringify(body)}\n`;
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
    ...headers,
  });
  res.end(text);
}

export function sendText(
  res: ServerResponse,
  code: number,
  text: string,
  contentType = 'text/plain; charset=utf-8',
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Any thrown value → Status JSON; returns the HTTP code (for metrics). */
export function sendError(res: ServerResponse, err: unknown): number {
  const se = toStatusError(err);
  // Upstream's responsewriters turn details.retryAfterSeconds into a Retry-After header.
  const retry = se.status.details?.retryAfterSeconds;
  sendJson(res, se.code, se.status, retry ? { 'Retry-After': String(retry) } : {});
  return se.code;
}

/** `Accept: application/json;as=Table;v=v1;g=meta.k8s.io,…` — kubectl's human-readable get. */
export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const params = part.split(';').map((p) => p.trim());
    return (
      params.includes('as=Table') &&
      (params.includes('g=meta.k8s.io') || !params.some((p) => p.startsWith('g=')))
    );
  });
}
