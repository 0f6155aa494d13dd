import { describe, expect, it } from 'vitest';
import type { Context, HostStep } from './context';
import { parseVagrantConfig } from './inventory';
import { memoryReporter } from './report';
import { runSteps, StepFailed } from './run';
import type { Remote, Sessions } from './ssh';

const inv = parseVagrantConfig('host_groups: {master: 10.0.0.1, minion1: 10.0.0.2, minion2: 10.0.0.3}\n');

function context() {
  const out = memoryReporter();
  // The runner only asks Sessions for a Remote per host; these steps never use it.
  const sessions = { get: async () => ({}) as Remote } as unknown as Sessions;
  const ctx: Context = {
    inv,
    sessions,
    out,
    facts: new Map(),
    opts: { root: '.', kubeconfigPath: 'k', validateTimeoutMs: 1000, pollIntervalMs: 10 },
  };
  return { ctx, out };
}

const step = (title: string, run: HostStep['run'], hosts: HostStep['hosts'] = (i) => i.hosts): HostStep => ({
  title,
  hosts,
  run,
});

describe('runSteps', () => {
  it('runs hosts concurrently and reports each with its note', async () => {
    const { ctx, out } = context();
    let inFlight = 0;
    let maxInFlight = 0;
    await runSteps(ctx, [
      step('Say hello', async (_c, host) => {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await new Promise((r) => setTimeout(r, 20));
        inFlight--;
        return `hello from ${host.ip}`;
      }),
    ]);
    expect(maxInFlight).toBe(3);
    expect(out.lines[0]).toBe('• Say hello …');
    expect(out.lines.slice(1).sort()).toEqual([
      '✓ master hello from 10.0.0.1',
      '✓ minion1 hello from 10.0.0.2',
      '✓ minion2 hello from 10.0.0.3',
    ]);
  });

  it('collects every failing host, then stops before the next step', async () => {
    const { ctx, out } = context();
    let secondRan = false;
    const failing = step('Break minions', async (_c, host) => {
      if (host.name.startsWith('minion')) throw new Error(`${host.name}: disk on fire`);
      return undefined;
    });
    const next = step('Never', async () => {
      secondRan = true;
      return undefined;
    });
    const err = await runSteps(ctx, [failing, next]).catch((e) => e);
    expect(err).toBeInstanceOf(StepFailed);
    expect((err as StepFailed).failures.map((f) => f.host).sort()).toEqual(['minion1', 'minion2']);
    expect(out.lines).toContain('✗ minion1: disk on fire');
    expect(secondRan).toBe(false);
  });

  it('runs a step only on the hosts it selects', async () => {
    const { ctx } = context();
    const seen: string[] = [];
    await runSteps(ctx, [
      step(
        'Master only',
        async (_c, h) => void seen.push(h.name),
        (i) => i.hosts.filter((h) => h.roles.includes('master')),
      ),
    ]);
    expect(seen).toEqual(['master']);
  });
});
