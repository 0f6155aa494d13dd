// What goes into ConfigMap, Secret, downwardAPI and projected volumes, as a list of files
// (upstream: pkg/volume/{configmap,secret,downwardapi,projected}). Pure: the kubelet fetches the
// objects and tokens first; volumes.ts writes the files.
//
// The token volume ServiceAccount admission adds (kube-api-access-xxxxx, defaultMode 420):
//
//   token      serviceAccountToken {expirationSeconds: 3607, path: token}  → the bound JWT
//   ca.crt     configMap kube-root-ca.crt, item ca.crt                      → the cluster CA
//   namespace  downwardAPI metadata.namespace                               → "demo"
//
// every file 0644 unless an item's `mode` says otherwise.

import type {
  ConfigMap,
  DownwardAPIVolumeFile,
  KeyToPath,
  Pod,
  ProjectedVolumeSource,
  Secret,
  ServiceAccountTokenProjection,
} from 'kubernetes-types/core/v1';
import { ContainerConfigError, fieldValue, resourceFieldValue } from './env';

export interface VolumeFile {
  /** Relative to the volume's directory. */
  path: string;
  content: Buffer;
  mode: number;
}

export interface ProjectionObjects {
  configMaps: ReadonlyMap<string, ConfigMap>;
  secrets: ReadonlyMap<string, Secret>;
  /** Service-account tokens by tokenSourceKey (the kubelet's token manager fetched them). */
  tokens?: ReadonlyMap<string, string>;
  hostIP?: string;
  podIP?: string;
}

/** 0644: the API's default mode, written in decimal (420) as it is stored. */
export const DEFAULT_MODE = 0o644;

/** Which token a serviceAccountToken source wants: one per audience and lifetime. */
export function tokenSourceKey(s: ServiceAccountTokenProjection): string {
  return `${s.audience ?? ''}|${s.expirationSeconds ?? 3600}`;
}

/** A ConfigMap's keys, `data` as text and `binaryData` decoded. */
export function configMapData(cm: ConfigMap | undefined): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(cm?.data ?? {})) out[k] = Buffer.from(v);
  for (const [k, b64] of Object.entries(cm?.binaryData ?? {})) out[k] = Buffer.from(b64, 'base64');
  return out;
}

/** A Secret's keys, decoded (`stringData` too, for objects that never went through the API). */
export function secretData(s: Secret | undefined): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [k, b64] of Object.entries(s?.data ?? {})) out[k] = Buffer.from(b64, 'base64');
  for (const [k, text] of Object.entries(s?.stringData ?? {})) out[k] = Buffer.from(text);
  return out;
}

/** Upstream's MakePayload errors for an item naming a key the object lacks. */
export const MISSING_KEY = {
  configmap: (key: string) => `configmap references non-existent config key: ${key}`,
  secret: (key: string) => `secret references non-existent secret key: ${key}`,
};

/** Every key as a file, or only `items`, renamed to their paths (a named key must exist). */
export function keyFiles(
  data: Record<string, Buffer>,
  items: readonly KeyToPath[] | undefined,
  defaultMode: number | undefined,
  missing: (key: string) => string,
): VolumeFile[] {
  const wanted: readonly KeyToPath[] = items ?? Object.keys(data).map((key) => ({ key, path: key }));
  return wanted.map((item) => {
    const content = data[item.key];
    if (content === undefined) throw new ContainerConfigError(missing(item.key));
    return { path: item.path, content, mode: item.mode ?? defaultMode ?? DEFAULT_MODE };
  });
}

/**
 * Upstream's fieldpath.FormatMap: `key="value"` lines in key order, for metadata.labels and
 * metadata.annotations as whole files (env variables cannot take a whole map).
 */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(m?.[k])}`)
    .join('\n');
}

export function downwardAPIFiles(
  pod: Pod,
  items: readonly DownwardAPIVolumeFile[] | undefined,
  defaultMode: number | undefined,
  src: Pick<ProjectionObjects, 'hostIP' | 'podIP'>,
): VolumeFile[] {
  return (items ?? []).map((item) => {
    let value: string;
    if (item.fieldRef) {
      const path = item.fieldRef.fieldPath;
      if (path === 'metadata.labels') value = formatMap(pod.metadata?.labels);
      else if (path === 'metadata.annotations') value = formatMap(pod.metadata?.annotations);
      else value = fieldValue(pod, path, { hostIP: src.hostIP ?? '', podIP: src.podIP });
    } else if (item.resourceFieldRef) {
      const name = item.resourceFieldRef.containerName;
      const container = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find(
        (c) => c.name === name,
      );
      if (!container)
        throw new ContainerConfigError(`downwardAPI ${item.path}: no container named "${name}"`);
      value = resourceFieldValue(container, item.resourceFieldRef);
    } else throw new ContainerConfigError(`downwardAPI ${item.path}: neither fieldRef nor resourceFieldRef`);
    return { path: item.path, content: Buffer.from(value), mode: item.mode ?? defaultMode ?? DEFAULT_MODE };
  });
}

/** Each source's files in order; a later source's path replaces an earlier one's, as upstream. */
export function projectedFiles(
  pod: Pod,
  projected: ProjectedVolumeSource,
  src: ProjectionObjects,
): VolumeFile[] {
  const mode = projected.defaultMode ?? DEFAULT_MODE;
  const files = new Map<string, VolumeFile>();
  for (const s of projected.sources ?? []) {
    const out: VolumeFile[] = [];
    if (s.configMap) {
      const name = s.configMap.name ?? '';
      const cm = src.configMaps.get(name);
      if (!cm && !s.configMap.optional) throw new ContainerConfigError(`configmap "${name}" not found`);
      if (cm) out.push(...keyFiles(configMapData(cm), s.configMap.items, mode, MISSING_KEY.configmap));
    }
    if (s.secret) {
      const name = s.secret.name ?? '';
      const secret = src.secrets.get(name);
      if (!secret && !s.secret.optional) throw new ContainerConfigError(`secret "${name}" not found`);
      if (secret) out.push(...keyFiles(secretData(secret), s.secret.items, mode, MISSING_KEY.secret));
    }
    if (s.downwardAPI) out.push(...downwardAPIFiles(pod, s.downwardAPI.items, mode, src));
    if (s.serviceAccountToken) {
      const token = src.tokens?.get(tokenSourceKey(s.serviceAccountToken));
      if (token === undefined)
        throw new ContainerConfigError(`no service account token for ${s.serviceAccountToken.path}`);
      out.push({ path: s.serviceAccountToken.path, content: Buffer.from(token), mode });
    }
    for (const f of out) files.set(f.path, f);
  }
  return [...files.values()];
}
