// The e2e project's one cluster: vitest's globalSetup brings it up from nothing with
// `bash provision/up-local.sh` (what `npm run up` runs) before the first e2e file, and takes it
// down with `./bin/nodekube down` after the last. Every e2e file uses this cluster and must
// leave it whole (its own objects deleted, every node Ready).
//
// "From nothing": this cluster's node containers (label nodekube.cluster=<prefix>) are removed
// first; another cluster on the host (another prefix) is never touched. The output of `up` is
// kept in .nodekube/test-logs/e2e-up.log (and its exit code and time in e2e-up.json) for
// cluster.test.ts to assert on. A failed or hung `up` fails the whole project here, loudly,
// with the end of that log.
import { writeFileSync } from 'node:fs';
import { nodeContainers, nodekube, run, UP_LOG, UP_RESULT } from './support';

const UP_BOUND_MS = 20 * 60_000;

/**
 * Development only: NODEKUBE_E2E_REUSE=1 runs the e2e files against the cluster that is up
 * (no down, no up, no down after). cluster.test.ts's "from nothing" step then has no up log.
 */
const reuse = process.env.NODEKUBE_E2E_REUSE === '1';

// The drills need the fast failure-detection profile (drills.test.ts), and every `up` of the
// project (this one, cluster.test's converging re-run) must ask for the same profile or it
// would switch the control plane back: the installer reads NODEKUBE_PROFILE when --profile is
// not given, and vitest's workers inherit it from here (vitest.config.ts sets it too).
process.env.NODEKUBE_PROFILE ??= 'fast';

export async function setup(): Promise<void> {
  if (reuse) return;
  if ((await nodeContainers()).length) {
    const down = await nodekube('pre-down', ['down']);
    if (down.code !== 0)
      throw new Error(`e2e setup: nodekube down (before up) failed:\n${down.output.slice(-3000)}`);
  }
  const left = await nodeContainers();
  if (left.length) throw new Error(`e2e setup: node containers survived nodekube down: ${left.join(' ')}`);

  const up = await run('up', 'bash', ['provision/up-local.sh'], UP_BOUND_MS);
  writeFileSync(UP_RESULT, JSON.stringify({ code: up.code, ms: up.ms }));
  if (up.code !== 0) {
    const why =
      up.code === 124 || up.ms >= UP_BOUND_MS
        ? `did not finish within ${UP_BOUND_MS / 60_000} min`
        : `exited ${up.code}`;
    throw new Error(`e2e setup: npm run up ${why} (log: ${UP_LOG}):\n${up.output.slice(-6000)}`);
  }
}

export async function teardown(): Promise<void> {
  if (reuse) return;
  const down = await nodekube('down', ['down']);
  const left = await nodeContainers();
  process.stdout.write(`${JSON.stringify({ e2e: 'teardown', downMs: down.ms, code: down.code })}\n`);
  if (down.code !== 0 || left.length)
    throw new Error(
      `e2e teardown: nodekube down exited ${down.code}, node containers left: ${left.join(' ') || 'none'}\n${down.output.slice(-3000)}`,
    );
}
