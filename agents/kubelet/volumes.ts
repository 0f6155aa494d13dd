// Pod volumes as directories on the node (upstream: pkg/volume/{emptydir,hostpath,configmap,secret}).
//
//   <root-dir>/pods/<uid>/volumes/kubernetes.io~empty-dir/<name>    emptyDir
//   <root-dir>/pods/<uid>/volumes/kubernetes.io~configmap/<name>    one file per key
//   <root-dir>/pods/<uid>/volumes/kubernetes.io~secret/<name>       one file per key, decoded
//   hostPath volumes are the host's own path
//
// Containers get them as Docker bind mounts. ConfigMap and Secret files are rewritten on each
// pod sync, so edits reach running pods (upstream does the same through its atomic writer).

import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import type { ConfigMap, Container, KeyToPath, Pod, Secret, Volume } from 'kubernetes-types/core/v1';
import { ContainerConfigError } from './env';

export function podDir(rootDir: string, uid: string): string {
  return join(rootDir, 'pods', uid);
}

function pluginDir(volume: Volume): string | undefined {
  if (volume.emptyDir) return 'kubernetes.io~empty-dir';
  if (volume.configMap) return 'kubernetes.io~configmap';
  if (volume.secret) return 'kubernetes.io~secret';
  return undefined;
}

/** Where a volume lives on the node. */
export function volumeHostPath(rootDir: string, uid: string, volume: Volume): string {
  if (volume.hostPath) return volume.hostPath.path;
  const plugin = pluginDir(volume);
  if (!plugin)
    throw new ContainerConfigError(
      `volume "${volume.name}": only emptyDir, hostPath, configMap and secret are supported`,
    );
  return join(podDir(rootDir, uid), 'volumes', plugin, volume.name);
}

/** Create every volume's directory and write ConfigMap/Secret files. Returns name → host path. */
export async function setUpVolumes(
  pod: Pod,
  rootDir: string,
  objects: { configMaps: ReadonlyMap<string, ConfigMap>; secrets: ReadonlyMap<string, Secret> },
): Promise<Map<string, string>> {
  const uid = pod.metadata?.uid ?? '';
  const paths = new Map<string, string>();
  for (const v of pod.spec?.volumes ?? []) {
    const path = volumeHostPath(rootDir, uid, v);
    paths.set(v.name, path);
    if (v.hostPath) {
      const type = v.hostPath.type ?? '';
      if (type === 'DirectoryOrCreate') await mkdir(path, { recursive: true });
      continue;
    }
    await mkdir(path, { recursive: true });
    if (v.configMap) {
      const cm = objects.configMaps.get(v.configMap.name ?? '');
      if (!cm && !v.configMap.optional)
        throw new ContainerConfigError(`configmap "${v.configMap.name}" not found`);
      const files = { ...(cm?.data ?? {}) } as Record<string, string | Buffer>;
      for (const [k, b64] of Object.entries(cm?.binaryData ?? {})) files[k] = Buffer.from(b64, 'base64');
      await writeKeys(path, files, v.configMap.items, v.configMap.defaultMode);
    }
    if (v.secret) {
      const s = objects.secrets.get(v.secret.secretName ?? '');
      if (!s && !v.secret.optional)
        throw new ContainerConfigError(`secret "${v.secret.secretName}" not found`);
      const files: Record<string, Buffer> = {};
      for (const [k, b64] of Object.entries(s?.data ?? {})) files[k] = Buffer.from(b64, 'base64');
      for (const [k, text] of Object.entries(s?.stringData ?? {})) files[k] = Buffer.from(text);
      await writeKeys(path, files, v.secret.items, v.secret.defaultMode);
    }
  }
  return paths;
}

/** Write each key (or only `items`, renamed to their paths) as a file; unchanged files are left alone. */
async function writeKeys(
  dir: string,
  data: Record<string, string | Buffer>,
  items: readonly KeyToPath[] | undefined,
  defaultMode = 0o644,
): Promise<void> {
  const wanted: readonly KeyToPath[] = items ?? Object.keys(data).map((key) => ({ key, path: key }));
  for (const item of wanted) {
    const content = data[item.key];
    if (content === undefined) throw new ContainerConfigError(`configmap/secret key "${item.key}" not found`);
    const file = join(dir, safeRelative(item.path));
    await mkdir(dirname(file), { recursive: true });
    const same = await readFile(file).then(
      (old) => old.equals(Buffer.from(content)),
      () => false,
    );
    if (same) continue;
    await writeFile(`${file}.tmp`, content);
    await chmod(`${file}.tmp`, item.mode ?? defaultMode);
    await rename(`${file}.tmp`, file);
  }
}

function safeRelative(p: string): string {
  const n = normalize(p);
  if (n.startsWith('..') || n.startsWith('/'))
    throw new ContainerConfigError(`invalid volume item path "${p}"`);
  return n;
}

/** Docker binds for a container's volumeMounts: `host[/subPath]:mountPath[:ro]`. */
export function containerBinds(container: Container, volumePaths: ReadonlyMap<string, string>): string[] {
  return (container.volumeMounts ?? []).map((m) => {
    const host = volumePaths.get(m.name);
    if (!host) throw new ContainerConfigError(`volume "${m.name}" is mounted but not defined`);
    const source = m.subPath ? join(host, safeRelative(m.subPath)) : host;
    return `${source}:${m.mountPath}${m.readOnly ? ':ro' : ''}`;
  });
}

/** Remove the pod's directory (emptyDirs, projected files) once its containers are gone. */
export async function tearDownVolumes(rootDir: string, uid: string): Promise<void> {
  await rm(podDir(rootDir, uid), { recursive: true, force: true });
}
