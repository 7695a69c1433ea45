/**
 * One published number as the API gives it: a plain number (exact, at the anonymized level), a
 * suppressed cell (`{suppressed: true}`: too few people behind it), or a differentially private
 * value with its interval. The dashboard shows each for what it is; this reads any of the forms.
 */
export type Metric =
  | { kind: 'exact'; value: number }
  | { kind: 'suppressed'; reason: string | null }
  | { kind: 'dp'; value: number; low: number | null; high: number | null; epsilon: string | null }
  | { kind: 'missing' };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : null);

function interval(o: Obj): { low: number | null; high: number | null } | null {
  for (const k of ['interval95', 'interval', 'ci95', 'ci', 'confidenceInterval']) {
    const v = o[k];
    if (Array.isArray(v) && v.length === 2) return { low: num(v[0]), high: num(v[1]) };
    if (isObj(v)) return { low: num(v.low ?? v.lower ?? v.lo), high: num(v.high ?? v.upper ?? v.hi) };
  }
  if ('low' in o || 'high' in o || 'lower' in o || 'upper' in o) return { low: num(o.low ?? o.lower), high: num(o.high ?? o.upper) };
  return null;
}

export function readMetric(v: unknown): Metric {
  const n = num(v);
  if (n !== null) return { kind: 'exact', value: n };
  if (!isObj(v)) return { kind: 'missing' };
  if (v.suppressed === true) return { kind: 'suppressed', reason: typeof v.reason === 'string' ? v.reason : null };
  const value = num(v.value ?? v.estimate ?? v.count ?? v.noisy);
  if (value === null) return { kind: 'missing' };
  const iv = interval(v);
  const epsilon = typeof v.epsilon === 'string' ? v.epsilon : typeof v.epsilon === 'number' ? String(v.epsilon) : null;
  const exact = v.mechanism === 'exact' || epsilon === 'infinity' || (iv === null && epsilon === null);
  if (exact) return { kind: 'exact', value };
  return { kind: 'dp', value, low: iv?.low ?? null, high: iv?.high ?? null, epsilon };
}

/** The number to draw (a suppressed or missing cell draws nothing). */
export function metricNumber(v: unknown): number | null {
  const m = readMetric(v);
  return m.kind === 'exact' || m.kind === 'dp' ? m.value : null;
}

export function formatNumber(n: number, digits = 0): string {
  return n.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function formatPercent(n: number): string {
  // Rates come as fractions (0-1) or percentages; both read the same on screen.
  const pct = n <= 1 && n >= 0 ? n * 100 : n;
  return `${formatNumber(pct, 1)} %`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${formatNumber(s, 1)} s`;
  const m = s / 60;
  if (m < 60) return `${formatNumber(m, 1)} min`;
  return `${formatNumber(m / 60, 1)} h`;
}
