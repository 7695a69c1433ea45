import { addEpsilon, compareEpsilon, formatEpsilon, parseEpsilon } from './epsilon.ts';
import type { Epsilon } from './epsilon.ts';
import { add, compare, formatRational, parseRational, ZERO } from './rational.ts';
import type { Rational } from './rational.ts';

/**
 * Privacy budget accounting: pure rules over a ledger snapshot. Releases on the same learners
 * compose sequentially, so every spend whose window overlaps counts against the per-window cap.
 * A release key is spent at most once: computing it again would be fresh noise, i.e. a new spend
 * that averages the old one away. Persistence lives behind BudgetLedgerPort.
 */

/** A half-open time range [start, end) as ISO 8601 strings, e.g. one ISO week. */
export interface ReleaseWindow {
  readonly start: string;
  readonly end: string;
}

export type LedgerStatus = 'reserved' | 'committed';

export interface LedgerEntry {
  readonly tenantId: string;
  readonly releaseKey: string;
  readonly window: ReleaseWindow;
  readonly epsilon: Epsilon;
  readonly delta: Rational;
  /** Reserved entries count like committed ones: a crash after drawing noise may have leaked output. */
  readonly status: LedgerStatus;
  readonly metric?: string;
}

export interface BudgetCap {
  /** Per-window cap; infinity only for tenants at the anonymized level. */
  readonly epsilon: Epsilon;
  readonly delta?: Rational;
}

export interface SpendRequest {
  readonly tenantId: string;
  readonly releaseKey: string;
  readonly window: ReleaseWindow;
  readonly epsilon: Epsilon;
  readonly delta?: Rational;
  readonly metric?: string;
}

export interface Spent {
  readonly epsilon: Epsilon;
  readonly delta: Rational;
}

export type SpendRefusal = 'release_key_spent' | 'epsilon_cap_exceeded' | 'delta_cap_exceeded';

export type SpendDecision =
  | { readonly ok: true; readonly entry: LedgerEntry; readonly spentBefore: Spent; readonly spentAfter: Spent }
  | { readonly ok: false; readonly reason: SpendRefusal; readonly spentBefore: Spent; readonly cap: BudgetCap };

/** Persistence of the ledger. reserve must check and insert atomically (one transaction, tenant row locked). */
export interface BudgetLedgerPort {
  /** Records a reserved spend if decideSpend allows it against the tenant's cap; otherwise changes nothing. */
  reserve(tenantId: string, releaseKey: string, epsilon: Epsilon, details: Omit<SpendRequest, 'tenantId' | 'releaseKey' | 'epsilon'>): Promise<SpendDecision>;
  /** Marks a reserved spend committed once its release is stored. */
  commit(tenantId: string, releaseKey: string): Promise<void>;
  /** Total spent by the tenant on windows overlapping `window` (e.g. a trailing 12 months). */
  spent(tenantId: string, window: ReleaseWindow): Promise<Spent>;
}

function parseInstant(text: string, name: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new RangeError(`${name} is not an ISO date: "${text}"`);
  return ms;
}

export function checkWindow(window: ReleaseWindow): void {
  if (parseInstant(window.start, 'window start') >= parseInstant(window.end, 'window end')) {
    throw new RangeError(`empty window [${window.start}, ${window.end})`);
  }
}

export function windowsOverlap(a: ReleaseWindow, b: ReleaseWindow): boolean {
  return parseInstant(a.start, 'start') < parseInstant(b.end, 'end') && parseInstant(b.start, 'start') < parseInstant(a.end, 'end');
}

/** Sequential composition of every entry of the tenant whose window overlaps `window`. */
export function spentInWindow(entries: readonly LedgerEntry[], tenantId: string, window: ReleaseWindow): Spent {
  let epsilon: Epsilon = ZERO;
  let delta = ZERO;
  for (const e of entries) {
    if (e.tenantId !== tenantId || !windowsOverlap(e.window, window)) continue;
    epsilon = addEpsilon(epsilon, e.epsilon);
    delta = add(delta, e.delta);
  }
  return { epsilon, delta };
}

/** Whether `request` may be reserved given the ledger `snapshot` and the tenant's cap. */
export function decideSpend(snapshot: readonly LedgerEntry[], request: SpendRequest, cap: BudgetCap): SpendDecision {
  checkWindow(request.window);
  const delta = request.delta ?? ZERO;
  if (delta.num < 0n) throw new RangeError('delta must not be negative');
  if (compareEpsilon(request.epsilon, ZERO) < 0) throw new RangeError('epsilon must not be negative');
  const spentBefore = spentInWindow(snapshot, request.tenantId, request.window);
  if (snapshot.some((e) => e.releaseKey === request.releaseKey)) {
    return { ok: false, reason: 'release_key_spent', spentBefore, cap };
  }
  const spentAfter: Spent = { epsilon: addEpsilon(spentBefore.epsilon, request.epsilon), delta: add(spentBefore.delta, delta) };
  if (compareEpsilon(spentAfter.epsilon, cap.epsilon) > 0) {
    return { ok: false, reason: 'epsilon_cap_exceeded', spentBefore, cap };
  }
  if (compare(spentAfter.delta, cap.delta ?? ZERO) > 0) {
    return { ok: false, reason: 'delta_cap_exceeded', spentBefore, cap };
  }
  const entry: LedgerEntry = {
    tenantId: request.tenantId,
    releaseKey: request.releaseKey,
    window: request.window,
    epsilon: request.epsilon,
    delta,
    status: 'reserved',
    ...(request.metric === undefined ? {} : { metric: request.metric }),
  };
  return { ok: true, entry, spentBefore, spentAfter };
}

/** A cap from config text such as "1/2" or "infinity", with an optional delta such as "1/1000000". */
export function parseBudgetCap(epsilon: string, delta?: string): BudgetCap {
  const cap: BudgetCap = { epsilon: parseEpsilon(epsilon), ...(delta === undefined ? {} : { delta: parseRational(delta) }) };
  if (cap.delta && cap.delta.num < 0n) throw new RangeError('delta cap must not be negative');
  return cap;
}

/** Storage form of an entry's losses: exact text, e.g. { epsilon: "1/5", delta: "0" }. */
export function formatSpent(spent: Spent): { epsilon: string; delta: string } {
  return { epsilon: formatEpsilon(spent.epsilon), delta: formatRational(spent.delta) };
}
