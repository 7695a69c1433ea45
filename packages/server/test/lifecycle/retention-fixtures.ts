import { DAY_MS } from '../../src/core/clock.ts';
import { IDENTIFYING_PROP_KEY, identifyingColumns, inventoryTables, type DataCategory } from '../../src/privacy/inventory.ts';
import type { RetentionPolicySet } from '../../src/lifecycle/retention-defaults.ts';
import type { TestServer } from '../helpers/harness.ts';

/** One user's activity in one visit: a page view with identifying details, an error and a learning milestone. */
export function visit(userId: string, sessionId: string, page = '/quests'): unknown[] {
  return [
    {
      type: 'page_view', userId, sessionId, anonymousId: `anon-${userId}`, page: { path: page, title: 'Quests' },
      props: { friend_id: `friend-of-${userId}`, level: 3, quest: 'dragons' },
      context: { ip: '203.0.113.77', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0' },
    },
    { type: 'app_error', userId, sessionId, page: { path: page }, error: { type: 'TypeError', message: 'x is undefined', component: 'QuestList' } },
    { type: 'quiz_completed', userId, sessionId, learning: { course: 'math-1', activity: 'fractions', score: 4, maxScore: 5 } },
  ];
}

export async function sendOk(t: TestServer, events: unknown[], key?: string): Promise<void> {
  const r = await t.send(events, key);
  if (r.status !== 200 || r.body.accepted !== events.length) throw new Error(`ingest refused: ${r.status} ${JSON.stringify(r.body)}`);
}

const json = (v: unknown): Record<string, unknown> | null => (v == null ? null : typeof v === 'string' ? JSON.parse(v) : (v as Record<string, unknown>));

/**
 * Scans every table with a retention category, every column the inventory classes as
 * identifying and every JSON column's keys, for rows past their detail window that still link
 * to a person. It reads the inventory and the rows, not the job's counts. An `events` row that
 * shares its event with another table (eventIdColumn) follows that table's category.
 * `knownIds` are ids that existed before anonymisation: a row id that is itself identifying
 * must not be one of them. Returns one line per finding.
 */
export async function scanForIdentifiers(
  t: TestServer,
  policies: (tenantId: string) => Promise<RetentionPolicySet>,
  options: { knownIds?: Set<string>; heldSubjects?: Set<string>; heldTenants?: Set<string> } = {},
): Promise<string[]> {
  const now = t.services.clock.now().getTime();
  const findings: string[] = [];
  const tables = inventoryTables().filter(([, e]) => e.category !== null && e.timeColumn);
  const shared = new Map<string, DataCategory>();
  for (const [name, entry] of tables) {
    if (!entry.eventIdColumn) continue;
    for (const r of await t.query<{ id: string }>(`SELECT CAST(${entry.eventIdColumn} AS VARCHAR) AS id FROM ${name}`)) shared.set(r.id, entry.category!);
  }
  const referencedSessions = new Set((await t.query<{ s: string }>('SELECT DISTINCT session_id AS s FROM events WHERE session_id IS NOT NULL')).map((r) => r.s));
  // A row key derived from an id (md5_number) identifies as much as the id itself.
  const idList = [...(options.knownIds ?? []), ...referencedSessions].map((id) => `'${id.replaceAll("'", "''")}'`);
  const knownKeys = new Set(idList.length === 0 ? [] : (await t.query<{ k: string }>(
    `SELECT CAST(md5_number(x) AS VARCHAR) AS k FROM (SELECT unnest([${idList.join(', ')}]) AS x)`,
  )).map((r) => r.k));
  const cache = new Map<string, RetentionPolicySet>();
  for (const [name, entry] of tables) {
    const idColumns = identifyingColumns(name);
    const jsonColumns = (await t.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = '${name}' AND data_type = 'JSON'`,
    )).map((r) => r.column_name);
    // Aggregate tables have no row id; the others' ids are compared as text.
    const idSelect = Object.hasOwn(entry.columns, 'id') ? ', id), CAST(id AS VARCHAR) AS id' : ')';
    const rows = await t.query<Record<string, unknown>>(`SELECT * EXCLUDE (${entry.timeColumn}${idSelect}, ${entry.timeColumn} AS t FROM ${name}`);
    for (const row of rows) {
      const tenantId = String(row.tenant_id);
      if (options.heldTenants?.has(tenantId)) continue;
      if (entry.subjectColumn && row[entry.subjectColumn] && options.heldSubjects?.has(String(row[entry.subjectColumn]))) continue;
      let policy = cache.get(tenantId);
      if (!policy) cache.set(tenantId, (policy = await policies(tenantId)));
      const category = (name === 'events' ? shared.get(String(row.id)) : undefined) ?? entry.category!;
      const pastWindow = (row.t as Date).getTime() <= now - policy[category].anonymizeAfterDays * DAY_MS;
      if (!pastWindow) continue;
      for (const col of idColumns) {
        const v = row[col];
        if (v == null) continue;
        // An identifying column that cannot be empty (a row id or key) must hold a fresh value that nothing refers to.
        if (col === 'id' && !options.knownIds?.has(String(v)) && !referencedSessions.has(String(v))) continue;
        if (col === 'key' && !knownKeys.has(String(v))) continue;
        findings.push(`${name}.${col} of a ${category} row from ${(row.t as Date).toISOString()} still holds ${String(v)}`);
      }
      for (const col of jsonColumns) {
        const keys = Object.keys(json(row[col]) ?? {}).filter((k) => IDENTIFYING_PROP_KEY.test(k));
        if (keys.length > 0) findings.push(`${name}.${col} of a ${category} row from ${(row.t as Date).toISOString()} still has ${keys.join(', ')}`);
      }
    }
  }
  return findings;
}

/** Every row of every table with a retention category, as text: to prove that nothing changed. */
export async function snapshotRows(t: TestServer): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [name, entry] of inventoryTables()) {
    if (entry.category === null) continue;
    const rows = await t.query<Record<string, unknown>>(`SELECT * FROM ${name}`);
    out[name] = rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).sort();
  }
  return out;
}

/** Row counts and anonymised row counts per table. */
export async function tableCounts(t: TestServer): Promise<Record<string, { rows: number; anonymized: number }>> {
  const out: Record<string, { rows: number; anonymized: number }> = {};
  for (const name of ['events', 'sessions', 'error_events', 'learning_events']) {
    const [r] = await t.query<{ n: bigint; a: bigint }>(`SELECT count(*) AS n, count(anonymized_at) AS a FROM ${name}`);
    out[name] = { rows: Number(r!.n), anonymized: Number(r!.a) };
  }
  return out;
}
