// A reader for the Prometheus text exposition format (0.0.4), enough for the kubelet's
// /metrics/resource: `name{label="value",…} value [timestamp-ms]`, comments skipped, label values
// unescaped (\\ \" \n). Pure.

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs?: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)(?:\s+(-?\d+))?\s*$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/y;

function parseValue(v: string): number {
  if (v === '+Inf') return Number.POSITIVE_INFINITY;
  if (v === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(v); // NaN stays NaN
}

function parseLabels(body: string, line: string): Record<string, string> {
  const out: Record<string, string> = {};
  const inner = body.slice(1, -1);
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < inner.length) {
    const m = LABEL.exec(inner);
    if (!m) throw new Error(`bad labels in metrics line: ${line}`);
    out[m[1]] = m[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return out;
}

export function parsePrometheusText(text: string): PromSample[] {
  const out: PromSample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) throw new Error(`bad metrics line: ${line}`);
    out.push({
      name: m[1],
      labels: m[2] ? parseLabels(m[2], line) : {},
      value: parseValue(m[3]),
      ...(m[4] !== undefined ? { timestampMs: Number(m[4]) } : {}),
    });
  }
  return out;
}
