// One drill, start to finish:
//   check (nothing touched yet) → workload → watch + snapshot → FAULT → measure → restore →
//   wait until whole (bounded) → compare → remove the workload → report.
// The fault is undone in `finally`: on success, on the drill's own failure and on Ctrl-C/SIGTERM.
import { $ } from 'zx';
import { R } from '../../agents/api/resources';
import type { ApiClient } from '../../agents/client';
import { clusterClient } from '../api';
import { loadImage } from '../commands';
import type { Context } from '../context';
import { apiUrlOf, findHost, type Host, masterOf, minionsOf } from '../inventory';
import { componentHealthy } from '../tables';
import { type DrillArgs, DrillUsageError } from './catalog';
import { nodeSample } from './census';
import {
  containerNames,
  drillChainPresent,
  type Fault,
  faultFor,
  machineOf,
  orphanPods,
  unitCommandLine,
} from './faults';
import { startProbe } from './probe';
import { expectedSeconds, type ProfileInForce, profileInForce } from './profiles';
import type { Progress } from './progress';
import { startRecorder } from './recorder';
import { compareSnapshots, takeSnapshot } from './snapshot';
import { availability, milestones, overshoot } from './timeline';
import type { KComponentStatus as ComponentStatus, DrillReport, KNode as Node, Timeline } from './types';
import { verdict } from './verdict';
import { ensureWorkload, IMAGE, NAMESPACE, removeWorkload, workloadPods, workloadWhole } from './workload';
import { startWriteProbe, type WriteProbe } from './writes';

export interface RunOptions {
  keep: boolean;
  progress: Progress;
  /** Probe requests per second. */
  rate?: number;
  /** Aborted on Ctrl-C/SIGTERM: waits end early and the fault is undone. */
  signal: AbortSignal;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((r) => {
    const stop = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', stop);
      r();
    };
    const t = setTimeout(stop, ms);
    signal?.addEventListener('abort', stop, { once: true });
  });

/** Polls `cond` every 250 ms until true, the bound passes, or the drill is aborted. */
async function waitFor(
  cond: () => boolean | Promise<boolean>,
  boundMs: number,
  signal: AbortSignal,
): Promise<boolean> {
  const deadline = Date.now() + boundMs;
  while (!signal.aborted && Date.now() < deadline) {
    try {
      if (await cond()) return true;
    } catch {
      // the API may be away (control-plane drills): keep polling until the bound
    }
    await sleep(250, signal);
  }
  return false;
}

/** Why the cluster is not whole, or '' when every minion is Ready and untainted and components Healthy. */
export async function notWholeReason(client: ApiClient, minions: string[]): Promise<string> {
  const nodes = (await client.list<Node>(R.nodes)).items;
  for (const name of minions) {
    const n = nodes.find((x) => x.metadata?.name === name);
    if (!n) return `node ${name} is not registered`;
    const s = nodeSample(0, n);
    if (s.state !== 'Ready') return `node ${name} is ${s.state}`;
    if (s.tainted) return `node ${name} still carries a NoExecute lifecycle taint`;
  }
  const cs = (await client.list<ComponentStatus>(R.componentstatuses)).items;
  const sick = cs.filter((c) => !componentHealthy(c)).map((c) => c.metadata?.name);
  return sick.length ? `component(s) not Healthy: ${sick.join(', ')}` : '';
}

export async function readProfile(ctx: Context): Promise<ProfileInForce> {
  const master = masterOf(ctx.inv);
  return profileInForce(
    await unitCommandLine(ctx, master, 'kube-controller-manager'),
    await unitCommandLine(ctx, master, 'kube-apiserver'),
  );
}

/** The demo image here (built if missing) and on every minion (loaded if any lacks it). */
async function ensureImage(ctx: Context): Promise<void> {
  const here = await $({ quiet: true, nothrow: true })`docker image inspect ${IMAGE}`;
  if (here.exitCode !== 0)
    await $({ cwd: ctx.opts.root, quiet: true })`bash provision/demo-image.sh ${IMAGE}`;
  const missing = await Promise.all(
    minionsOf(ctx.inv).map(async (h) => {
      const r = await (await ctx.sessions.get(h)).exec(`docker image inspect ${IMAGE} >/dev/null`, {
        sudo: true,
        allowFail: true,
      });
      return r.code !== 0;
    }),
  );
  if (missing.some(Boolean)) await loadImage(ctx, [IMAGE]);
}

