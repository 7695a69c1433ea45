import { listValue, type DuckDBValue } from '@duckdb/node-api';
import type { Db } from './connection.ts';
import { IDENTIFYING_PROP_KEY, identifyingColumns, inventoryTables, type DataCategory } from '../../privacy/inventory.ts';
import type { LifecycleStore, RetentionSlice, RetentionStage, TableCounts, TableStats } from '../ports.ts';

/** The table whose rows other tables share through `eventIdColumn` (see the inventory). */
const EVENTS = 'events';
const DAY_US = 86_400_000_000n;

/** What the passes need to know about one table: from the inventory, and column types from the schema. */
interface TableLayout {
  name: string;
  category: DataCategory;
  time: string;
  subject: string | null;
  /** Every column, in table order. */
  columns: string[];
  /** Identifying columns that may be NULL: cleared. */
  cleared: string[];
  /** Identifying columns that may not be NULL (a primary key): replaced by a fresh random value of their type. */
  rekeyed: Array<{ name: string; type: string }>;
  /** JSON columns: property keys the inventory marks as identifying are removed. */
  json: string[];
  /** Has `anonymized_at`: rows can be anonymised. Tables without it hold no identifiers. */
  anonymizable: boolean;
  eventIdColumn: string | null;
}

interface Layout {
  tables: Map<string, TableLayout>;
  byCategory: Map<DataCategory, TableLayout[]>;
  /** Tables whose rows share an `events` row. */
  sharing: TableLayout[];
}

const ident = (name: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`"${name}" is not a plain SQL identifier`);
  return `"${name}"`;
};
const literal = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** The inventory's identifying property keys, as an RE2 pattern for DuckDB. */
const PROP_KEY_PATTERN = literal(`${IDENTIFYING_PROP_KEY.flags.includes('i') ? '(?i)' : ''}${IDENTIFYING_PROP_KEY.source}`);
const identifyingKeys = (col: string) => `list_filter(json_keys(${col}), lambda k: regexp_matches(k, ${PROP_KEY_PATTERN}))`;
/**
 * A cheap test on the JSON text that every object with an identifying key passes: the key as
 * written ("friend_id":), or any \u escape, which could spell one. Parsing JSON costs far more
 * than this scan, and most rows have no such key, so only rows that pass are parsed.
 */
const MAYBE_IDENTIFYING_TEXT = literal(
  `${IDENTIFYING_PROP_KEY.flags.includes('i') ? '(?i)' : ''}("${IDENTIFYING_PROP_KEY.source.replace(/^\^/, '').replace(/\$$/, '')}"\\s*:|\\\\u)`,
);
const hasIdentifyingKey = (col: string) => `(${col} IS NOT NULL AND regexp_matches(${col}, ${MAYBE_IDENTIFYING_TEXT}) AND len(${identifyingKeys(col)}) > 0)`;
/** A JSON merge patch with `null` for each identifying key removes exactly those keys. */
const withoutIdentifyingKeys = (col: string) =>
  `json_merge_patch(${col}, to_json(map_from_entries(list_transform(${identifyingKeys(col)}, lambda k: {'k': k, 'v': NULL::JSON}))))`;
/**
 * A fresh random value for an identifying key column: a text id keeps the old one's kind prefix
 * (`ss_` ...), so it looks like any other id; a 128-bit key is a random one.
 */
const freshValue = (col: string, type: string) => type === 'UHUGEINT'
  ? 'md5_number(CAST(gen_random_uuid() AS VARCHAR))'
  : `coalesce(regexp_extract(${col}, '^[A-Za-z]+_'), '') || replace(CAST(gen_random_uuid() AS VARCHAR), '-', '')`;

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
 */
