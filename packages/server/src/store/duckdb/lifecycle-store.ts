import { randomBytes } from 'node:crypto';
import { listValue, type DuckDBValue } from '@duckdb/node-api';
import type { Db } from './connection.ts';
import { identifyingColumns, inventoryTables, type DataCategory } from '../../privacy/inventory.ts';
import type { CategoryCounts, LifecycleStore, RetentionSlice, RetentionStage, TableCounts, TableStats } from '../ports.ts';

/** The table whose rows other tables share through `eventIdColumn` (see the inventory). */
const EVENTS = 'events';
const DAY_US = 86_400_000_000n;

/** What the passes need to know about one table: from the inventory, and column types from the schema. */
interface TableLayout {
  name: string;
  /** The categories whose rows the table holds: one, or (a table with a category column) several. */
  categories: DataCategory[];
  time: string;
  subject: string | null;
  /** Names each row's category, when the table holds rows of several. */
  categoryColumn: string | null;
  /** Every column, in table order. */
  columns: string[];
  /** Identifying columns that may be NULL: cleared. */
  cleared: string[];
  /** Identifying columns that may not be NULL (a primary key): replaced by a fresh random value of their type. */
  rekeyed: Array<{ name: string; type: string }>;
  /** Has `anonymized_at`: rows can be anonymised. Tables without it hold no identifiers. */
  anonymizable: boolean;
}

interface Layout {
  /** In inventory order. */
  tables: TableLayout[];
}

const ident = (name: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`"${name}" is not a plain SQL identifier`);
  return `"${name}"`;
};

/**
 * A fresh value for an identifying key column: a text id keeps the old one's kind prefix (`ss_`
 * ...) and gets a random rest, so it looks like any other id. A 128-bit key (a primary key) is a
 * random 127-bit start, drawn once per statement, plus the row's position: unique, linked to
 * nothing (the start is kept nowhere), and ascending within the statement, which DuckDB's index
 * takes in far faster than scattered keys (re-keying 1.25M sessions: about 3.6 s against 5.6 s).
 */
const freshValue = (q: Params, table: string, col: string, type: string) => type === 'UHUGEINT'
  ? `CAST(${q.add(randomStart())} AS UHUGEINT) + CAST(${table}.rowid AS UHUGEINT)`
  : `coalesce(regexp_extract(${col}, '^[A-Za-z]+_'), '') || replace(CAST(gen_random_uuid() AS VARCHAR), '-', '')`;
/** A random number below 2^127, as decimal text: room above it for any row position. */
const randomStart = (): string => (BigInt(`0x${randomBytes(16).toString('hex')}`) >> 1n).toString();

/** Collects positional parameters while a statement is built. */
class Params {
  readonly values: DuckDBValue[] = [];
  add(v: DuckDBValue): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
  time(d: Date): string {
    return `${this.add(d.toISOString())}::TIMESTAMPTZ`;
  }
}

const count = (r: Record<string, unknown> | null): number => Number((r?.Count ?? r?.n ?? 0) as bigint | number);

/** DuckDB aborts a transaction that touches a row another connection changed meanwhile; such a chunk is simply tried again. */
async function retryOnConflict<T>(fn: () => Promise<T>, attempts = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= attempts || !/conflict/i.test(err instanceof Error ? err.message : String(err))) throw err;
      await new Promise((r) => setTimeout(r, 20 * i));
    }
  }
}

/**
 * The retention passes on DuckDB. Tables, columns and categories come from the privacy
 * inventory; this file only knows how to say it in DuckDB's SQL. `db` runs the passes (one
 * transaction per call), `readDb` the counts, so metrics never wait behind a long chunk.
 *
 * Anonymising is a plain UPDATE that sets columns: an `events` row knows its own retention
 * category (`data_category`, written by ingest with the rows that share the event) and keeps the
 * property keys that name a person in a column of their own (`identifying_props`), so no row is
 * joined to another table and no JSON is read. The categories whose rows share `events` are
 * handed in together, and each table is written once per chunk with each category's cutoffs.
 */
