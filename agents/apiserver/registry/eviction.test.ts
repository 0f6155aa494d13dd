import { describe, expect, it } from 'vitest';
import { encodeStatus, StatusError } from '../../api/errors';
import type { KubeObject } from '../../api/types';
import { budgetsFor, planEviction, spendBudget } from './eviction';

const NOW = '2026-01-01T00:00:00Z';

function pod(name: string, labels: Record<string, string>, phase = 'Running', ready = true): KubeObject {
  return {
    metadata: { name, namespace: 'default', labels },
    status: { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

function pdb(name: string, status: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject {
  return {
    metadata: { name, namespace: 'default', generation: 1 },
    spec: { selector: { matchLabels: { app: 'web' } }, ...extra },
    status: { observedGeneration: 1, ...status },
  };
}

function refusal(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error('expected a StatusError');
}

describe('which budgets guard a pod', () => {
  it('matches by selector in the pod namespace; an empty selector guards nothing', () => {
    const web = pod('w', { app: 'web' });
    const other = { ...pdb('other-ns', {}), metadata: { name: 'other-ns', namespace: 'kube-system' } };
    const empty = { ...pdb('empty', {}), spec: { selector: {} } };
    expect(budgetsFor(web, [pdb('web', {}), other, empty]).map((p) => p.metadata?.name)).toEqual(['web']);
    expect(budgetsFor(pod('d', { app: 'db' }), [pdb('web', {})])).toEqual([]);
  });
});

describe('planEviction', () => {
  const budget = pdb('web-pdb', { disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2 });
  it.each([
    ['a Pending pod ignores budgets', pod('p', { app: 'web' }, 'Pending'), 'delete'],
    ['a Succeeded pod ignores budgets', pod('p', { app: 'web' }, 'Succeeded'), 'delete'],
    ['an unguarded pod is deleted', pod('p', { app: 'db' }), 'delete'],
    ['a guarded Ready pod spends the budget', pod('p', { app: 'web' }), 'spend'],
    [
      'an unready pod goes free while the budget is met (3 ≥ 2)',
      pod('p', { app: 'web' }, 'Running', false),
      'delete',
    ],
  ])('%s', (_what, p, action) => {
    expect(planEviction(p, [budget]).action).toBe(action);
  });

  it('an unready pod spends the budget when it is not met (1 < 2), unless AlwaysAllow', () => {
    const short = pdb('web-pdb', { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 2 });
    const unready = pod('p', { app: 'web' }, 'Running', false);
    expect(planEviction(unready, [short]).action).toBe('spend');
    const always = pdb(
      'web-pdb',
      { currentHealthy: 1, desiredHealthy: 2 },
      { unhealthyPodEvictionPolicy: 'AlwaysAllow' },
    );
    expect(planEviction(unready, [always]).action).toBe('delete');
  });

  it('two budgets over one pod are a 500, as upstream', () => {
    const err = refusal(() => planEviction(pod('p', { app: 'web' }), [budget, pdb('second', {})]));
    expect(err.code).toBe(500);
    expect(err.message).toBe(
      'Internal error occurred: This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
    );
  });
});

describe('spendBudget', () => {
  it('takes one disruption and records the pod; the last one sets DisruptionAllowed=False', () => {
    const next = spendBudget(
      'web-1',
      pdb('web-pdb', { disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2 }),
      NOW,
    );
    expect(next.status).toMatchObject({
      disruptionsAllowed: 0,
      disruptedPods: { 'web-1': NOW },
      conditions: [{ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' }],
    });
    const roomy = spendBudget('web-1', pdb('web-pdb', { disruptionsAllowed: 2 }), NOW);
    expect(roomy.status).toMatchObject({ disruptionsAllowed: 1 });
    expect((roomy.status as { conditions?: unknown }).conditions).toBeUndefined();
  });

  it('refuses with upstream bytes when no disruption is allowed (3 needed, 2 healthy)', () => {
    const err = refusal(() =>
      spendBudget(
        'web-1',
        pdb('web-pdb', { disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 3 }),
        NOW,
      ),
    );
    expect(encodeStatus(err)).toBe(
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Cannot evict pod as it would violate the pod\'s disruption budget.","reason":"TooManyRequests","details":{"causes":[{"reason":"DisruptionBudget","message":"The disruption budget web-pdb needs 3 healthy pods and has 2 currently"}]},"code":429}\n',
    );
  });

  it('refuses a budget whose status is older than its spec with 429 and retry after 10 s', () => {
    const stale = {
      ...pdb('web-pdb', { disruptionsAllowed: 5 }),
      metadata: { name: 'web-pdb', namespace: 'default', generation: 2 },
    };
    const err = refusal(() => spendBudget('web-1', stale, NOW));
    expect(err.code).toBe(429);
    expect(err.status.details).toEqual({
      causes: [
        {
          reason: 'DisruptionBudget',
          message: 'The disruption budget web-pdb is still being processed by the server.',
        },
      ],
      retryAfterSeconds: 10,
    });
  });

  it('a negative budget is Forbidden', () => {
    const err = refusal(() => spendBudget('web-1', pdb('web-pdb', { disruptionsAllowed: -1 }), NOW));
    expect(err.code).toBe(403);
    expect(err.message).toBe(
      'poddisruptionbudget.policy "web-pdb" is forbidden: pdb disruptions allowed is negative',
    );
  });
});
