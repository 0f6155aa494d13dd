// Leader election on a real Lease: of two candidates one leads; when it stops (releasing the
// Lease) the other takes over; a candidate that cannot renew steps down.
import type { Lease } from 'kubernetes-types/coordination/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { R } from '../../agents/api/resources';
import type { KubeObject } from '../../agents/api/types';
import { type ApiClient, createClient, runLeaderElection } from '../../agents/client';
import { type ControlPlane, startControlPlane } from '../support/apiserver';

let cp: ControlPlane;
let client: ApiClient;
const quiet = { info() {}, error() {} };

beforeAll(async () => {
  cp = await startControlPlane({ name: 'apiserver-leader-test' });
  client = createClient({ baseUrl: cp.url });
});
afterAll(async () => {
  await cp?.stop();
});

function candidate(identity: string, leading: string[]) {
  const stop = new AbortController();
  const done = runLeaderElection({
    client,
    name: 'test-leader',
    identity,
    leaseDurationMs: 3000,
    renewDeadlineMs: 2000,
    retryPeriodMs: 300,
    signal: stop.signal,
    log: quiet,
    onStartedLeading: (signal) => {
      leading.push(identity);
      signal.addEventListener('abort', () => leading.splice(leading.indexOf(identity), 1));
    },
  });
  return { stop: () => stop.abort(), done };
}

describe('leader election', () => {
  it('elects one leader, hands over when it stops, and records the holder on the Lease', async () => {
    const leading: string[] = [];
    const a = candidate('a', leading);
    await expect.poll(() => leading, { timeout: 10_000 }).toEqual(['a']);
    const b = candidate('b', leading);
    const lease = await client.get<Lease & KubeObject>(R.leases, 'kube-system', 'test-leader');
    expect(lease.spec).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 3 });
    // b keeps campaigning but never overlaps with a.
    await new Promise((r) => setTimeout(r, 1000));
    expect(leading).toEqual(['a']);

    a.stop();
    await a.done;
    await expect.poll(() => leading, { timeout: 10_000 }).toEqual(['b']);
    const after = await client.get<Lease & KubeObject>(R.leases, 'kube-system', 'test-leader');
    expect(after.spec?.holderIdentity).toBe('b');
    expect(after.spec?.leaseTransitions).toBeGreaterThanOrEqual(1);
    b.stop();
    await b.done;
  });
});
