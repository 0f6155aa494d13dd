// Ages the way `kubectl get` prints them: apimachinery pkg/util/duration HumanDuration, which
// keeps two or three significant figures ("45s", "2m29s", "5m", "7h3m", "20h", "3d4h", "45d", "2y3d").
// The server renders these strings into Table cells, so the client prints what we compute here.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** HumanDuration for a span in milliseconds. */
export function humanDuration(ms: number): string {
  // A clock a second behind the writer's still reads as "0s", as upstream tolerates.
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 10) return withRest(minutes, 'm', seconds % 60, 's');
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) return withRest(hours, 'h', minutes % 60, 'm');
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) return withRest(days, 'd', hours % 24, 'h');
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) return withRest(years, 'y', days % 365, 'd');
  return `${years}y`;
}

function withRest(n: number, unit: string, rest: number, restUnit: string): string {
  return rest === 0 ? `${n}${unit}` : `${n}${unit}${rest}${restUnit}`;
}

/** Time since an RFC 3339 timestamp, or `<unknown>` when it is unset (translateTimestampSince). */
export function since(now: Date, timestamp: string | undefined | null): string {
  if (!timestamp) return '<unknown>';
  const t = Date.parse(timestamp);
  if (Number.isNaN(t)) return '<unknown>';
  return humanDuration(now.getTime() - t);
}

/** The span between two timestamps (a Job's start and completion). */
export function between(from: string, to: string): string {
  return humanDuration(Date.parse(to) - Date.parse(from));
}
