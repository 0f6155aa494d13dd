// One-line structured logs in klog's text layout, so `journalctl -u kube-scheduler` reads the
// same as an upstream node (k8s.io/klog/v2 header: Lmmdd hh:mm:ss.uuuuuu):
//
//   I1122 05:40:01.123456 scheduler] Successfully bound pod pod="default/web-1" node="minion-1"
//   E1122 05:40:02.000013 kubelet] SyncPod failed err="image pull: not found"
//
// Severity letters are klog's (I, W, E) plus D for debug, which klog spells as `-v=4` lines.
// Debug lines appear only when NODEKUBE_LOG_LEVEL=debug. Times are UTC (journald keeps its own
// local timestamp beside each line). Everything goes to stderr, as klog does by default.

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds these fields to every line (klog's LoggerWithValues). */
  with(fields: LogFields): Logger;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const SEVERITY: Record<LogLevel, { letter: string; rank: number }> = {
  debug: { letter: 'D', rank: 0 },
  info: { letter: 'I', rank: 1 },
  warn: { letter: 'W', rank: 2 },
  error: { letter: 'E', rank: 3 },
};

export interface LoggerOptions {
  /** Lowest level written; defaults to NODEKUBE_LOG_LEVEL, else 'info'. */
  level?: LogLevel;
  write?: (line: string) => void;
  now?: () => Date;
}

export function createLogger(component: string, opts: LoggerOptions = {}): Logger {
  const level = opts.level ?? levelFromEnv(process.env.NODEKUBE_LOG_LEVEL);
  const write = opts.write ?? ((line: string) => process.stderr.write(line));
  const now = opts.now ?? (() => new Date());
  const build = (base: LogFields): Logger => {
    const emit = (l: LogLevel) => (msg: string, fields?: LogFields) => {
      if (SEVERITY[l].rank < SEVERITY[level].rank) return;
      write(`${formatLine(SEVERITY[l].letter, now(), component, msg, { ...base, ...fields })}\n`);
    };
    return {
      debug: emit('debug'),
      info: emit('info'),
      warn: emit('warn'),
      error: emit('error'),
      with: (fields) => build({ ...base, ...fields }),
    };
  };
  return build({});
}

function levelFromEnv(v: string | undefined): LogLevel {
  const l = (v ?? '').toLowerCase();
  return l in SEVERITY ? (l as LogLevel) : 'info';
}

/** `I1122 05:40:01.123456 apiserver] msg key=value …` (microseconds as klog prints them). */
export function formatLine(
  letter: string,
  t: Date,
  component: string,
  msg: string,
  fields: LogFields,
): string {
  const p2 = (n: number) => String(n).padStart(2, '0');
  const date = `${p2(t.getUTCMonth() + 1)}${p2(t.getUTCDate())}`;
  const time = `${p2(t.getUTCHours())}:${p2(t.getUTCMinutes())}:${p2(t.getUTCSeconds())}`;
  const micros = String(t.getUTCMilliseconds() * 1000).padStart(6, '0');
  const kv = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}=${formatValue(v)}`)
    .join('');
  return `${letter}${date} ${time}.${micros} ${component}] ${msg.replace(/\n/g, '\\n')}${kv}`;
}

/** Values as klog's text format writes them: bare numbers/booleans, quoted strings, errors by message. */
export function formatValue(v: unknown): string {
  if (v instanceof Error) return JSON.stringify(v.message);
  if (typeof v === 'string') return /^[\w./:@-]+$/.test(v) ? v : JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || v === null)
    return String(v);
  if (v instanceof Date) return v.toISOString();
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return JSON.stringify(String(v));
  }
}
