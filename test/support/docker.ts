// Docker for integration tests: the machine's engine, images built locally from Debian's
// busybox-static (there is no registry), and clean-up of exactly the containers a test made.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import Docker from 'dockerode';
import { buildTar, busyboxRootfs } from '../../agents/kubelet/image-tar';
import { LABELS } from '../../agents/kubelet/naming';
import {
  BUSYBOX_PATH,
  ensurePauseImage,
  IMAGE_PATH_ENV,
  importImage,
} from '../../agents/kubelet/pause-image';

export const DOCKER_ENDPOINT = process.env.DOCKER_HOST?.startsWith('unix://')
  ? process.env.DOCKER_HOST
  : 'unix:///var/run/docker.sock';
export const BUSYBOX_IMAGE = 'nodekube/busybox:test';

export function docker(): Docker {
  return new Docker({ socketPath: DOCKER_ENDPOINT.slice('unix://'.length) });
}

/**
 * `nodekube/busybox:test`: /bin/busybox with a symlink per applet and a /www/index.html, so
 * `httpd -f -p 80 -h /www` serves something. Default command: a shell that sleeps forever.
 */
export async function ensureBusyboxImage(d = docker()): Promise<string> {
  await ensurePauseImage(d);
  try {
    const info = await d.getImage(BUSYBOX_IMAGE).inspect();
    if (info.Config?.Env?.some((e) => e.startsWith('PATH='))) return BUSYBOX_IMAGE;
    await d.getImage(BUSYBOX_IMAGE).remove({ force: true }); // an older build without PATH
  } catch {
    // build it below
  }
  const applets = execFileSync(BUSYBOX_PATH, ['--list']).toString().split('\n').filter(Boolean);
  const tar = buildTar(
    busyboxRootfs(readFileSync(BUSYBOX_PATH), applets, [
      { type: 'dir', path: 'www' },
      { type: 'file', path: 'www/index.html', data: Buffer.from('hello from nodekube\n') },
    ]),
  );
  await importImage(d, tar, BUSYBOX_IMAGE, [
    IMAGE_PATH_ENV,
    'CMD ["/bin/sh", "-c", "trap \\"exit 0\\" TERM; while true; do sleep 1; done"]',
  ]);
  return BUSYBOX_IMAGE;
}

/** Remove (by id) every container the given kubelet node name created. */
export async function removeNodeContainers(nodeName: string, d = docker()): Promise<number> {
  const list = await d.listContainers({ all: true, filters: { label: [`${LABELS.node}=${nodeName}`] } });
  await Promise.all(
    list.map((c) =>
      d
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch(() => undefined),
    ),
  );
  return list.length;
}

export async function nodeContainers(nodeName: string, d = docker()): Promise<Docker.ContainerInfo[]> {
  return d.listContainers({ all: true, filters: { label: [`${LABELS.node}=${nodeName}`] } });
}
