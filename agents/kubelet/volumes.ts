// Pod volumes as directories on the node (upstream: pkg/volume/{emptydir,hostpath,configmap,
// secret,downwardapi,projected}).
//
//   <root-dir>/pods/<uid>/volumes/kubernetes.io~empty-dir/<name>     emptyDir
//   <root-dir>/pods/<uid>/volumes/kubernetes.io~configmap/<name>     one file per key
//   <root-dir>/pods/<uid>/volumes/kubernetes.io~secret/<name>        one file per key, decoded
//   <root-dir>/pods/<uid>/volumes/kubernetes.io~downward-api/<name>  one file per item
//   <root-dir>/pods/<uid>/volumes/kubernetes.io~projected/<name>     token, ca.crt, namespace …
//     (what each file holds: projected.ts)
//   hostPath volumes are the host's own path
//   persistentVolumeClaim → the claim's bound PersistentVolume (pkg/volume/{hostpath,local,nfs}):
//     hostPath  the host's path;  local  its path, created when missing (the local-path
//     provisioner's volumes are made on first use);  nfs  `mount -t nfs server:path` on
//     <root-dir>/pods/<uid>/volumes/kubernetes.io~nfs/<name>, unmounted before the pod's
//     directory is removed. A claim not bound yet, or a node whose kernel has no NFS, is a
//     FailedMount the pod waits on (sync-pod retries), never a crash or a hang.
//
// Containers get them as Docker bind mounts. ConfigMap, Secret, downwardAPI and projected files
// are rewritten on each pod sync, so edits and refreshed tokens reach running pods. Each file is
// written to a temporary name and renamed over the old one, so a reader sees the old file or the
// new one, never half of either (upstream's atomic writer swaps a whole directory instead).

import { execFile } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { promisify } from 'node:util';
import type {
  Container,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  Volume,
} from 'kubernetes-types/core/v1';
import { isNotFound } from '../api/errors';
import { R } from '../api/resources';
import type { ApiClient } from '../client';
import { ContainerConfigError } from './env';
import {
  configMapData,
  downwardAPIFiles,
  keyFiles,
  MISSING_KEY,
  type ProjectionObjects,
  projectedFiles,
  secretData,
  type VolumeFile,
} from './projected';

/** What persistentVolumeClaim volumes need: the pod's claims by name, their volumes by name. */
export interface ClaimObjects {
  claims?: ReadonlyMap<string, PersistentVolumeClaim>;
  persistentVolumes?: ReadonlyMap<string, PersistentVolume>;
}

/** How the kubelet mounts network filesystems; tests inject their own. */
export interface Mounter {
  /** The node's name, for messages. */
  nodeName: string;
  /** The kernel's filesystems (`/proc/filesystems`). */
  filesystems(): Promise<string>;
  mount(args: string[]): Promise<void>;
  umount(path: string): Promise<void>;
}

const run = promisify(execFile);
export const hostMounter: Mounter = {
  nodeName: hostname(),
  filesystems: () => readFile('/proc/filesystems', 'utf8'),
  // A timeout: an unreachable server must not hold the pod worker forever.
  mount: async (args) => void (await run('mount', args, { timeout: 30_000 })),
  umount: async (path) => void (await run('umount', [path], { timeout: 30_000 })),
};

/** The claims a pod mounts and the volumes they are bound to (for the kubelet's fetchObjects). */
export async function fetchClaimObjects(client: ApiClient, pod: Pod): Promise<Required<ClaimObjects>> {
  const ns = pod.metadata?.namespace;
  const claims = new Map<string, PersistentVolumeClaim>();
  const persistentVolumes = new Map<string, PersistentVolume>();
  const orNone = (err: unknown) => {
    if (!isNotFound(err)) throw err;
    return undefined;
  };
  for (const v of pod.spec?.volumes ?? []) {
    const name = v.persistentVolumeClaim?.claimName;
    if (!name) continue;
    const claim = (await client.get(R.persistentvolumeclaims, ns, name).catch(orNone)) as
      | PersistentVolumeClaim
      | undefined;
    if (!claim) continue;
    claims.set(name, claim);
    const pvName = claim.spec?.volumeName;
    const pv = pvName
      ? ((await client.get(R.persistentvolumes, undefined, pvName).catch(orNone)) as
          | PersistentVolume
          | undefined)
      : undefined;
    if (pv && pvName) persistentVolumes.set(pvName, pv);
  }
  return { claims, persistentVolumes };
}

