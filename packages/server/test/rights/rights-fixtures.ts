import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { identifyingColumns, subjectTables } from '../../src/privacy/inventory.ts';
import type { TestServer } from '../helpers/harness.ts';
import { sendOk, visit } from '../lifecycle/retention-fixtures.ts';

/** Every table and column of the store, from the schema (not the inventory): what a scan must cover. */
export async function schemaColumns(t: TestServer): Promise<Map<string, string[]>> {
  const rows = await t.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = 'main' AND table_catalog = current_database() ORDER BY table_name, ordinal_position`,
  );
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.table_name, [...(out.get(r.table_name) ?? []), r.column_name]);
  return out;
}

/** Every place (table.column) where any column's text contains the value. */
export async function findEverywhere(t: TestServer, value: string): Promise<string[]> {
  const found: string[] = [];
  const lit = `'${value.replaceAll("'", "''")}'`;
  for (const [table, columns] of await schemaColumns(t)) {
    for (const c of columns) {
      const r = await t.query<{ n: bigint }>(`SELECT count(*) AS n FROM "${table}" WHERE contains(CAST("${c}" AS VARCHAR), ${lit})`);
      if (Number(r[0]!.n) > 0) found.push(`${table}.${c}`);
    }
  }
  return found;
}

/** Every file under a folder, recursively. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

/** Files (and zip entries) whose name or text contains the value. */
export function filesContaining(dir: string, value: string, skip: (file: string) => boolean = () => false): string[] {
  const hits: string[] = [];
  for (const file of filesUnder(dir)) {
    if (skip(file)) continue;
    if (file.includes(value)) hits.push(file);
    const bytes = readFileSync(file);
    if (bytes.includes(value)) hits.push(file);
    if (file.endsWith('.zip')) {
      for (const [name, data] of Object.entries(unzipSync(bytes))) if (Buffer.from(data).toString('utf8').includes(value)) hits.push(`${file}:${name}`);
    }
  }
  return hits;
}

/**
 * One person's data in every table the inventory links to a subject: events, sessions, errors,
 * learning events (through ingest), the subject row, consent history, a guardianship (as learner
 * with `guardian`), a released legal hold, and an export job with its file (when `exportFirst`).
 */
export async function plantPerson(t: TestServer, userId: string, guardian: string): Promise<void> {
  const tenantId = t.tenant.tenantId;
  await sendOk(t, [...visit(userId, `sess-${userId}-1`), ...visit(userId, `sess-${userId}-2`, '/badges')]);
  await t.services.guardianships.link({ tenantId, guardianUserId: guardian, learnerUserId: userId, actor: 'test' });
  await t.services.consents.record({
    tenantId, userId, ageBand: 'under_13', parental: { state: 'granted', method: 'signed_form' }, actor: 'test',
  });
  const hold = await t.services.holds.place({ tenantId, userId, reason: `Case about ${userId}`, actor: 'test' });
  await t.services.holds.release({ tenantId, id: hold.id, actor: 'test' });
  const subjectId = (await t.services.subjectRows.find(tenantId, userId))!.id;
  await plantInOtherTables(t, subjectId);
}

/** A value of a column's type, for rows written straight to the store. */
const valueOf = (type: string): string => {
  if (/JSON/.test(type)) return `'{"planted": true}'`;
  if (/VARCHAR|UUID/.test(type)) return `'planted-' || replace(CAST(gen_random_uuid() AS VARCHAR), '-', '')`;
  if (/INT|DOUBLE|DECIMAL|FLOAT|REAL/.test(type)) return '1';
  if (/TIMESTAMP/.test(type)) return 'now()';
  if (/DATE/.test(type)) return 'current_date';
  if (/BOOL/.test(type)) return 'false';
  return 'NULL';
};

/**
 * Tables the inventory links to a person that the paths above did not fill (derived tables such
 * as per-learner aggregates): one row each, written straight to the store with the person's id.
 * So a table added to the inventory later is planted too, without changing this file.
 */
export async function plantInOtherTables(t: TestServer, subjectId: string): Promise<string[]> {
  const planted: string[] = [];
  const schema = await t.query<{ table_name: string; column_name: string; data_type: string }>(
    `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' AND table_catalog = current_database() ORDER BY ordinal_position`,
  );
  for (const { table, column } of subjectTables()) {
    if (table === 'privacy_jobs') continue; // planted by an export request
    const n = await t.query<{ n: bigint }>(`SELECT count(*) AS n FROM "${table}" WHERE "${column}" = $1`, [subjectId]);
    if (Number(n[0]!.n) > 0) continue;
    const cols = schema.filter((c) => c.table_name === table);
    const values = cols.map((c) => (c.column_name === column ? `'${subjectId}'` : c.column_name === 'tenant_id' ? `'${t.tenant.tenantId}'` : c.column_name === 'anonymized_at' ? 'NULL' : valueOf(c.data_type)));
    await t.query(`INSERT INTO "${table}" (${cols.map((c) => `"${c.column_name}"`).join(', ')}) VALUES (${values.join(', ')})`);
    planted.push(`${table}.${column}`);
  }
  return planted;
}

/** A person's rows, per subject-linked table, as text: to show they did not change. */
export async function rowsOf(t: TestServer, subjectId: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const { table, column } of subjectTables()) {
    const rows = await t.query(`SELECT * FROM "${table}" WHERE "${column}" = $1`, [subjectId]);
    out[`${table}.${column}`] = rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))).sort();
  }
  return out;
}

/**
 * Every identifying value in a person's rows (session ids, visitor ids, ...): all must be gone
 * after erasure. Left out: the ids of other people the rows name (a guardian, who stays) and IP
 * prefixes (truncated to /24 at ingest, shared by everyone on that network).
 */
export async function identifyingValuesOf(t: TestServer, subjectId: string): Promise<Set<string>> {
  const values = new Set<string>();
  for (const { table, column, entry } of subjectTables()) {
    const others = new Set([...(entry.subjectColumn ? [entry.subjectColumn] : []), ...(entry.otherSubjectColumns ?? []), 'ip_prefix']);
    const cols = identifyingColumns(table).filter((c) => !others.has(c));
    if (cols.length === 0) continue;
    for (const row of await t.query(`SELECT ${cols.map((c) => `CAST("${c}" AS VARCHAR) AS "${c}"`).join(', ')} FROM "${table}" WHERE "${column}" = $1`, [subjectId])) {
      for (const v of Object.values(row)) {
        if (typeof v !== 'string') continue;
        // A JSON column (events.identifying_props) holds ids inside: those are the values, not the document, and a
        // value the key deny-list redacted at ingest names no one.
        const inside = v.startsWith('{') ? Object.values(JSON.parse(v) as Record<string, unknown>).filter((x): x is string => typeof x === 'string') : [v];
        for (const x of inside) if (x.length >= 8 && !x.startsWith('[redacted:')) values.add(x);
      }
    }
  }
  return values;
}