export function createDuckDbLifecycleStore(db: Db, readDb: Db): LifecycleStore {
  let layoutPromise: Promise<Layout> | null = null;
  const layout = () => (layoutPromise ??= loadLayout(readDb));

  /** Conditions selecting the due rows of `t` in the slice's category, with columns qualified by `ref`. */
  const due = (q: Params, t: TableLayout, ref: string, stage: RetentionStage, s: RetentionSlice): string => {
    const c = (col: string) => `${ref}.${ident(col)}`;
    const parts = [`${c('tenant_id')} = ${q.add(s.tenantId)}`, `${c(t.time)} <= ${q.time(s.dueAt)}`];
    if (s.after) parts.push(`${c(t.time)} > ${q.time(s.after)}`);
    if (s.from) parts.push(`${c(t.time)} >= ${q.time(s.from)}`);
    if (s.to) parts.push(`${c(t.time)} < ${q.time(s.to)}`);
    if (stage === 'anonymize') parts.push(`${c('anonymized_at')} IS NULL`);
    if (s.subjects && 'only' in s.subjects) {
      if (!t.subject || s.subjects.only.length === 0) parts.push('FALSE');
      else parts.push(`list_contains(${q.add(listValue([...s.subjects.only]))}::VARCHAR[], ${c(t.subject)})`);
    } else if (s.subjects && s.subjects.except.length > 0 && t.subject) {
      parts.push(`(${c(t.subject)} IS NULL OR NOT list_contains(${q.add(listValue([...s.subjects.except]))}::VARCHAR[], ${c(t.subject)}))`);
    }
    // An `events` row that shares its event with an error or learning row is in that row's category.
    if (t.categoryColumn) parts.push(`${c(t.categoryColumn)} = ${q.add(s.category)}`);
    return parts.join(' AND ');
  };

  /** Due rows of `t` in any of the slices (each slice with its own category and cutoffs). */
  const dueAny = (q: Params, t: TableLayout, ref: string, stage: RetentionStage, slices: readonly RetentionSlice[]): string =>
    slices.length === 1 ? due(q, t, ref, stage, slices[0]!) : slices.map((s) => `(${due(q, t, ref, stage, s)})`).join(' OR ');

  const tablesFor = (l: Layout, stage: RetentionStage, category: DataCategory) =>
    l.tables.filter((t) => t.categories.includes(category) && (stage === 'delete' || t.anonymizable));

  /** Each table holding rows of the slices' categories, with the slices it holds rows of. */
  const tablesOf = (l: Layout, stage: RetentionStage, slices: readonly RetentionSlice[]) => {
    const tenants = new Set(slices.map((s) => s.tenantId));
    if (tenants.size > 1) throw new Error('retention slices of one call must be of one tenant');
    const out: Array<{ t: TableLayout; slices: RetentionSlice[] }> = [];
    for (const t of l.tables) {
      const mine = slices.filter((s) => t.categories.includes(s.category) && (stage === 'delete' || t.anonymizable));
      if (mine.length > 0) out.push({ t, slices: mine });
    }
    return out;
  };

  /**
   * Runs `statement` (an UPDATE, INSERT or DELETE whose count is the rows changed) over the due
   * rows of `t` in the slices, and returns the rows per category. A table holding rows of several
   * categories is counted per category first, in the same transaction: the statement must then
   * change exactly as many rows.
   */
  const perCategory = async (
    t: TableLayout, stage: RetentionStage, slices: readonly RetentionSlice[], statement: (where: (q: Params) => string) => Promise<number>,
  ): Promise<Array<[DataCategory, number]>> => {
    const where = (q: Params) => dueAny(q, t, ident(t.name), stage, slices);
    if (slices.length === 1) return [[slices[0]!.category, await statement(where)]];
    const q = new Params();
    const rows = await db.all<{ c: string; n: bigint }>(
      `SELECT ${ident(t.categoryColumn!)} AS c, count(*) AS n FROM ${ident(t.name)} WHERE ${where(q)} GROUP BY ALL`, q.values,
    );
    const counted = new Map(rows.map((r) => [String(r.c), Number(r.n)]));
    const changed = await statement(where);
    const expected = [...counted.values()].reduce((a, b) => a + b, 0);
    if (changed !== expected) throw new Error(`retention ${stage} of ${t.name}: counted ${expected} due rows but changed ${changed}`);
    return slices.map((s) => [s.category, counted.get(s.category) ?? 0]);
  };

  /** Clears the identifiers of the rows `build` selects (it requires `anonymized_at IS NULL`). */
  const anonymizeRows = async (t: TableLayout, build: (q: Params) => string, at: Date): Promise<number> => {
    const name = ident(t.name);
    if (t.rekeyed.length > 0) {
      // The id itself identifies: copy the rows under fresh ids, then delete the originals.
      const q = new Params();
      const where = build(q);
      const exprs = t.columns.map((col) => {
        const c = `${name}.${ident(col)}`;
        const key = t.rekeyed.find((k) => k.name === col);
        if (key) return freshValue(q, name, c, key.type);
        if (t.cleared.includes(col)) return 'NULL';
        if (col === 'anonymized_at') return q.time(at);
        return c;
      });
      const inserted = count(await db.one(`INSERT INTO ${name} (${t.columns.map(ident).join(', ')}) SELECT ${exprs.join(', ')} FROM ${name} WHERE ${where}`, q.values));
      const d = new Params();
      const deleted = count(await db.one(`DELETE FROM ${name} WHERE ${build(d)}`, d.values));
      if (inserted !== deleted) throw new Error(`re-keying ${t.name}: copied ${inserted} rows but removed ${deleted}`);
      return deleted;
    }
    const q = new Params();
    const sets = [...t.cleared.map((col) => `${ident(col)} = NULL`), `anonymized_at = ${q.time(at)}`];
    return count(await db.one(`UPDATE ${name} SET ${sets.join(', ')} WHERE ${build(q)}`, q.values));
  };

  const add = (counts: CategoryCounts, category: DataCategory, table: string, n: number) => {
    const c = (counts[category] ??= {});
    c[table] = (c[table] ?? 0) + n;
  };

  return {
    async dueByDay(stage, slices) {
      const l = await layout();
      const days = new Map<bigint, number>();
      for (const { t, slices: mine } of tablesOf(l, stage, slices)) {
        const q = new Params();
        const rows = await readDb.all<{ day: bigint; n: bigint }>(
          `SELECT epoch_us(t.${ident(t.time)}) // ${DAY_US} AS day, count(*) AS n FROM ${ident(t.name)} t WHERE ${dueAny(q, t, 't', stage, mine)} GROUP BY 1`,
          q.values,
        );
        for (const r of rows) days.set(BigInt(r.day), (days.get(BigInt(r.day)) ?? 0) + Number(r.n));
      }
      return [...days.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([day, rows]) => ({ day: new Date(Number(day * 86_400_000n)), rows }));
    },

    async countDue(stage, slice) {
      const l = await layout();
      const counts: TableCounts = {};
      for (const t of tablesFor(l, stage, slice.category)) {
        const q = new Params();
        counts[t.name] = (counts[t.name] ?? 0) + count(await readDb.one(`SELECT count(*) AS n FROM ${ident(t.name)} t WHERE ${due(q, t, 't', stage, slice)}`, q.values));
      }
      return counts;
    },

    async oldestDue(stage, slice) {
      const l = await layout();
      let oldest: Date | null = null;
      for (const t of tablesFor(l, stage, slice.category)) {
        const q = new Params();
        const r = await readDb.one<{ t: Date | null }>(`SELECT min(t.${ident(t.time)}) AS t FROM ${ident(t.name)} t WHERE ${due(q, t, 't', stage, slice)}`, q.values);
        if (r?.t && (!oldest || r.t < oldest)) oldest = r.t;
      }
      return oldest;
    },

    async anonymizeBefore(slices, at) {
      const l = await layout();
      return retryOnConflict(() => db.transaction(async () => {
        const counts: CategoryCounts = {};
        for (const { t, slices: mine } of tablesOf(l, 'anonymize', slices)) {
          for (const [category, n] of await perCategory(t, 'anonymize', mine, (where) => anonymizeRows(t, where, at))) add(counts, category, t.name, n);
        }
        return counts;
      }));
    },

    async deleteBefore(slices) {
      const l = await layout();
      return retryOnConflict(() => db.transaction(async () => {
        const counts: CategoryCounts = {};
        for (const { t, slices: mine } of tablesOf(l, 'delete', slices)) {
          const remove = async (where: (q: Params) => string) => {
            const q = new Params();
            return count(await db.one(`DELETE FROM ${ident(t.name)} WHERE ${where(q)}`, q.values));
          };
          for (const [category, n] of await perCategory(t, 'delete', mine, remove)) add(counts, category, t.name, n);
        }
        return counts;
      }));
    },

    async stats(tenantId) {
      const l = await layout();
      const out: Record<string, TableStats> = {};
      for (const t of l.tables) {
        const q = new Params();
        const where = tenantId === undefined ? '' : `WHERE tenant_id = ${q.add(tenantId)}`;
        const r = await readDb.one<{ n: bigint; a: bigint | null }>(
          `SELECT count(*) AS n, ${t.anonymizable ? 'count(anonymized_at)' : 'NULL'} AS a FROM ${ident(t.name)} ${where}`,
          q.values,
        );
        out[t.name] = { rows: Number(r?.n ?? 0), anonymized: r?.a == null ? null : Number(r.a) };
      }
      return out;
    },

    async countSaltsBefore(day) {
      return count(await readDb.one('SELECT count(*) AS n FROM salts WHERE day < $1::DATE', [day]));
    },
  };
}