/** The bound PersistentVolume behind a claim volume, or why the pod must wait (upstream's words). */
export function claimVolume(volume: Volume, ns: string | undefined, objects: ClaimObjects): PersistentVolume {
  const name = volume.persistentVolumeClaim?.claimName ?? '';
  const claim = objects.claims?.get(name);
  if (!claim) throw new ContainerConfigError(`persistentvolumeclaim "${name}" not found`);
  const pvName = claim.spec?.volumeName;
  if (!pvName || claim.status?.phase !== 'Bound')
    throw new ContainerConfigError(`PVC ${ns}/${name} is not bound`);
  const pv = objects.persistentVolumes?.get(pvName);
  if (!pv) throw new ContainerConfigError(`persistentvolume "${pvName}" not found`);
  return pv;
}

async function mountNfs(pv: PersistentVolume, target: string, mounter: Mounter): Promise<void> {
  const nfs = pv.spec?.nfs;
  const source = `${nfs?.server}:${nfs?.path}`;
  const kernel = await mounter.filesystems().catch(() => '');
  // Checked first, so a node that cannot mount NFS sends nothing to the server.
  if (!/\bnfs4?\b/.test(kernel))
    throw new ContainerConfigError(
      `mount -t nfs ${source} failed: the kernel of node ${mounter.nodeName} has no NFS support (no nfs in /proc/filesystems; load the nfs module or install nfs-common)`,
    );
  await mkdir(target, { recursive: true });
  try {
    await mounter.mount(['-t', 'nfs', ...(nfs?.readOnly ? ['-o', 'ro'] : []), source, target]);
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new ContainerConfigError(`mount -t nfs ${source} failed: ${(e.stderr || e.message).trim()}`);
  }
}

async function isMounted(path: string): Promise<boolean> {
  const mounts = await readFile('/proc/mounts', 'utf8').catch(() => '');
  return mounts.split('\n').some((l) => l.split(' ')[1] === path);
}

export function podDir(rootDir: string, uid: string): string {
  return join(rootDir, 'pods', uid);
}

function pluginDir(volume: Volume): string | undefined {
  if (volume.emptyDir) return 'kubernetes.io~empty-dir';
  if (volume.configMap) return 'kubernetes.io~configmap';
  if (volume.secret) return 'kubernetes.io~secret';
  if (volume.downwardAPI) return 'kubernetes.io~downward-api';
  if (volume.projected) return 'kubernetes.io~projected';
  return undefined;
}

/** Where a volume lives on the node. */
export function volumeHostPath(rootDir: string, uid: string, volume: Volume): string {
  if (volume.hostPath) return volume.hostPath.path;
  const plugin = pluginDir(volume);
  if (!plugin)
    throw new ContainerConfigError(
      `volume "${volume.name}": only emptyDir, hostPath, configMap, secret, downwardAPI, projected and persistentVolumeClaim are supported`,
    );
  return join(podDir(rootDir, uid), 'volumes', plugin, volume.name);
}

