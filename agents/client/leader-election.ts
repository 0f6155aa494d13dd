// Leader election on a coordination.k8s.io/v1 Lease (client-go tools/leaderelection:
// leaderelection.go, resourcelock/leaselock.go). Every candidate loops:
//   - try to acquire: create the Lease, or take it over when its holder stopped renewing for
//     leaseDuration (measured on OUR clock from when we last saw the record change, so clock
//     skew between machines does not matter), with an update guarded by resourceVersion;
//   - once leader, renew every retryPeriod; if no renewal succeeds within renewDeadline, stop
//     leading (abort the signal handed to onStartedLeading) — two leaders must never overlap.

import type { Lease } from 'kubernetes-types/coordination/v1';
import { isAlreadyExists, isConflict, isNotFound } from '../api/errors';
import { R } from '../api/resources';
import type { Mutable } from '../api/types';
import { sleepUnlessAborted } from './informer';
import { defaultLogger, type Logger } from './logger';
import type { ApiClient } from './types';

export interface LeaderElectionOptions {
  client: ApiClient;
  name: string;
  namespace?: string;
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  onStartedLeading: (signal: AbortSignal) => void | Promise<void>;
  onStoppedLeading?: () => void;
  /** Stop campaigning; a leader releases the Lease so a successor need not wait out the duration. */
  signal?: AbortSignal;
  nowFn?: () => number;
  log?: Logger;
}

/** What we last saw of the Lease, and when (on our clock). */
export interface Observation {
  holder: string;
  renewTime: string;
  observedAt: number;
}

export type LeaseVerdict = 'create' | 'take' | 'renew' | 'held';

/** Pure: may `identity` write the Lease now? */
export function judgeLease(
  lease: Lease | undefined,
  identity: string,
  seen: Observation | undefined,
  now: number,
  leaseDurationMs: number,
): LeaseVerdict {
  if (!lease) return 'create';
  const holder = lease.spec?.holderIdentity ?? '';
  if (holder === identity) return 'renew';
  if (!holder) return 'take';
  const sameAsSeen = seen && seen.holder === holder && seen.renewTime === (lease.spec?.renewTime ?? '');
  const since = sameAsSeen ? seen.observedAt : now;
  return now - since >= leaseDurationMs ? 'take' : 'held';
}

/** MicroTime as the API writes it: RFC 3339 with microseconds. */
export const microTime = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');

export async function runLeaderElection(opts: LeaderElectionOptions): Promise<void> {
  const { client, name, identity, nowFn = Date.now } = opts;
  const namespace = opts.namespace ?? 'kube-system';
  const leaseDurationMs = opts.leaseDurationMs ?? 15_000;
  const renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
  const retryPeriodMs = opts.retryPeriodMs ?? 2_000;
  const log = opts.log ?? defaultLogger(`leader-election ${namespace}/${name}`);
  const outer = opts.signal ?? new AbortController().signal;
  let seen: Observation | undefined;

  async function tryAcquireOrRenew(): Promise<boolean> {
    let lease: Lease | undefined;
    try {
      lease = await client.get<Lease & { [k: string]: unknown }>(R.leases, namespace, name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const now = nowFn();
    if (lease) {
      const holder = lease.spec?.holderIdentity ?? '';
      const renewTime = lease.spec?.renewTime ?? '';
      if (!seen || seen.holder !== holder || seen.renewTime !== renewTime)
        seen = { holder, renewTime, observedAt: now };
    }
    const verdict = judgeLease(lease, identity, seen, now, leaseDurationMs);
    if (verdict === 'held') return false;
    const spec = {
      holderIdentity: identity,
      leaseDurationSeconds: Math.round(leaseDurationMs / 1000),
      acquireTime: verdict === 'renew' ? lease?.spec?.acquireTime : microTime(now),
      renewTime: microTime(now),
      leaseTransitions: (lease?.spec?.leaseTransitions ?? 0) + (verdict === 'take' ? 1 : 0),
    };
    try {
      if (verdict === 'create') {
        await client.create(R.leases, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name, namespace },
          spec,
        });
      } else {
        const next = { ...(lease as Mutable<Lease>), spec } as Lease & { [k: string]: unknown };
        await client.update(R.leases, next);
      }
    } catch (err) {
      if (isConflict(err) || isAlreadyExists(err)) return false;
      throw err;
    }
    seen = { holder: identity, renewTime: spec.renewTime, observedAt: now };
    return true;
  }

  async function attempt(): Promise<boolean> {
    try {
      return await tryAcquireOrRenew();
    } catch (err) {
      log.error(`error retrieving or updating lease: ${(err as Error).message}`);
      return false;
    }
  }

  async function release(): Promise<void> {
    try {
      const lease = await client.get<Lease & { [k: string]: unknown }>(R.leases, namespace, name);
      if (lease.spec?.holderIdentity !== identity) return;
      const now = microTime(nowFn());
      await client.update(R.leases, {
        ...lease,
        spec: { ...lease.spec, holderIdentity: '', renewTime: now, leaseDurationSeconds: 1 },
      });
    } catch (err) {
      log.error(`could not release lease: ${(err as Error).message}`);
    }
  }

  // Campaign until we hold the Lease.
  while (!outer.aborted && !(await attempt()))
    await sleepUnlessAborted(retryPeriodMs * (1 + Math.random() * 0.2), outer);
  if (outer.aborted) return;
  log.info(`successfully acquired lease ${namespace}/${name} as ${identity}`);

  const leading = new AbortController();
  outer.addEventListener('abort', () => leading.abort(), { once: true });
  const work = Promise.resolve().then(() => opts.onStartedLeading(leading.signal));
  work.catch((err) => log.error(`leader work failed: ${(err as Error).message}`));

  // Renew; give up leadership when renewals fail for renewDeadline.
  let lastRenew = nowFn();
  while (!leading.signal.aborted) {
    await sleepUnlessAborted(retryPeriodMs, leading.signal);
    if (leading.signal.aborted) break;
    if (await attempt()) lastRenew = nowFn();
    else if (nowFn() - lastRenew >= renewDeadlineMs) {
      log.error(`failed to renew lease ${namespace}/${name} within ${renewDeadlineMs} ms; stopping leading`);
      leading.abort();
    }
  }
  if (outer.aborted) await release();
  opts.onStoppedLeading?.();
}