/** Checks that need the cluster, before anything is touched; bad ones are usage errors (exit 2). */
export async function precheck(ctx: Context, client: ApiClient, args: DrillArgs): Promise<ProfileInForce> {
  const minions = minionsOf(ctx.inv).map((h) => h.name);
  // A component may miss one health probe on a busy machine: whole at any look within 30 s counts.
  let reason = '';
  const deadline = Date.now() + 30_000;
  do {
    try {
      reason = await notWholeReason(client, minions);
    } catch (err) {
      reason = `the apiserver at ${apiUrlOf(ctx.inv)} does not answer (${(err as Error).message})`;
    }
    if (reason) await sleep(2000);
  } while (reason && Date.now() < deadline);
  if (reason)
    throw new DrillUsageError(`the cluster is not whole (${reason}); run ./bin/nodekube validate first`);
  if (args.drill.name === 'node-crash' && args.node && !machineOf(ctx.opts.root, args.node))
    throw new DrillUsageError(
      `node-crash needs a Vagrant machine; ${args.node} has none under .vagrant/machines`,
    );
  const profile = await readProfile(ctx);
  if (args.profile && profile.name !== args.profile)
    throw new DrillUsageError(
      `the cluster runs the ${profile.name} profile, not ${args.profile}; apply it with ./bin/nodekube up --profile ${args.profile}`,
    );
  return profile;
}

/** The minion running most workload pods (ties: first by name): its failure shows the most. */
export function busiestNode(pods: { spec?: { nodeName?: string } }[], minions: string[]): string {
  const count = (n: string) => pods.filter((p) => p.spec?.nodeName === n).length;
  return [...minions].sort((a, b) => count(b) - count(a) || a.localeCompare(b))[0];
}

