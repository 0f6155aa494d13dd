// Resource quantities as Kubernetes writes them (apimachinery pkg/api/resource/quantity.go):
//
//   <sign><digits>[.<digits>]<suffix>      "250m", "1.5", "128Mi", "2Gi", "1e3", "-0.5k"
//
// Suffixes are binary (Ki Mi Gi Ti Pi Ei: powers of 1024), decimal SI (n u m "" k M G T P E:
// powers of 1000) or a decimal exponent (e3, E-2). Upstream keeps quantities as exact decimals;
// nodekube only adds and compares requests, so a float in base units (cores, bytes) is enough,
// and the integer helpers round up as upstream's MilliValue()/Value() do.

const BINARY: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const DECIMAL: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

// number part, then everything after it is the suffix (checked against the tables below).
const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(.*)$/;

/** A quantity in base units: cores for cpu ("250m" → 0.25), bytes for memory ("1Ki" → 1024). */
export function parseQuantity(q: string | number): number {
  if (typeof q === 'number') {
    if (!Number.isFinite(q)) throw new Error(`quantity ${q} is not a finite number`);
    return q;
  }
  const m = QUANTITY.exec(q.trim());
  if (!m || q.trim() !== q) throw invalid(q);
  const [, digits, suffix] = m;
  return Number(digits) * multiplier(q, suffix);
}

function multiplier(q: string, suffix: string): number {
  if (suffix in BINARY) return BINARY[suffix];
  if (suffix in DECIMAL) return DECIMAL[suffix];
  const exp = /^[eE]([+-]?\d+)$/.exec(suffix);
  if (exp) return 10 ** Number(exp[1]);
  throw invalid(q);
}

function invalid(q: string): Error {
  return new Error(
    `quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': "${q}"`,
  );
}

/** CPU in millicores, rounded up: "250m" → 250, "0.5" → 500, "1" → 1000, "0.1m" → 1. */
export function cpuMillis(q: string | number): number {
  return roundUp(parseQuantity(q) * 1000);
}

/** Memory in bytes, rounded up: "128Mi" → 134217728, "1G" → 1e9. */
export function memoryBytes(q: string | number): number {
  return roundUp(parseQuantity(q));
}

// Float products such as 0.29 * 1000 = 289.99999999999994 must not round up to 291.
function roundUp(v: number): number {
  const nearest = Math.round(v);
  return Math.abs(v - nearest) < 1e-6 ? nearest : Math.ceil(v);
}

/** Millicores back to canonical text: 250 → "250m", 2000 → "2". */
export function formatCpuMillis(n: number): string {
  return n % 1000 === 0 ? String(n / 1000) : `${n}m`;
}

/** Bytes to the largest exact binary suffix: 1073741824 → "1Gi", 1536 Mi → "1536Mi", 1000 → "1000". */
export function formatBytes(n: number): string {
  if (n === 0) return '0';
  for (const suffix of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki']) {
    const unit = BINARY[suffix];
    if (n % unit === 0) return `${n / unit}${suffix}`;
  }
  return String(n);
}

const DECIMAL_UP = ['n', 'u', 'm', '', 'k', 'M', 'G', 'T', 'P', 'E'];

/**
 * Nanocores as canonical decimal text, the way metrics-server writes CPU usage
 * (resource.NewScaledQuantity(n, -9).String()): the largest suffix that loses nothing.
 *   12345678 → "12345678n", 50 000 000 → "50m", 2 000 000 000 → "2", 0 → "0"
 */
export function formatNanoCores(nanoCores: number): string {
  let n = Math.round(nanoCores);
  if (n === 0) return '0';
  let i = 0;
  while (n % 1000 === 0 && i < DECIMAL_UP.length - 1) {
    n /= 1000;
    i++;
  }
  return `${n}${DECIMAL_UP[i]}`;
}

/**
 * Milli-units as canonical decimal text (resource.NewMilliQuantity(n, DecimalSI).String()), how
 * the autoscaler writes averages into its status: 35 → "35m", 1500 → "1500m", 52428800000 → "52428800".
 */
export function formatMilli(milli: number): string {
  return formatNanoCores(Math.round(milli) * 1e6);
}
