// Runs a runbook: steps in order; within a step, hosts concurrently (kind's AggregateConcurrent).
// A step's failures are collected per host and stop the runbook after that step, so the user sees
// every host that failed, not just the first.
import { type Context, isLocal, type Step } from './context';

export class StepFailed extends Error {
  constructor(
    readonly step: string,
    readonly failures: { host: string; reason: string }[],
  ) {
    super(`${step} failed on ${failures.map((f) => f.host).join(', ')} (reasons above)`);
  }
}

export async function runStep(ctx: Context, step: Step): Promise<void> {
  ctx.out.step(step.title);
  if (isLocal(step)) {
    const t0 = Date.now();
    try {
      const note = await step.run(ctx);
      ctx.out.ok('local', Date.now() - t0, note);
    } catch (err) {
      const reason = (err as Error).message;
      ctx.out.fail('local', Date.now() - t0, reason);
      throw new StepFailed(step.title, [{ host: 'local', reason }]);
    }
    return;
  }
  const failures: { host: string; reason: string }[] = [];
  await Promise.all(
    step.hosts(ctx.inv).map(async (host) => {
      const t0 = Date.now();
      try {
        const remote = await ctx.sessions.get(host);
        const note = await step.run(ctx, host, remote);
        ctx.out.ok(host.name, Date.now() - t0, note);
      } catch (err) {
        const reason = (err as Error).message.replace(`${host.name}: `, '');
        failures.push({ host: host.name, reason });
        ctx.out.fail(host.name, Date.now() - t0, reason);
      }
    }),
  );
  if (failures.length) throw new StepFailed(step.title, failures);
}

export async function runSteps(ctx: Context, steps: Step[]): Promise<void> {
  for (const step of steps) await runStep(ctx, step);
}