export async function runDrill(ctx: Context, args: DrillArgs, o: RunOptions): Promise<DrillReport> {
  const { progress: ui, signal } = o;
  const client = await clusterClient(ctx, 'nodekube-drill/0.1', { requestTimeoutMs: 10_000 });
  const minions = minionsOf(ctx.inv).map((h) => h.name);
  const node = args.drill.scope === 'node';

  ui.step('Checking the cluster is whole and reading the profile in force');
  const profile = await precheck(ctx, client, args);
  const exp = expectedSeconds(profile.values);
  ui.note(
    `profile ${profile.name}: NotReady after ~${exp.notReady}s (grace ${profile.values.nodeMonitorGracePeriod}), eviction after ~${exp.evicted}s (toleration ${profile.values.defaultNotReadyTolerationSeconds}s)`,
  );
  if (node) ui.note(`this node drill takes about ${Math.ceil((exp.evicted + 60) / 60)} min`);

  ui.step(`Workload: Deployment and NodePort Service in namespace ${NAMESPACE} (image ${IMAGE})`);
  await ensureImage(ctx);
  // One pod more than minions: the busiest minion runs two, so its failure shows.
  const workload = await ensureWorkload(client, minions.length + 1);
  let target: Host | undefined;
  let fault: Fault | undefined;
  let injected = false;
  let restored = false;
  let writes: WriteProbe | undefined;
  const recorder = startRecorder(client);
  try {
    ui.await(`${workload.replicas} pods Ready`);
    if (
      !(await waitFor(
        async () => workloadWhole(await workloadPods(client), workload.replicas),
        300_000,
        signal,
      ))
    )
      throw new Error(`the workload did not become Ready within 300s`);
    const targetName = node ? (args.node ?? busiestNode(await workloadPods(client), minions)) : null;
    target = targetName ? findHost(ctx.inv, targetName) : undefined;
    fault = faultFor(ctx, args.drill.name, target);
    await recorder.synced();
    ui.step('Snapshot of every object (uid, resourceVersion, spec hash)');
    const before = await takeSnapshot(client);
    if (!node) writes = await startWriteProbe(client);

    const surviving = minionsOf(ctx.inv)
      .filter((h) => h.name !== targetName)
      .map((h) => h.ip);
    const rate = o.rate ?? 10;
    const probe = startProbe(
      {
        targets: surviving,
        port: workload.nodePort,
        ratePerSecond: rate,
        maxRequests: rate * (exp.evicted + 900),
      },
      recorder.recording.probes,
    );
    await sleep(2000, signal); // a baseline before the fault, for the picture

    const faultAt = Date.now();
    let restoredAt: number | null = null;
    const tl = (): Timeline =>
      milestones({
        recording: recorder.recording,
        faultAt,
        restoredAt,
        target: targetName,
        nodes: minions,
        replicas: workload.replicas,
      });
    const milestone = async (key: keyof Timeline, what: string, boundMs: number, expectedS?: number) => {
      ui.await(what, expectedS);
      if (await waitFor(() => tl()[key] !== null, boundMs, signal)) ui.milestone(`${what}: +${tl()[key]}s`);
      else ui.note(`✗ ${what}: not within ${Math.round(boundMs / 1000)}s`);
    };
    ui.fault(faultAt, fault.what);
    injected = true;
    await fault.inject();
    const problems: string[] = [];
    if (node) {
      await milestone('nodeNotReadyAt', `${targetName} NotReady`, (exp.notReady + 60) * 1000, exp.notReady);
      await milestone(
        'podsEvictedAt',
        `pods evicted from ${targetName}`,
        (exp.evicted + 90) * 1000,
        exp.evicted,
      );
      await milestone('replacementsReadyAt', 'replacement pods Ready elsewhere', 120_000);
      ui.step(`Restore: undo "${fault.what}"`);
      // Stamped as the undo starts, not when its command returns: the node can post Ready before
      // the answer is back over SSH, and a Ready seen in that gap is the recovery (a partition
      // drill once saw Ready 0.0 s before this stamp, then nothing more, and failed).
      restoredAt = Date.now();
      await fault.restore();
      restored = true;
      await milestone('nodeRecoveredAt', `${targetName} Ready again`, 180_000);
    } else {
      restored = true;
      restoredAt = Date.now();
      ui.milestone(`restarted (${((restoredAt - faultAt) / 1000).toFixed(1)}s)`);
      // Watch long enough that a missed heartbeat would have turned a node NotReady.
      const windowS = exp.notReady + 10;
      ui.await(`nothing to happen for ${windowS}s (no NotReady, no eviction)`, windowS);
      await sleep(windowS * 1000, signal);
    }
    await milestone('clusterWholeAt', 'the cluster whole again', 180_000);
    await probe.stop();

    let lostWrites = 0;
    if (writes) {
      await writes.stop();
      ui.await('every acknowledged write listed and seen by the watch');
      const w = await writes.check(30_000);
      lostWrites = w.lost.length;
      if (w.lost.length) ui.note(`✗ acknowledged writes lost: ${w.lost.join(', ')}`);
      if (w.unseen.length) problems.push(`the watch missed ${w.unseen.length} write(s): it did not resume`);
      if (recorder.lastNodeEventAt() < (restoredAt ?? faultAt))
        problems.push('the node watch delivered nothing after the restart');
      ui.note(
        `${writes.acknowledged.length} of ${writes.attempted()} writes acknowledged; lost ${w.lost.length}, unseen ${w.unseen.length}`,
      );
    }
    let duplicated = overshoot(recorder.recording.pods, workload.replicas, 10_000);
    if (target) {
      ui.await(`no container on ${target.name} for a pod the API moved away`);
      let orphans: string[] = [];
      const host = target;
      await waitFor(
        async () => {
          const bound = new Set(
            (await workloadPods(client))
              .filter((p) => p.spec?.nodeName === host.name && !p.metadata?.deletionTimestamp)
              .map((p) => p.metadata?.uid ?? ''),
          );
          orphans = orphanPods(await containerNames(ctx, host), NAMESPACE, bound);
          return orphans.length === 0;
        },
        60_000,
        signal,
      );
      if (orphans.length)
        ui.note(`✗ ${orphans.length} pod(s) still running on ${target.name} though evicted`);
      duplicated += orphans.length;
      for (const h of [target, masterOf(ctx.inv)])
        if (await drillChainPresent(ctx, h)) problems.push(`iptables chain left on ${h.name}`);
    }
    recorder.stop();
    ui.step('Snapshot again and compare');
    const diff = compareSnapshots(before, await takeSnapshot(client), (k) =>
      k.startsWith(`configmaps/${NAMESPACE}/drill-write-`),
    );
    if (diff.lost.length) ui.note(`lost: ${diff.lost.join(', ')}`);
    for (const k of diff.specChanged) problems.push(`spec changed: ${k}`);
    const timeline = tl();
    const objects = {
      before: diff.before,
      after: diff.after,
      lost: diff.lost.length + lostWrites,
      duplicated,
    };
    if (signal.aborted) problems.push('interrupted');
    const v = verdict({ scope: args.drill.scope, timeline, objects, problems });
    return {
      drill: args.drill.name,
      node: targetName,
      profile: profile.name,
      timeline,
      availability: availability(recorder.recording.probes),
      objects,
      ...v,
      startedAt: new Date(faultAt).toISOString(),
      faultAt,
      restoredAt: restoredAt === null ? null : Math.round((restoredAt - faultAt) / 100) / 10,
      endedAt: Math.round((Date.now() - faultAt) / 100) / 10,
      nodes: minions,
      replicas: workload.replicas,
      recording: recorder.recording,
    };
  } finally {
    recorder.stop();
    await writes?.stop();
    if (injected && !restored && fault) {
      ui.step(`Restore (idempotent): ${fault.what}`);
      await fault.restore().catch((err) => ui.note(`✗ restore failed: ${(err as Error).message}`));
    }
    if (workload.created && !o.keep) {
      ui.step(`Remove namespace ${NAMESPACE} (--keep leaves it)`);
      await removeWorkload(client).catch((err) => ui.note(`✗ ${(err as Error).message}`));
    }
  }
}
