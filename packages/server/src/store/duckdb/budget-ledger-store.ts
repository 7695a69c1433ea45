import { decideSpend, parseBudgetCap, spentInWindow, type LedgerEntry, type LedgerStatus, type SpendDecision } from '../../analytics/dp/budget.ts';
import { formatEpsilon, parseEpsilon } from '../../analytics/dp/epsilon.ts';
import { formatRational, parseRational } from '../../analytics/dp/rational.ts';
import { defaultBudgetSettings, type BudgetSettings, type DpLevel, type PersistentBudgetLedger, type StoredLedgerEntry } from '../../analytics/releases/privacy-budget.ts';
import { uuidv7 } from '../../core/ids.ts';
import type { Clock } from '../../core/clock.ts';
import type { Db, Row } from './connection.ts';

const iso = (v: unknown): string => (v instanceof Date ? v : new Date(String(v))).toISOString();
const date = (v: unknown): Date | null => (v == null ? null : v instanceof Date ? v : new Date(String(v)));

const toEntry = (r: Row): StoredLedgerEntry => ({
  tenantId: String(r.tenant_id),
  releaseKey: String(r.release_key),
  window: { start: iso(r.window_start), end: iso(r.window_end) },
  epsilon: parseEpsilon(String(r.epsilon)),
  delta: parseRational(String(r.delta)),
  status: String(r.status) as LedgerStatus,
  ...(r.metric == null ? {} : { metric: String(r.metric) }),
  createdAt: date(r.created_at)!,
  committedAt: date(r.committed_at),
});

/**
 * Reservations of one tenant, process-wide. DuckDB lets one process write a database file, and its
 * transactions do not make a check-then-insert on separate connections exclusive, so the decision and
 * the insert of a tenant's reservation run one at a time here, each in a transaction started after the
 * previous one committed (so it sees it).
 */
const tenantQueues = new Map<string, Promise<unknown>>();
function exclusive<T>(tenantId: string, fn: () => Promise<T>): Promise<T> {
  const before = tenantQueues.get(tenantId) ?? Promise.resolve();
  const run = before.then(fn, fn);
  const settled = run.catch(() => undefined);
  tenantQueues.set(tenantId, settled);
  void settled.then(() => {
    if (tenantQueues.get(tenantId) === settled) tenantQueues.delete(tenantId);
  });
  return run;
}

/**
 * The privacy ledger in `privacy_ledger`, capped by the tenant's `privacy_budget` row. A reservation
 * decides and inserts atomically: one transaction, one tenant at a time (see `exclusive`), so two
 * reservations racing for the last budget cannot both pass, and a release key is spent once.
 */
export function createDuckDbBudgetLedger(db: Db, clock: Clock): PersistentBudgetLedger {
  const readSettings = async (tenantId: string): Promise<BudgetSettings> => {
    const r = await db.one('SELECT level, window_cap_eps, delta_cap FROM privacy_budget WHERE tenant_id = $1', [tenantId]);
    if (!r) return defaultBudgetSettings(tenantId);
    return { tenantId, level: String(r.level) as DpLevel, windowCap: String(r.window_cap_eps), deltaCap: String(r.delta_cap), stored: true };
  };

  const ensureRow = async (tenantId: string): Promise<void> => {
    const d = defaultBudgetSettings(tenantId);
    await db.run(
      `INSERT INTO privacy_budget VALUES ($1, $2, $3, $4, $5::TIMESTAMPTZ, 'default') ON CONFLICT (tenant_id) DO NOTHING`,
      [tenantId, d.level, d.windowCap, d.deltaCap, clock.now().toISOString()],
    );
  };

  const overlapping = (tenantId: string, start: string, end: string, releaseKey = '') =>
    db.all(
      `SELECT * FROM privacy_ledger WHERE tenant_id = $1 AND ((window_start < $3::TIMESTAMPTZ AND window_end > $2::TIMESTAMPTZ) OR release_key = $4)
       ORDER BY window_start, created_at, id`,
      [tenantId, start, end, releaseKey],
    );

  const reserveOnce = (tenantId: string, releaseKey: string, request: Parameters<PersistentBudgetLedger['reserve']>): Promise<SpendDecision> =>
    db.transaction(async () => {
      const settings = await readSettings(tenantId);
      const [, , epsilon, details] = request;
      const snapshot: LedgerEntry[] = (await overlapping(tenantId, details.window.start, details.window.end, releaseKey)).map(toEntry);
      const decision = decideSpend(snapshot, { ...details, tenantId, releaseKey, epsilon }, parseBudgetCap(settings.windowCap, settings.deltaCap));
      if (decision.ok) {
        const e = decision.entry;
        await db.run(
          `INSERT INTO privacy_ledger VALUES ($1, $2, $3::TIMESTAMPTZ, $4::TIMESTAMPTZ, $5, $6, $7, $8, 'reserved', $9::TIMESTAMPTZ, NULL)`,
          [uuidv7(clock.now().getTime()), tenantId, e.window.start, e.window.end, releaseKey, e.metric ?? null, formatEpsilon(e.epsilon),
            formatRational(e.delta), clock.now().toISOString()],
        );
      }
      return decision;
    });

  return {
    reserve: (tenantId, releaseKey, epsilon, details) =>
      exclusive(tenantId, async () => {
        await ensureRow(tenantId);
        return reserveOnce(tenantId, releaseKey, [tenantId, releaseKey, epsilon, details]);
      }),
    async commit(tenantId, releaseKey) {
      const r = await db.one(`SELECT status FROM privacy_ledger WHERE tenant_id = $1 AND release_key = $2`, [tenantId, releaseKey]);
      if (!r) throw new RangeError(`no reservation for release key ${releaseKey}`);
      await db.run(
        `UPDATE privacy_ledger SET status = 'committed', committed_at = $3::TIMESTAMPTZ WHERE tenant_id = $1 AND release_key = $2 AND status = 'reserved'`,
        [tenantId, releaseKey, clock.now().toISOString()],
      );
    },
    async spent(tenantId, window) {
      return spentInWindow((await overlapping(tenantId, window.start, window.end)).map(toEntry), tenantId, window);
    },
    settings: readSettings,
    async saveSettings(s, actor) {
      parseBudgetCap(s.windowCap, s.deltaCap);
      await db.run(
        `INSERT INTO privacy_budget VALUES ($1, $2, $3, $4, $5::TIMESTAMPTZ, $6)
         ON CONFLICT (tenant_id) DO UPDATE SET level = excluded.level, window_cap_eps = excluded.window_cap_eps, delta_cap = excluded.delta_cap,
           updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
        [s.tenantId, s.level, s.windowCap, s.deltaCap, clock.now().toISOString(), actor],
      );
    },
    async entries(tenantId, window) {
      return (await overlapping(tenantId, window.start, window.end)).map(toEntry);
    },
  };
}
