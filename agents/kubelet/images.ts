// Image pulls by imagePullPolicy (upstream: kuberuntime/images/image_manager.go EnsureImageExists).
//
//   Never         present → use it; missing → ErrImageNeverPull
//   IfNotPresent  present → use it; missing → pull
//   Always        pull every time a container starts
//
// A failed pull is ErrImagePull; retries wait with a back-off (10 s doubling), and while waiting
// the container shows ImagePullBackOff.
//
// One deliberate difference from upstream: nodekube clusters usually have no registry (images
// are loaded onto the nodes with `nodekube load-image`), while manifests such as `image: nginx`
// default to Always. So when an Always pull fails but the image is on the node, the kubelet runs
// the local copy and says so in a Warning event, instead of failing with ErrImagePull.

import type { Container, Pod } from 'kubernetes-types/core/v1';
import type { KubeletEvents } from './events';
import { RestartBackoff } from './restart-backoff';
import type { ContainerRuntime } from './runtime/types';
import type { Waiting } from './status';

/** The default policy: Always for `:latest` or untagged images, else IfNotPresent (defaults.go). */
export function pullPolicy(c: Container): string {
  if (c.imagePullPolicy) return c.imagePullPolicy;
  const image = c.image ?? '';
  const tag = image.includes('@')
    ? 'digest'
    : image.lastIndexOf(':') > image.lastIndexOf('/')
      ? image.slice(image.lastIndexOf(':') + 1)
      : 'latest';
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}

export type EnsureResult = { ok: true } | { ok: false; waiting: Waiting; retryAfterMs?: number };

export class ImageManager {
  private readonly backoff: RestartBackoff;

  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly recorder: KubeletEvents,
    now: () => number = Date.now,
  ) {
    this.backoff = new RestartBackoff(10_000, 300_000, now);
  }

  async ensureImage(pod: Pod, c: Container, now = Date.now()): Promise<EnsureResult> {
    const image = c.image ?? '';
    const policy = pullPolicy(c);
    const present = await this.runtime.imagePresent(image);
    if (present && policy !== 'Always') {
      this.recorder.event(pod, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
      return { ok: true };
    }
    if (policy === 'Never') {
      const message = `Container image "${image}" is not present with pull policy of Never`;
      this.recorder.event(pod, 'Warning', 'ErrImageNeverPull', message);
      return { ok: false, waiting: { reason: 'ErrImageNeverPull', message } };
    }
    const key = `${pod.metadata?.uid}/${image}`;
    const wait = this.backoff.check(key);
    if (wait.inBackoff) {
      const message = `Back-off pulling image "${image}"`;
      this.recorder.event(pod, 'Normal', 'BackOff', message);
      return { ok: false, waiting: { reason: 'ImagePullBackOff', message }, retryAfterMs: wait.remainingMs };
    }
    this.recorder.event(pod, 'Normal', 'Pulling', `Pulling image "${image}"`);
    const started = Date.now();
    try {
      await this.runtime.pullImage(image);
    } catch (err) {
      const message = `Failed to pull image "${image}": ${err instanceof Error ? err.message : String(err)}`;
      if (present) {
        this.recorder.event(
          pod,
          'Warning',
          'Failed',
          `${message}; using the image already present on the node`,
        );
        return { ok: true };
      }
      this.backoff.next(key, now);
      this.recorder.event(pod, 'Warning', 'Failed', message);
      return {
        ok: false,
        waiting: { reason: 'ErrImagePull', message },
        retryAfterMs: this.backoff.check(key).remainingMs,
      };
    }
    this.recorder.event(
      pod,
      'Normal',
      'Pulled',
      `Successfully pulled image "${image}" in ${Date.now() - started}ms`,
    );
    return { ok: true };
  }

  forgetPod(uid: string): void {
    this.backoff.forgetPod(uid);
  }
}
