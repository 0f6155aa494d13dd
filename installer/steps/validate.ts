// Validation the way kube-up.sh's validate-cluster.sh did it, with its lines, but bounded and
// with a diagnosis: poll the nodes every 2 s until every minion is Ready ("Waiting for 3 ready
// nodes. 1 ready nodes, 2 registered. Retrying."), print "Found 3 node(s)." and the node table,
// then the componentstatuses ("Validate output:") until all are Healthy, then
// "Cluster validation succeeded". On timeout: which host, which unit, its last journal lines.
import type { ComponentStatus, Node } from 'kubernetes-types/core/v1';
import { R } from '../../agents/api/resources';
import type { ApiClient } from '../../agents/client/types';
import { clusterClient } from '../api';
import type { Context, LocalStep } from '../context';
import { apiUrlOf, findHost, masterOf, minionsOf } from '../inventory';
import { journalTail, type UnitHealth, unitHealth } from '../services';
import { componentHealthy, componentTable, nodeReady, nodeTable } from '../tables';

export const EXPECTED_COMPONENTS = ['etcd-0', 'controller-manager', 'scheduler'];
/** Which unit answers for a component, and in which order to suspect a minion's units. */
export const COMPONENT_UNITS: Record<string, string> = {
  'etcd-0': 'etcd',
  'controller-manager': 'kube-controller-manager',
  scheduler: 'kube-scheduler',
};
export const MINION_UNITS = ['docker', 'kubelet', 'kube-proxy', 'kube-hostgw'];
export const MASTER_UNITS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];

export interface Readiness {
  ready: string[];
  registered: string[];
  missing: string[];
  notReady: string[];
}

export function readiness(nodes: Node[], expected: string[]): Readiness {
  const byName = new Map(nodes.map((n) => [n.metadata?.name ?? '', n]));
  const registered = expected.filter((name) => byName.has(name));
  const ready = registered.filter((name) => nodeReady(byName.get(name) as Node) === 'True');
  return {
    ready,
    registered,
    missing: expected.filter((n) => !byName.has(n)),
    notReady: registered.filter((n) => !ready.includes(n)),
  };
}

export const waitingLine = (want: number, r: Readiness) =>
  `Waiting for ${want} ready nodes. ${r.ready.length} ready nodes, ${r.registered.length} registered. Retrying.`;

/**
 * The unit that explains a failure: the first, in an order where causes come before effects
 * (docker before kubelet), that is not running or keeps restarting (a crash loop looks "active"
 * between restarts). When all look fine, the kubelet (or the first unit) is the one to read.
 */
export function suspectUnit(
  health: Map<string, UnitHealth>,
  order: string[],
): { unit: string; state: string } {
  for (const unit of order) {
    const h = health.get(unit);
    if (!h) return { unit, state: 'not installed' };
    if (h.active !== 'active' || h.restarts > 0) {
      return { unit, state: `${h.active} (${h.sub}${h.restarts ? `, ${h.restarts} restarts` : ''})` };
    }
  }
  return { unit: order.includes('kubelet') ? 'kubelet' : order[0], state: 'active (running)' };
}

export class ValidationFailed extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** SSH to a host, find the unit that explains the failure, print its journal; returns "host: unit state". */
async function diagnose(ctx: Context, hostName: string, order: string[], why: string): Promise<string> {
  const host = findHost(ctx.inv, hostName);
  try {
    const remote = await ctx.sessions.get(host);
    const { unit, state } = suspectUnit(await unitHealth(remote, order), order);
    ctx.out.line(
      `${hostName}: ${why}; unit ${unit} is ${state}. Last journal lines (journalctl -u ${unit}):`,
    );
    ctx.out.line((await journalTail(remote, unit)).replace(/^/gm, '    '));
    return `${hostName}: ${unit} is ${state} (${why})`;
  } catch (err) {
    return `${hostName}: ${why}; could not inspect it over SSH (${(err as Error).message})`;
  }
}

export async function validateCluster(ctx: Context): Promise<void> {
  const api = apiUrlOf(ctx.inv);
  const client = await clusterClient(ctx, 'nodekube-installer/validate', { requestTimeoutMs: 5_000 });
  const expected = minionsOf(ctx.inv).map((h) => h.name);
  const deadline = Date.now() + ctx.opts.validateTimeoutMs;
  let last: Readiness | undefined;
  let lastLine = '';
  let apiError = '';
  let nodes: Node[] = [];
  while (Date.now() < deadline) {
    try {
      nodes = ((await client.list(R.nodes)).items ?? []) as Node[];
      apiError = '';
      last = readiness(nodes, expected);
      if (last.ready.length === expected.length) break;
      const line = waitingLine(expected.length, last);
      if (line !== lastLine) ctx.out.line(line);
      lastLine = line;
    } catch (err) {
      apiError = (err as Error).message;
    }
    await sleep(ctx.opts.pollIntervalMs);
  }
  const bound = `${Math.round(ctx.opts.validateTimeoutMs / 1000)}s`;
  if (apiError) {
    const d = await diagnose(
      ctx,
      masterOf(ctx.inv).name,
      ['etcd', 'kube-apiserver'],
      `apiserver ${api} not answering within ${bound} (${apiError})`,
    );
    throw new ValidationFailed(`Cluster validation failed: ${d}`);
  }
  if (!last || last.ready.length < expected.length) {
    const r = last ?? readiness([], expected);
    const bad = [...r.missing.map((n) => [n, 'not registered']), ...r.notReady.map((n) => [n, 'not Ready'])];
    const found = await Promise.all(
      bad.map(([n, why]) => diagnose(ctx, n, MINION_UNITS, `node ${why} after ${bound}`)),
    );
    throw new ValidationFailed(`Cluster validation failed: ${found.join('; ')}`);
  }
  ctx.out.line(`Found ${nodes.length} node(s).`);
  ctx.out.line(nodeTable(nodes, Date.now()));
  await validateComponents(ctx, client, deadline, bound);
  ctx.out.line('Cluster validation succeeded');
}

async function validateComponents(
  ctx: Context,
  client: ApiClient,
  deadline: number,
  bound: string,
): Promise<void> {
  let items: ComponentStatus[] = [];
  let error = '';
  do {
    try {
      items = ((await client.list(R.componentstatuses)).items ?? []) as ComponentStatus[];
      error = '';
      if (
        EXPECTED_COMPONENTS.every((name) =>
          items.some((c) => c.metadata?.name === name && componentHealthy(c)),
        )
      )
        break;
    } catch (err) {
      error = (err as Error).message;
    }
    await sleep(ctx.opts.pollIntervalMs);
  } while (Date.now() < deadline);
  ctx.out.line('Validate output:');
  ctx.out.line(error ? `(${error})` : componentTable(items));
  const unhealthy = EXPECTED_COMPONENTS.filter(
    (name) => !items.some((c) => c.metadata?.name === name && componentHealthy(c)),
  );
  if (error || unhealthy.length) {
    const master = masterOf(ctx.inv).name;
    const found = [];
    for (const name of error ? ['etcd-0'] : unhealthy) {
      found.push(
        await diagnose(
          ctx,
          master,
          [COMPONENT_UNITS[name], 'kube-apiserver'],
          `${name} not Healthy after ${bound}`,
        ),
      );
    }
    throw new ValidationFailed(`Cluster validation failed: ${found.join('; ')}`);
  }
}

export const validate: LocalStep = {
  title: 'Validating cluster',
  local: true,
  async run(ctx) {
    await validateCluster(ctx);
    return undefined;
  },
};
