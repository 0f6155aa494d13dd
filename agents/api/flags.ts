// Flags the way the upstream binaries take them: `--name=value` or `--name value`, booleans as
// `--flag` or `--flag=false`, durations as Go writes them (`40s`, `5m0s`, `1h`, `500ms`).
// Each component declares one typed flags object with its defaults and gets it back filled in;
// unknown flags are an error that names the flag, so a typo in a systemd unit fails loudly.

export type FlagValue = string | number | boolean;
export type FlagSpec<T extends Record<string, FlagValue>> = { [K in keyof T]: T[K] };

/** camelCase field name ↔ kebab-case flag name: `nodeMonitorGracePeriod` ↔ `--node-monitor-grace-period`. */
export function flagName(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export class FlagError extends Error {
  override name = 'FlagError';
}

/**
 * Parse argv against defaults. The type of each default decides how its flag is read: numbers
 * must be numbers, booleans accept true/false. Durations are strings; read them with parseDuration.
 */
export function parseFlags<T extends Record<string, FlagValue>>(argv: string[], defaults: T): T {
  const out: Record<string, FlagValue> = { ...defaults };
  const fields = new Map(Object.keys(defaults).map((f) => [flagName(f), f]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new FlagError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const field = fields.get(name);
    if (!field) throw new FlagError(`unknown flag: --${name}`);
    const def = defaults[field];
    let raw: string;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else if (typeof def === 'boolean') raw = 'true';
    else if (i + 1 < argv.length) raw = argv[++i];
    else throw new FlagError(`flag needs an argument: --${name}`);
    out[field] = coerce(name, raw, def);
  }
  return out as T;
}

function coerce(name: string, raw: string, def: FlagValue): FlagValue {
  if (typeof def === 'number') {
    const n = Number(raw);
    if (!Number.isFinite(n)) throw new FlagError(`invalid argument "${raw}" for "--${name}": not a number`);
    return n;
  }
  if (typeof def === 'boolean') {
    if (raw !== 'true' && raw !== 'false')
      throw new FlagError(`invalid argument "${raw}" for "--${name}": want true or false`);
    return raw === 'true';
  }
  return raw;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go duration text to milliseconds: `40s` → 40000, `5m0s` → 300000, `1h30m` → 5400000. */
export function parseDuration(text: string): number {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * UNIT_MS[m[2]];
    matched = re.lastIndex;
  }
  if (matched === 0 || matched !== text.length) throw new FlagError(`invalid duration "${text}"`);
  return total;
}

/** Render flags back to a command line (for systemd units and the "Running …" start-up log line). */
export function renderFlags(flags: Record<string, FlagValue>): string[] {
  return Object.entries(flags).map(([k, v]) => `--${flagName(k)}=${v}`);
}

/** Milliseconds as Go's Duration.String(): 10000 → "10s", 10500 → "10.5s", 90000 → "1m30s", 0 → "0s". */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  if (rest < 1000) return `${sign}${rest}ms`;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = `${Number((rest / 1000).toFixed(3))}s`;
  if (h) return `${sign}${h}h${m}m${s}`;
  if (m) return `${sign}${m}m${s}`;
  return `${sign}${s}`;
}
