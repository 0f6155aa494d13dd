// The pod infra ("pause") image, built on the node when missing: there is no registry here.
//
// A pause container only has to exist: it holds the pod's network and IPC namespaces while app
// containers come and go. Ours is Debian's static busybox running a shell that sleeps forever and
// exits promptly on SIGTERM (as PID 1 a signal without a handler would be ignored, and the
// runtime would wait the whole grace period before SIGKILL).

import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { buildTar, busyboxRootfs } from './image-tar';

export const DEFAULT_PAUSE_IMAGE = 'nodekube/pause:1.0';
export const BUSYBOX_PATH = '/bin/busybox';

/** `docker import` sets no environment; without PATH, commands like `sh` are not found. */
export const IMAGE_PATH_ENV = 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const PAUSE_SCRIPT = 'trap "exit 0" TERM INT; while true; do sleep 3600 & wait $!; done';

/** `docker import` a tar as `repo:tag`, with Dockerfile-style `changes` (CMD, ENTRYPOINT…). */
export async function importImage(
  docker: Docker,
  tar: Buffer,
  image: string,
  changes: string[],
): Promise<void> {
  const [repo, tag = 'latest'] = splitImage(image);
  const stream = await docker.importImage(Readable.from([tar]) as unknown as NodeJS.ReadableStream, {
    repo,
    tag,
    changes,
  });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, out: Array<{ error?: string }>) => {
      const failed = out?.find((o) => o.error);
      if (err || failed) reject(err ?? new Error(failed?.error));
      else resolve();
    }),
  );
}

function splitImage(image: string): [string, string | undefined] {
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/')
    ? [image.slice(0, colon), image.slice(colon + 1)]
    : [image, undefined];
}

/** Make sure the pause image exists; build it from busybox when it does not. */
export async function ensurePauseImage(docker: Docker, image = DEFAULT_PAUSE_IMAGE): Promise<void> {
  try {
    await docker.getImage(image).inspect();
    return;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 404) throw err;
  }
  const tar = buildTar(busyboxRootfs(readFileSync(BUSYBOX_PATH), ['sh', 'sleep']));
  await importImage(docker, tar, image, [
    IMAGE_PATH_ENV,
    `ENTRYPOINT ["/bin/sh", "-c", ${JSON.stringify(PAUSE_SCRIPT)}]`,
  ]);
}