/** Reads the inventory's tables with a retention category, checked against the schema. */
async function loadLayout(db: Db): Promise<Layout> {
  const rows = await db.all<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
    `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
     WHERE table_schema = 'main' AND table_catalog = current_database() ORDER BY table_name, ordinal_position`,
  );
  const schema = new Map<string, Array<{ name: string; type: string; nullable: boolean }>>();
  for (const r of rows) schema.set(r.table_name, [...(schema.get(r.table_name) ?? []), { name: r.column_name, type: r.data_type, nullable: r.is_nullable === 'YES' }]);

  const entries = inventoryTables().filter(([, e]) => e.category !== null && e.timeColumn);
  // Tables that share `events` rows put those rows in their own category.
  const sharingCategories = entries.filter(([, e]) => e.eventIdColumn).map(([, e]) => e.category!);
  const tables: TableLayout[] = [];
  for (const [name, entry] of entries) {
    const columns = schema.get(name);
    if (!columns) throw new Error(`the inventory lists table ${name}, which the schema does not have`);
    const identifying = new Set(identifyingColumns(name));
    const anonymizable = columns.some((c) => c.name === 'anonymized_at');
    if (identifying.size > 0 && !anonymizable) throw new Error(`table ${name} has identifying columns but no anonymized_at column`);
    const categoryColumn = entry.categoryColumn ?? null;
    if (categoryColumn && !columns.some((c) => c.name === categoryColumn)) throw new Error(`table ${name} has no column ${categoryColumn}`);
    const shared = name === EVENTS && sharingCategories.length > 0;
    if (shared && !categoryColumn) throw new Error('tables share rows with events, but events has no category column');
    tables.push({
      name,
      categories: shared ? [entry.category!, ...sharingCategories] : [entry.category!],
      time: entry.timeColumn!,
      subject: entry.subjectColumn ?? null,
      categoryColumn: shared ? categoryColumn : null,
      columns: columns.map((c) => c.name),
      cleared: columns.filter((c) => identifying.has(c.name) && c.nullable).map((c) => c.name),
      rekeyed: columns.filter((c) => identifying.has(c.name) && !c.nullable).map((c) => ({ name: c.name, type: c.type })),
      anonymizable,
    });
  }
  if (sharingCategories.length > 0 && !tables.some((t) => t.name === EVENTS)) throw new Error('tables share rows with events, but events is not in the inventory');
  return { tables };
}
