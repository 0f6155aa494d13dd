// The limit underneath the kubelet: the docker CLI starting a pod's containers by hand, the way
// the kubelet does through the engine's API (a pause container holding the network namespace,
// then the app container joined to it). Every container carries a label naming the bench, and
// all of them are removed by id before this returns, whatever happened.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DEFAULT_PAUSE_IMAGE } from '../../agents/kubelet/pause-image';
import { BUSYBOX_IMAGE } from '../../test/support/docker';

const docker = (args: string[]) => promisify(execFile)('docker', args, { timeout: 120_000 });

export interface DockerRunTimes {
  /** Per pod: its first `docker run` to its app container's `docker run -d` returning. */
  perPodSeconds: number[];
  /** The first pod's first `docker run` to the last pod's app container returning. */
  allSeconds: number;
}

/**
 * Start `pods` pods' containers with the docker CLI, pod i started `i × spacingMs` after the
 * first (0: all at once), then remove them. `bench` names the run in the containers' label.
 */
export async function dockerRunPods(bench: string, pods: number, spacingMs: number): Promise<DockerRunTimes> {
  const label = `nodekube.bench=${bench}`;
  const perPodSeconds: number[] = [];
  const t0 = Date.now();
  let last = t0;
  try {
    await Promise.all(
      Array.from({ length: pods }, async (_, i) => {
        await new Promise((r) => setTimeout(r, i * spacingMs - (Date.now() - t0)));
        const start = Date.now();
        const pause = (
          await docker(['run', '-d', '--label', label, '--net=none', DEFAULT_PAUSE_IMAGE])
        ).stdout.trim();
        await docker(['run', '-d', '--label', label, `--net=container:${pause}`, BUSYBOX_IMAGE]);
        last = Math.max(last, Date.now());
        perPodSeconds.push((Date.now() - start) / 1000);
      }),
    );
  } finally {
    const ids = (await docker(['ps', '-aq', '--filter', `label=${label}`])).stdout
      .split('\n')
      .filter(Boolean);
    if (ids.length) await docker(['rm', '-f', '-v', ...ids]);
  }
  return { perPodSeconds, allSeconds: (last - t0) / 1000 };
}
