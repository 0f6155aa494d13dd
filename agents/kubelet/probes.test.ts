import type { Pod, Probe } from 'kubernetes-types/core/v1';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProbeManager, resolvePort } from './probes';
import { FakeRuntime } from './runtime/fake';
import type { ContainerRuntime, RuntimeContainer } from './runtime/types';

/** A runtime whose exec probes answer from a table the test flips. */
function fakeRuntime(results: Map<string, number>): ContainerRuntime {
  return {
    execSync: async (_id: string, cmd: string[]) => ({
      exitCode: results.get(cmd.join(' ')) ?? 1,
      output: '',
    }),
  } as unknown as ContainerRuntime;
}

const exec = (command: string, extra: Partial<Probe> = {}): Probe => ({
  exec: { command: command.split(' ') },
  periodSeconds: 1,
  ...extra,
});

function setup(probes: { readinessProbe?: Probe; livenessProbe?: Probe; startupProbe?: Probe }) {
  const results = new Map<string, number>();
  const changes: string[] = [];
  const events: string[] = [];
  const m = new ProbeManager(
    fakeRuntime(results),
    { event: (_o, _t, reason, msg) => events.push(`${reason}: ${msg}`) },
    (uid) => changes.push(uid),
  );
  const pod: Pod = { metadata: { uid: 'u1' }, spec: { containers: [{ name: 'c', ...probes }] } };
  const c = {
    id: 'cid',
    containerName: 'c',
    state: 'running',
    isSandbox: false,
    isInit: false,
  } as RuntimeContainer;
  m.syncPod(pod, [c], '10.0.0.5');
  return { m, c, results, changes, events };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('ProbeManager', () => {
  it('readiness: not ready until the probe passes, unready after failureThreshold failures', async () => {
    const { m, c, results, changes } = setup({ readinessProbe: exec('check', { failureThreshold: 2 }) });
    expect(m.isReady(c)).toBe(false);
    results.set('check', 0);
    await vi.advanceTimersByTimeAsync(10);
    expect(m.isReady(c)).toBe(true);
    results.set('check', 1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(m.isReady(c)).toBe(true); // one failure is below the threshold
    await vi.advanceTimersByTimeAsync(1000);
    expect(m.isReady(c)).toBe(false);
    expect(changes).toEqual(['u1', 'u1']);
    m.stop();
  });

  it('liveness: failureThreshold failures mark the container for restart and raise Unhealthy events', async () => {
    const { m, results, events } = setup({
      livenessProbe: exec('alive', { failureThreshold: 3, initialDelaySeconds: 2 }),
    });
    results.set('alive', 1);
    await vi.advanceTimersByTimeAsync(2000 + 1000);
    expect(m.livenessFailed('u1').size).toBe(0); // two failures so far
    await vi.advanceTimersByTimeAsync(1000);
    expect([...m.livenessFailed('u1')]).toEqual(['cid']);
    expect(events).toHaveLength(3);
    expect(events[0]).toMatch(/^Unhealthy: Liveness probe failed: command exited with 1/);
    m.stop();
  });

  it('startup: liveness and readiness wait until the startup probe has passed', async () => {
    const { m, c, results } = setup({
      startupProbe: exec('started', { failureThreshold: 30 }),
      readinessProbe: exec('ready'),
      livenessProbe: exec('alive'),
    });
    results.set('ready', 0);
    results.set('alive', 1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(m.isStarted(c)).toBe(false);
    expect(m.isReady(c)).toBe(false);
    expect(m.livenessFailed('u1').size).toBe(0); // failing liveness is not run yet
    results.set('started', 0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(m.isStarted(c)).toBe(true);
    await vi.advanceTimersByTimeAsync(4000);
    expect(m.isReady(c)).toBe(true);
    expect(m.livenessFailed('u1').size).toBe(1); // now liveness runs, and fails
    m.removePod('u1');
  });

  it('a startup probe that never passes fails the container like liveness', async () => {
    const { m } = setup({ startupProbe: exec('started', { failureThreshold: 2 }) });
    await vi.advanceTimersByTimeAsync(2500);
    expect([...m.livenessFailed('u1')]).toEqual(['cid']);
    m.stop();
  });
});

describe('ProbeManager while the runtime is down', () => {
  it('throws exec probe results away instead of counting failures, and counts again once it answers', async () => {
    const rt = new FakeRuntime();
    const c = rt.seed({ podUid: 'u1', containerName: 'c' });
    const events: string[] = [];
    const m = new ProbeManager(rt, { event: (_o, _t, reason) => events.push(reason) }, () => undefined);
    const pod: Pod = {
      metadata: { uid: 'u1' },
      spec: { containers: [{ name: 'c', livenessProbe: exec('alive', { failureThreshold: 1 }) }] },
    };
    rt.down = 'refuse';
    m.syncPod(pod, [c], '10.0.0.5');
    await vi.advanceTimersByTimeAsync(5000);
    expect(m.livenessFailed('u1').size).toBe(0);
    expect(events).toEqual([]);
    rt.recover();
    rt.containers.get(c.id)!.state = 'exited'; // the fake's exec exits 1 in a stopped container
    await vi.advanceTimersByTimeAsync(1000);
    expect([...m.livenessFailed('u1')]).toEqual([c.id]);
    m.stop();
  });
});

describe('resolvePort', () => {
  it('takes numbers and names of the container ports', () => {
    const c = { name: 'c', ports: [{ name: 'http', containerPort: 8080 }] };
    expect(resolvePort(80, c)).toBe(80);
    expect(resolvePort('8081', c)).toBe(8081);
    expect(resolvePort('http', c)).toBe(8080);
    expect(() => resolvePort('grpc', c)).toThrow('not a named port');
  });
});