export function createDuckDbLifecycleStore(db: Db, readDb: Db): LifecycleStore {
  let layoutPromise: Promise<Layout> | null = null;
  const layout = () => (layoutPromise ??= loadLayout(readDb));

  /** Conditions selecting the due rows of `t`, with columns qualified by `ref`. */
  const due = (q: Params, t: TableLayout, ref: string, stage: RetentionStage, s: RetentionSlice, l: Layout): string => {
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
    // An `events` row that shares its event with an error or learning row follows that row's category.
    if (t.name === EVENTS) {
      l.sharing.forEach((w, i) => {
        parts.push(`${c('id')} NOT IN (SELECT x${i}.${ident(w.eventIdColumn!)} FROM ${ident(w.name)} x${i} WHERE x${i}.tenant_id = ${q.add(s.tenantId)})`);
      });
    }
    return parts.join(' AND ');
  };

  /** Conditions selecting the `events` rows shared with the due rows of `t`. */
  const dueShared = (q: Params, t: TableLayout, stage: RetentionStage, s: RetentionSlice, l: Layout): string => {
    const e = ident(EVENTS);
    const parts = [
      `${e}.tenant_id = ${q.add(s.tenantId)}`,
      `${e}.id IN (SELECT w.${ident(t.eventIdColumn!)} FROM ${ident(t.name)} w WHERE ${due(q, t, 'w', stage, s, l)})`,
    ];
    if (stage === 'anonymize') parts.push(`${e}.anonymized_at IS NULL`);
    return parts.join(' AND ');
  };

  const tablesFor = (l: Layout, stage: RetentionStage, category: DataCategory) =>
    (l.byCategory.get(category) ?? []).filter((t) => stage === 'delete' || t.anonymizable);

  /** Clears the identifiers of the rows `where` selects (it must require `anonymized_at IS NULL`). */
  const anonymizeRows = async (t: TableLayout, build: (q: Params) => string, at: Date): Promise<number> => {
    const name = ident(t.name);
    if (t.rekeyed.length > 0) {
      // The id itself identifies: copy the rows under fresh ids, then delete the originals.
      const q = new Params();
      const where = build(q);
      const exprs = t.columns.map((col) => {
        const c = `${name}.${ident(col)}`;
        const key = t.rekeyed.find((k) => k.name === col);
        if (key) return freshValue(c, key.type);
        if (t.cleared.includes(col)) return 'NULL';
        if (t.json.includes(col)) return `CASE WHEN ${hasIdentifyingKey(c)} THEN ${withoutIdentifyingKeys(c)} ELSE ${c} END`;
        if (col === 'anonymized_at') return q.time(at);
        return c;
      });
      const inserted = count(await db.one(`INSERT INTO ${name} (${t.columns.map(ident).join(', ')}) SELECT ${exprs.join(', ')} FROM ${name} WHERE ${where}`, q.values));
      const d = new Params();
      const deleted = count(await db.one(`DELETE FROM ${name} WHERE ${build(d)}`, d.values));
      if (inserted !== deleted) throw new Error(`re-keying ${t.name}: copied ${inserted} rows but removed ${deleted}`);
      return deleted;
    }
    // Property keys first (few rows carry them), then the identifiers and the stamp: both select the same rows.
    for (const col of t.json) {
      const q = new Params();
      const c = `${name}.${ident(col)}`;
      await db.run(`UPDATE ${name} SET ${ident(col)} = ${withoutIdentifyingKeys(c)} WHERE ${build(q)} AND ${hasIdentifyingKey(c)}`, q.values);
    }
    const q = new Params();
    const sets = [...t.cleared.map((col) => `${ident(col)} = NULL`), `anonymized_at = ${q.time(at)}`];
    return count(await db.one(`UPDATE ${name} SET ${sets.join(', ')} WHERE ${build(q)}`, q.values));
  };

  const add = (counts: TableCounts, table: string, n: number) => {
    counts[table] = (counts[table] ?? 0) + n;
  };

  return {
    async dueByDay(stage, slice) {
      const l = await layout();
      const days = new Map<bigint, number>();
      for (const t of tablesFor(l, stage, slice.category)) {
        const q = new Params();
        const rows = await readDb.all<{ day: bigint; n: bigint }>(
          `SELECT epoch_us(t.${ident(t.time)}) // ${DAY_US} AS day, count(*) AS n FROM ${ident(t.name)} t WHERE ${due(q, t, 't', stage, slice, l)} GROUP BY 1`,
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
        add(counts, t.name, count(await readDb.one(`SELECT count(*) AS n FROM ${ident(t.name)} t WHERE ${due(q, t, 't', stage, slice, l)}`, q.values)));
        if (t.eventIdColumn) {
          const s = new Params();
          add(counts, EVENTS, count(await readDb.one(`SELECT count(*) AS n FROM ${ident(EVENTS)} WHERE ${dueShared(s, t, stage, slice, l)}`, s.values)));
        }
      }
      return counts;
    },

    async oldestDue(stage, slice) {
      const l = await layout();
      let oldest: Date | null = null;
      for (const t of tablesFor(l, stage, slice.category)) {
        const q = new Params();
        const r = await readDb.one<{ t: Date | null }>(`SELECT min(t.${ident(t.time)}) AS t FROM ${ident(t.name)} t WHERE ${due(q, t, 't', stage, slice, l)}`, q.values);
        if (r?.t && (!oldest || r.t < oldest)) oldest = r.t;
      }
      return oldest;
    },

    async anonymizeBefore(slice, at) {
      const l = await layout();
      return retryOnConflict(() => db.transaction(async () => {
        const counts: TableCounts = {};
        for (const t of tablesFor(l, 'anonymize', slice.category)) {
          // The shared `events` rows first: they are found through this table's rows not yet anonymised.
          if (t.eventIdColumn) add(counts, EVENTS, await anonymizeRows(l.tables.get(EVENTS)!, (q) => dueShared(q, t, 'anonymize', slice, l), at));
          add(counts, t.name, await anonymizeRows(t, (q) => due(q, t, ident(t.name), 'anonymize', slice, l), at));
        }
        return counts;
      }));
    },

    async deleteBefore(slice) {
      const l = await layout();
      return retryOnConflict(() => db.transaction(async () => {
        const counts: TableCounts = {};
        for (const t of tablesFor(l, 'delete', slice.category)) {
          if (t.eventIdColumn) {
            const s = new Params();
            add(counts, EVENTS, count(await db.one(`DELETE FROM ${ident(EVENTS)} WHERE ${dueShared(s, t, 'delete', slice, l)}`, s.values)));
          }
          const q = new Params();
          add(counts, t.name, count(await db.one(`DELETE FROM ${ident(t.name)} WHERE ${due(q, t, ident(t.name), 'delete', slice, l)}`, q.values)));
        }
        return counts;
      }));
    },

    async stats(tenantId) {
      const l = await layout();
      const out: Record<string, TableStats> = {};
      for (const t of l.tables.values()) {
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

  const tables = new Map<string, TableLayout>();
  const byCategory = new Map<DataCategory, TableLayout[]>();
  for (const [name, entry] of inventoryTables()) {
    if (entry.category === null || !entry.timeColumn) continue;
    const columns = schema.get(name);
    if (!columns) throw new Error(`the inventory lists table ${name}, which the schema does not have`);
    const identifying = new Set(identifyingColumns(name));
    const anonymizable = columns.some((c) => c.name === 'anonymized_at');
    if (identifying.size > 0 && !anonymizable) throw new Error(`table ${name} has identifying columns but no anonymized_at column`);
    const t: TableLayout = {
      name,
      category: entry.category,
      time: entry.timeColumn,
      subject: entry.subjectColumn ?? null,
      columns: columns.map((c) => c.name),
      cleared: columns.filter((c) => identifying.has(c.name) && c.nullable).map((c) => c.name),
      rekeyed: columns.filter((c) => identifying.has(c.name) && !c.nullable).map((c) => ({ name: c.name, type: c.type })),
      json: anonymizable ? columns.filter((c) => c.type === 'JSON' && !identifying.has(c.name)).map((c) => c.name) : [],
      anonymizable,
      eventIdColumn: entry.eventIdColumn ?? null,
    };
    tables.set(name, t);
    byCategory.set(t.category, [...(byCategory.get(t.category) ?? []), t]);
  }
  const sharing = [...tables.values()].filter((t) => t.eventIdColumn !== null);
  if (sharing.length > 0 && !tables.has(EVENTS)) throw new Error('tables share rows with events, but events is not in the inventory');
  return { tables, byCategory, sharing };
}
