// The I/O half of kubeconfig.ts: read the kubeconfig and the files it names, and hand createClient
// a connection — base URL, TLS material, and a bearer token that follows a rotated token file.
//
//   const conn = await loadConnection(flags, { fallbackServer: 'http://127.0.0.1:8080' });
//   const client = createClient({ ...conn, userAgent: 'nodekube-proxy/0.1' });
//
// Every failure is a KubeconfigError with one line naming the file and the field that named it,
// so an agent started with a broken kubeconfig exits non-zero saying what to fix.

import { readFile } from 'node:fs/promises';
import {
  type ClientConfig,
  type ConnectionFlags,
  KubeconfigError,
  resolveClientConfig,
  type Source,
} from './kubeconfig';

/** PEM text for an `https:` server; plain `http:` ignores it. */
export interface TlsMaterial {
  ca?: string;
  cert?: string;
  key?: string;
  insecureSkipTlsVerify?: boolean;
}

export interface Connection {
  baseUrl: string;
  tls?: TlsMaterial;
  /** Asked before each request; a file token is re-read at most once a minute. */
  bearerToken?: () => Promise<string>;
  /** Where the settings came from (`kubeconfig "/etc/kubernetes/kubelet.conf"`), for the start-up log. */
  origin: string;
}

export interface LoadOptions {
  env?: Record<string, string | undefined>;
  /** The server when no flag and no pod environment names one (today's http://127.0.0.1:8080). */
  fallbackServer?: string;
  readText?: (path: string) => Promise<string>;
  nowMs?: () => number;
  /** Told when a rotated token file could not be read again (the last token stays in use). */
  onTokenError?: (err: Error) => void;
}

/** Where agents on the master found the apiserver before kubeconfigs: its insecure port. */
export const DEFAULT_MASTER = 'http://127.0.0.1:8080';

/** client-go re-reads a token file when its copy is a minute old (cachingTokenSource). */
export const TOKEN_FILE_MAX_AGE_MS = 60_000;

export async function loadConnection(flags: ConnectionFlags, o: LoadOptions = {}): Promise<Connection> {
  const read = o.readText ?? ((path: string) => readFile(path, 'utf8'));
  let kubeconfigText: string | undefined;
  if (flags.kubeconfig) {
    try {
      kubeconfigText = await read(flags.kubeconfig);
    } catch (err) {
      throw new KubeconfigError(`kubeconfig "${flags.kubeconfig}": ${readFailure(err)}`);
    }
  }
  const config = resolveClientConfig({
    flags,
    kubeconfigText,
    env: o.env ?? process.env,
    fallbackServer: o.fallbackServer,
  });
  return connectionFrom(config, read, o);
}

export async function connectionFrom(
  config: ClientConfig,
  read: (path: string) => Promise<string>,
  o: Pick<LoadOptions, 'nowMs' | 'onTokenError'> = {},
): Promise<Connection> {
  const load = async (s: Source | undefined): Promise<string | undefined> => {
    if (!s) return undefined;
    if ('data' in s) return s.data;
    try {
      return await read(s.file);
    } catch (err) {
      throw new KubeconfigError(`${config.origin}: ${s.field}: cannot read "${s.file}": ${readFailure(err)}`);
    }
  };
  // Read together, but a failure is reported in the kubeconfig's own order (CA, certificate, key,
  // token), not whichever read lost the race: the same broken file always gives the same message.
  const settled = await Promise.allSettled([
    load(config.ca),
    load(config.cert),
    load(config.key),
    load(config.token),
  ]);
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  const [ca, cert, key, token] = settled.map((r) => (r as PromiseFulfilledResult<string | undefined>).value);
  const tls =
    ca || cert || key || config.insecureSkipTlsVerify
      ? { ca, cert, key, insecureSkipTlsVerify: config.insecureSkipTlsVerify }
      : undefined;
  let bearerToken: Connection['bearerToken'];
  if (config.token && 'file' in config.token)
    bearerToken = fileTokenSource(config.token.file, (token ?? '').trim(), read, o);
  else if (token) bearerToken = async () => token;
  return { baseUrl: config.server, tls, bearerToken, origin: config.origin };
}

/**
 * A token that follows its file: the kubelet rewrites a projected service-account token long
 * before it expires, so the copy is refreshed once it is a minute old. A failed read keeps the
 * last token (an expired one then earns a 401, which says more than a crash would) and is not
 * retried for another minute.
 */
export function fileTokenSource(
  file: string,
  initial: string,
  read: (path: string) => Promise<string>,
  o: Pick<LoadOptions, 'nowMs' | 'onTokenError'> = {},
): () => Promise<string> {
  const now = o.nowMs ?? Date.now;
  let token = initial;
  let readAt = now();
  let reading: Promise<void> | undefined;
  return async () => {
    if (now() - readAt < TOKEN_FILE_MAX_AGE_MS) return token;
    reading ??= read(file)
      .then((text) => {
        token = text.trim();
      })
      .catch((err: Error) => o.onTokenError?.(err))
      .finally(() => {
        readAt = now();
        reading = undefined;
      });
    await reading;
    return token;
  };
}

function readFailure(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return (err as Error).message;
}