/** Create every volume's directory and write its files. Returns name → host path. */
export async function setUpVolumes(
  pod: Pod,
  rootDir: string,
  objects: ProjectionObjects & ClaimObjects,
  mounter: Mounter = hostMounter,
): Promise<Map<string, string>> {
  const uid = pod.metadata?.uid ?? '';
  const paths = new Map<string, string>();
  for (const v of pod.spec?.volumes ?? []) {
    if (v.persistentVolumeClaim) {
      const pv = claimVolume(v, pod.metadata?.namespace, objects);
      if (pv.spec?.hostPath) paths.set(v.name, pv.spec.hostPath.path);
      else if (pv.spec?.local) {
        await mkdir(pv.spec.local.path, { recursive: true });
        paths.set(v.name, pv.spec.local.path);
      } else if (pv.spec?.nfs) {
        const target = join(podDir(rootDir, uid), 'volumes', 'kubernetes.io~nfs', v.name);
        if (!(await isMounted(target))) await mountNfs(pv, target, mounter);
        paths.set(v.name, target);
      } else
        throw new ContainerConfigError(
          `persistentvolume "${pv.metadata?.name}": only hostPath, local and nfs volumes can be mounted`,
        );
      continue;
    }
    const path = volumeHostPath(rootDir, uid, v);
    paths.set(v.name, path);
    if (v.hostPath) {
      const type = v.hostPath.type ?? '';
      if (type === 'DirectoryOrCreate') await mkdir(path, { recursive: true });
      continue;
    }
    await mkdir(path, { recursive: true });
    const files = volumeFiles(pod, v, objects);
    if (files) await writeFiles(path, files);
  }
  return paths;
}

/** The files of a ConfigMap, Secret, downwardAPI or projected volume; undefined for the others. */
export function volumeFiles(pod: Pod, v: Volume, objects: ProjectionObjects): VolumeFile[] | undefined {
  if (v.configMap) {
    const cm = objects.configMaps.get(v.configMap.name ?? '');
    if (!cm && !v.configMap.optional)
      throw new ContainerConfigError(`configmap "${v.configMap.name}" not found`);
    return keyFiles(
      configMapData(cm),
      cm ? v.configMap.items : [],
      v.configMap.defaultMode,
      MISSING_KEY.configmap,
    );
  }
  if (v.secret) {
    const s = objects.secrets.get(v.secret.secretName ?? '');
    if (!s && !v.secret.optional) throw new ContainerConfigError(`secret "${v.secret.secretName}" not found`);
    return keyFiles(secretData(s), s ? v.secret.items : [], v.secret.defaultMode, MISSING_KEY.secret);
  }
  if (v.downwardAPI) return downwardAPIFiles(pod, v.downwardAPI.items, v.downwardAPI.defaultMode, objects);
  if (v.projected) return projectedFiles(pod, v.projected, objects);
  return undefined;
}

/** Write each file by temp + rename; files whose content and mode are unchanged are left alone. */
async function writeFiles(dir: string, files: readonly VolumeFile[]): Promise<void> {
  for (const f of files) {
    const file = join(dir, safeRelative(f.path));
    await mkdir(dirname(file), { recursive: true });
    const same = await readFile(file).then(
      async (old) => old.equals(f.content) && ((await stat(file)).mode & 0o7777) === f.mode,
      () => false,
    );
    if (same) continue;
    await writeFile(`${file}.tmp`, f.content);
    await chmod(`${file}.tmp`, f.mode);
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

/**
 * Remove the pod's directory (emptyDirs, projected files) once its containers are gone. NFS
 * mounts are unmounted first; if one stays mounted the directory is kept (rm would recurse into
 * the server's files) and the error says so.
 */
export async function tearDownVolumes(
  rootDir: string,
  uid: string,
  mounter: Mounter = hostMounter,
): Promise<void> {
  const nfsDir = join(podDir(rootDir, uid), 'volumes', 'kubernetes.io~nfs');
  for (const name of await readdir(nfsDir).catch(() => [] as string[])) {
    const target = join(nfsDir, name);
    if (await isMounted(target)) await mounter.umount(target);
    if (await isMounted(target))
      throw new Error(`${target} is still mounted; not removing the pod directory`);
  }
  await rm(podDir(rootDir, uid), { recursive: true, force: true });
}
