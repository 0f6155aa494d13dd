// A small cron parser (the format upstream's CronJob accepts through robfig/cron's standard
// parser): five fields, minute hour day-of-month month day-of-week, each `*`, `n`, `a-b`,
// `*/n`, `a-b/n` or a comma list of those, month and weekday names, `?` as `*`, and the
// macros @yearly @annually @monthly @weekly @daily @midnight @hourly. Times are UTC.
//
// Day matching follows cron (and robfig): when both day fields are restricted, a day matches if
// EITHER does ("0 0 1 * 1" is the 1st and every Monday); when one is `*`, both must match.

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface FieldSpec {
  min: number;
  max: number;
  names?: string[];
  /** Index of the first name (months start at 1). */
  nameBase?: number;
}
const FIELDS: FieldSpec[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS, nameBase: 1 },
  { min: 0, max: 7, names: DAYS, nameBase: 0 },
];

export interface Schedule {
  minute: Set<number>;
  hour: Set<number>;
  dom: Set<number>;
  month: Set<number>;
  dow: Set<number>;
  domStar: boolean;
  dowStar: boolean;
}

export function parseSchedule(text: string): Schedule {
  const expanded = MACROS[text.trim().toLowerCase()] ?? text.trim();
  const parts = expanded.split(/\s+/);
  if (parts.length !== 5) throw new Error(`expected exactly 5 fields, found ${parts.length}: ${text}`);
  const sets = parts.map((p, i) => parseField(p, FIELDS[i]));
  const dow = sets[4];
  if (dow.has(7)) dow.add(0); // 7 is Sunday too
  dow.delete(7);
  const star = (p: string) => p === '*' || p === '?' || p.startsWith('*/');
  return {
    minute: sets[0],
    hour: sets[1],
    dom: sets[2],
    month: sets[3],
    dow,
    domStar: star(parts[2]),
    dowStar: star(parts[4]),
  };
}

function parseField(text: string, f: FieldSpec): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`invalid step "${stepText}" in "${text}"`);
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') [lo, hi] = [f.min, f.max];
    else {
      const [a, b] = range.split('-');
      lo = value(a, f);
      hi = b === undefined ? (stepText === undefined ? lo : f.max) : value(b, f);
    }
    if (lo < f.min || hi > f.max || lo > hi)
      throw new Error(`value out of range in "${text}" (${f.min}-${f.max})`);
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

function value(text: string, f: FieldSpec): number {
  const i = f.names?.indexOf(text.toLowerCase()) ?? -1;
  if (i >= 0) return i + (f.nameBase ?? 0);
  if (!/^\d+$/.test(text)) throw new Error(`invalid value "${text}"`);
  return Number(text);
}

function dayMatches(s: Schedule, d: Date): boolean {
  const dom = s.dom.has(d.getUTCDate());
  const dow = s.dow.has(d.getUTCDay());
  return s.domStar || s.dowStar ? dom && dow : dom || dow;
}

/** The first scheduled minute strictly after `t` (ms), or undefined if none within 5 years. */
export function nextAfter(s: Schedule, t: number): number | undefined {
  const d = new Date(Math.floor(t / 60_000) * 60_000 + 60_000);
  const limit = t + 5 * 366 * 24 * 3_600_000;
  while (d.getTime() <= limit) {
    if (!s.month.has(d.getUTCMonth() + 1)) {
      d.setUTCMonth(d.getUTCMonth() + 1, 1);
      d.setUTCHours(0, 0, 0, 0);
    } else if (!dayMatches(s, d)) {
      d.setUTCDate(d.getUTCDate() + 1);
      d.setUTCHours(0, 0, 0, 0);
    } else if (!s.hour.has(d.getUTCHours())) {
      d.setUTCHours(d.getUTCHours() + 1, 0, 0, 0);
    } else if (!s.minute.has(d.getUTCMinutes())) {
      d.setUTCMinutes(d.getUTCMinutes() + 1, 0, 0);
    } else return d.getTime();
  }
  return undefined;
}

/**
 * The latest scheduled time in (since, now], and how many were missed in between
 * (upstream warns past 100 missed starts and only runs the latest).
 */
export function mostRecent(s: Schedule, since: number, now: number): { time?: number; missed: number } {
  let time: number | undefined;
  let missed = 0;
  for (let t = nextAfter(s, since); t !== undefined && t <= now; t = nextAfter(s, t)) {
    time = t;
    missed++;
    if (missed > 100_000) break;
  }
  return { time, missed };
}
