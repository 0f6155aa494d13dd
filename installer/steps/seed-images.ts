// The images the seed documents name (nginx and its tags, httpd, busybox …), built here by
// provision/seed-images.sh from Debian's static busybox and copied to every minion: there is
// no registry, and the seeds' manifests say `image: nginx`. Converges: the build is skipped when
// the images carry the script's hash, and a minion gets only the images whose ID it lacks.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { saveAndLoad } from '../commands';
import type { HostStep, LocalStep, Step } from '../context';
import { minionsOf } from '../inventory';
import { shellQuote } from '../ssh';

const run = promisify(execFile);
const SCRIPT = 'provision/seed-images.sh';
let built: Map<string, string> | undefined;

/** Which images a host must load: those whose ID there differs from ours (PURE). */
export function imagesToLoad(local: Map<string, string>, remote: Map<string, string>): string[] {
  return [...local].filter(([image, id]) => remote.get(image) !== id).map(([image]) => image);
}

/** `image id` lines (from `docker image inspect`, "-" when missing) → image → ID (PURE). */
export function parseImageIds(images: string[], stdout: string): Map<string, string> {
  const ids = stdout.trim().split('\n');
  return new Map(images.map((image, i) => [image, ids[i]?.trim() || '-']));
}

export const inspectScript = (images: string[]): string =>
  images.map((i) => `docker image inspect -f '{{.Id}}' ${shellQuote(i)} 2>/dev/null || echo -`).join('; ');

const buildSeedImages: LocalStep = {
  title: 'Build the seed images here (nginx, httpd, busybox from busybox-static)',
  local: true,
  async run(ctx) {
    const script = join(ctx.opts.root, SCRIPT);
    const { stdout } = await run('bash', [script], { timeout: 600_000 });
    const images = (await run('bash', [script, '--list'])).stdout.trim().split('\n');
    built = parseImageIds(images, (await run('sh', ['-c', inspectScript(images)])).stdout);
    return stdout.trim().split('\n').at(-1);
  },
};

const loadSeedImages: HostStep = {
  title: 'Load the seed images onto every minion',
  hosts: minionsOf,
  async run(_ctx, _host, remote) {
    if (!built) throw new Error('the seed images were not built');
    const images = [...built.keys()];
    const there = parseImageIds(
      images,
      (await remote.exec(inspectScript(images), { sudo: true, timeoutMs: 180_000 })).stdout,
    );
    const missing = imagesToLoad(built, there);
    if (missing.length === 0) return `unchanged (${images.length} images)`;
    await saveAndLoad(remote, missing);
    return `loaded ${missing.length} of ${images.length} images`;
  },
};

export const seedImages: Step[] = [buildSeedImages, loadSeedImages];
