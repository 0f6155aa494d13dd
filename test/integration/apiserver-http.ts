// Small HTTP helpers for the apiserver integration tests: JSON in, JSON (or text) out, and a
// watch reader that collects events from a chunked stream until stopped.
export interface Reply {
  status: number;
  body: any;
  text: string;
}

export function api(base: string) {
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
    headers: Record<string, string> = {},
  ): Promise<Reply> => {
    const res = await fetch(base + path, {
      method,
      headers: { 'content-type': contentType, ...headers },
      body:
        body === undefined
          ? undefined
          : typeof body === 'string' || body instanceof Uint8Array
            ? (body as string)
            : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, text };
  };
  return {
    get: (p: string, headers?: Record<string, string>) =>
      call('GET', p, undefined, 'application/json', headers),
    post: (p: string, b: unknown, ct?: string) => call('POST', p, b, ct),
    put: (p: string, b: unknown, ct?: string) => call('PUT', p, b, ct),
    patch: (p: string, b: unknown, ct = 'application/merge-patch+json') => call('PATCH', p, b, ct),
    del: (p: string, b?: unknown) => call('DELETE', p, b),
  };
}

export interface WatchEventSeen {
  type: string;
  object: any;
}

export interface Watching {
  events: WatchEventSeen[];
  /** Resolves when the server ends the stream (or it fails). */
  ended: Promise<void>;
  stop(): void;
}

export function watch(base: string, path: string, headers: Record<string, string> = {}): Watching {
  const ac = new AbortController();
  const events: WatchEventSeen[] = [];
  const ended = (async () => {
    try {
      const res = await fetch(base + path, { signal: ac.signal, headers });
      if (!res.body) return;
      const decoder = new TextDecoder();
      let buf = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let i = buf.indexOf('\n');
        while (i >= 0) {
          const line = buf.slice(0, i).trim();
          buf = buf.slice(i + 1);
          if (line) events.push(JSON.parse(line));
          i = buf.indexOf('\n');
        }
      }
    } catch {
      // aborted, or the server went away
    }
  })();
  return { events, ended, stop: () => ac.abort() };
}

export const configMap = (
  name: string,
  data: Record<string, string> = {},
  labels?: Record<string, string>,
) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(labels ? { labels } : {}) },
  data,
});

export const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'c', image: 'busybox:1.36' }], ...extra },
});
