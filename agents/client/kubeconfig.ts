// Where an agent's apiserver is and who the agent is to it, the way client-go decides
// (clientcmd.BuildConfigFromFlags and rest.InClusterConfig):
//
//   --kubeconfig=FILE          server and credentials from FILE's current context
//   --kubeconfig + --master    FILE's credentials, --master's server (client-go's override)
//   --master=URL               that server, no credentials (the insecure port, in development)
//   neither, inside a pod      https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT with the
//                              service account's CA and (rotated, so re-read) token file
//   neither, elsewhere         the agent's fallback (http://127.0.0.1:8080 on the master), or an error
//
// Pure: the caller reads the kubeconfig file; files it names come back as `{file, field}` for
// connection.ts to read, so a missing one is reported by the field that named it. Relative paths
// resolve against the kubeconfig's directory, as client-go's ResolveLocalPaths does.

import { dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';

/** Text given inline (`*-data`, `token`), or a file to read, with the field that named it for errors. */
export type Source = { data: string } | { file: string; field: string };

export interface ClientConfig {
  /** `https://192.168.200.100:6443` */
  server: string;
  /** Where this came from, for errors and the start-up log: `kubeconfig "/etc/…/kubelet.conf"`, `in-cluster config`, `--master`. */
  origin: string;
  ca?: Source;
  cert?: Source;
  key?: Source;
  /** A file token is re-read while running (client-go's cachedFileTokenSource): bound tokens rotate. */
  token?: Source;
  insecureSkipTlsVerify: boolean;
}

export interface ConnectionFlags {
  kubeconfig: string;
  master: string;
}

export interface ConfigInputs {
  flags: ConnectionFlags;
  /** The text of --kubeconfig's file, when that flag is set. */
  kubeconfigText?: string;
  env: Record<string, string | undefined>;
  /** The server when nothing else names one; without it that case is an error. */
  fallbackServer?: string;
}

/** The files every pod's service-account volume holds (client-go's rest.InClusterConfig). */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export class KubeconfigError extends Error {
  override name = 'KubeconfigError';
}

export function resolveClientConfig(i: ConfigInputs): ClientConfig {
  const { kubeconfig, master } = i.flags;
  if (kubeconfig) {
    const fromFile = parseKubeconfig(i.kubeconfigText ?? '', kubeconfig, { serverOptional: !!master });
    return master ? { ...fromFile, server: checkServer(master, '--master') } : fromFile;
  }
  if (master)
    return { server: checkServer(master, '--master'), origin: '--master', insecureSkipTlsVerify: false };
  const inCluster = inClusterConfig(i.env);
  if (inCluster) return inCluster;
  if (i.fallbackServer) return { server: i.fallbackServer, origin: 'default', insecureSkipTlsVerify: false };
  throw new KubeconfigError(
    'no apiserver to talk to: give --kubeconfig or --master (inside a pod, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT name it)',
  );
}

/** Inside a pod: the `kubernetes` Service from the environment, the mounted CA and token. */
export function inClusterConfig(env: Record<string, string | undefined>): ClientConfig | undefined {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) return undefined;
  // Go's net.JoinHostPort: an IPv6 address goes in brackets.
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return {
    server: `https://${hostPart}:${port}`,
    origin: 'in-cluster config',
    ca: { file: `${SERVICE_ACCOUNT_DIR}/ca.crt`, field: 'service account CA' },
    token: { file: `${SERVICE_ACCOUNT_DIR}/token`, field: 'service account token' },
    insecureSkipTlsVerify: false,
  };
}

/** The current context's cluster and user, from kubeconfig text found at `path`. */
export function parseKubeconfig(
  text: string,
  path: string,
  opts: { serverOptional?: boolean } = {},
): ClientConfig {
  const origin = `kubeconfig "${path}"`;
  const fail = (msg: string) => new KubeconfigError(`${origin}: ${msg}`);
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw fail(`not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!isRecord(doc)) throw fail('not a kubeconfig (want a mapping with clusters, users and contexts)');
  const current = doc['current-context'];
  if (typeof current !== 'string' || !current) throw fail('current-context is not set');
  const context = entry(doc, 'contexts', 'context', current);
  if (!context) throw fail(`current-context "${current}" names no entry in contexts`);
  const clusterName = str(context.cluster);
  if (!clusterName) throw fail(`contexts[${current}].context.cluster is not set`);
  const cluster = entry(doc, 'clusters', 'cluster', clusterName);
  if (!cluster)
    throw fail(`contexts[${current}].context.cluster "${clusterName}" names no entry in clusters`);
  const userName = str(context.user);
  const user = userName ? entry(doc, 'users', 'user', userName) : {};
  if (!user) throw fail(`contexts[${current}].context.user "${userName}" names no entry in users`);

  const dir = dirname(path);
  const c = `clusters[${clusterName}].cluster`;
  const u = `users[${userName}].user`;
  const source = (body: Record<string, unknown>, at: string, field: string): Source | undefined => {
    const data = str(body[`${field}-data`]);
    if (data) return { data: Buffer.from(data, 'base64').toString('utf8') };
    const file = str(body[field]);
    if (file) return { file: isAbsolute(file) ? file : join(dir, file), field: `${at}.${field}` };
    return undefined;
  };
  for (const unsupported of ['exec', 'auth-provider'])
    if (user[unsupported] !== undefined)
      throw fail(`${u}.${unsupported} is not supported; use a client certificate or a token`);

  const server = str(cluster.server);
  if (!server && !opts.serverOptional) throw fail(`${c}.server is not set`);
  const insecureSkipTlsVerify = cluster['insecure-skip-tls-verify'] === true;
  const ca = source(cluster, c, 'certificate-authority');
  if (ca && insecureSkipTlsVerify)
    throw fail(
      `${c} sets both a certificate-authority and insecure-skip-tls-verify (client-go refuses this too)`,
    );
  const cert = source(user, u, 'client-certificate');
  const key = source(user, u, 'client-key');
  if (!!cert !== !!key) throw fail(`${u} needs both client-certificate and client-key, or neither`);
  // client-go: "the last successfully read value [of tokenFile] takes precedence over BearerToken".
  const tokenFile = str(user.tokenFile);
  const token: Source | undefined = tokenFile
    ? { file: isAbsolute(tokenFile) ? tokenFile : join(dir, tokenFile), field: `${u}.tokenFile` }
    : str(user.token)
      ? { data: str(user.token) as string }
      : undefined;
  return {
    server: server ? checkServer(server, `${origin}: ${c}.server`) : '',
    origin,
    ca,
    cert,
    key,
    token,
    insecureSkipTlsVerify,
  };
}

/** `contexts: [{name, context: {…}}]` → the body of the entry called `name`. */
function entry(
  doc: Record<string, unknown>,
  list: string,
  body: string,
  name: string,
): Record<string, unknown> | undefined {
  const items = doc[list];
  if (!Array.isArray(items)) return undefined;
  const found = items.find((e): e is Record<string, unknown> => isRecord(e) && e.name === name);
  if (!found) return undefined;
  const value = found[body];
  return isRecord(value) ? value : {};
}

function checkServer(server: string, what: string): string {
  let url: URL | undefined;
  try {
    url = new URL(server);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw new KubeconfigError(`${what}: "${server}" is not an http:// or https:// URL`);
  return server.replace(/\/+$/, '');
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
