// Writes systemd units and converges their services: rewrite a unit only when its text differs,
// restart a service only when its unit, a credential it reads or the bundle it runs changed,
// start what is not running.

import type { HostFacts } from './context';
import type { Remote } from './ssh';
import { filesRead, planServiceAction, renderUnit, type ServiceAction, type UnitSpec } from './units';

export const unitPath = (name: string) => `/etc/systemd/system/${name}.service`;

export async function activeStates(remote: Remote, names: string[]): Promise<Map<string, string>> {
  const r = await remote.exec(`systemctl is-active ${names.join(' ')}`, { allowFail: true });
  const states = r.stdout.split('\n');
  return new Map(names.map((n, i) => [n, states[i]?.trim() || 'unknown']));
}

/** Applies units in order (so etcd starts before the apiserver); returns a note per service. */
export async function applyUnits(
  remote: Remote,
  units: UnitSpec[],
  changes: Pick<HostFacts, 'bundleChanged' | 'changedFiles'>,
): Promise<string> {
  const changed = new Map<string, boolean>();
  for (const u of units)
    changed.set(u.name, await remote.writeFileIfChanged(unitPath(u.name), renderUnit(u)));
  if ([...changed.values()].some(Boolean)) await remote.exec('systemctl daemon-reload', { sudo: true });
  await remote.exec(`systemctl enable --quiet ${units.map((u) => `${u.name}.service`).join(' ')}`, {
    sudo: true,
  });
  const active = await activeStates(
    remote,
    units.map((u) => u.name),
  );
  const notes: string[] = [];
  for (const u of units) {
    const action: ServiceAction = planServiceAction({
      unitChanged: changed.get(u.name) ?? false,
      bundleChanged: changes.bundleChanged,
      usesBundle: u.usesBundle,
      filesChanged: filesRead(u).some((f) => changes.changedFiles.has(f)),
      active: active.get(u.name) === 'active',
    });
    if (action !== 'none')
      await remote.exec(`systemctl ${action} ${u.name}.service`, { sudo: true, timeoutMs: 90_000 });
    notes.push(`${u.name} ${action === 'none' ? 'unchanged' : action === 'start' ? 'started' : 'restarted'}`);
  }
  return notes.join(', ');
}

export interface UnitHealth {
  active: string;
  sub: string;
  restarts: number;
}

/** `systemctl show -p Id,ActiveState,SubState,NRestarts a b …` → per unit (blank-line separated). */
export function parseUnitShow(text: string): Map<string, UnitHealth> {
  const out = new Map<string, UnitHealth>();
  for (const block of text.split(/\n\s*\n/)) {
    const kv = Object.fromEntries(
      block.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    if (kv.Id)
      out.set(kv.Id.replace(/\.service$/, ''), {
        active: kv.ActiveState ?? 'unknown',
        sub: kv.SubState ?? '',
        restarts: Number(kv.NRestarts ?? 0),
      });
  }
  return out;
}

export async function unitHealth(remote: Remote, names: string[]): Promise<Map<string, UnitHealth>> {
  const r = await remote.exec(
    `systemctl show -p Id,ActiveState,SubState,NRestarts ${names.map((n) => `${n}.service`).join(' ')}`,
    {
      allowFail: true,
    },
  );
  return parseUnitShow(r.stdout);
}

/** Polls a command on the host until it succeeds; bounded, then throws with its last output. */
export async function waitOnHost(
  remote: Remote,
  what: string,
  command: string,
  timeoutMs: number,
  intervalMs = 1000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const r = await remote.exec(command, { allowFail: true, timeoutMs: 10_000 });
    if (r.code === 0) return;
    last = (r.stderr || r.stdout).trim().split('\n').slice(-1)[0] ?? '';
    await new Promise((res) => setTimeout(res, intervalMs));
  }
  throw new Error(`${what} not ready after ${timeoutMs / 1000}s${last ? ` (${last})` : ''}`);
}

/** The last lines of a unit's journal: the diagnosis printed when something does not come up. */
export async function journalTail(remote: Remote, unit: string, lines = 20): Promise<string> {
  const r = await remote.exec(`journalctl -u ${unit}.service -n ${lines} --no-pager -o cat`, {
    sudo: true,
    allowFail: true,
    timeoutMs: 15_000,
  });
  return (r.stdout || r.stderr).trim();
}
