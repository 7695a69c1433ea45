import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from './connection.ts';
import { inventoryTables, type TableEntry } from '../../privacy/inventory.ts';
import type { ExportedTable, RightsStore, ScanResult, TableCounts } from '../ports.ts';

/** One inventory table as it exists in this store. */
interface StoredTable {
  name: string;
  entry: TableEntry;
  columns: Array<{ name: string; type: string }>;
  /** The column naming the tenant of a row (`id` for the tenants table itself), or null. */
  tenantColumn: string | null;
  /** Columns holding a subject's internal id. */
  subjectColumns: string[];
}

const ident = (name: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`"${name}" is not a plain SQL identifier`);
  return `"${name}"`;
};
const literal = (s: string): string => `'${s.replaceAll("'", "''")}'`;
const count = (r: Record<string, unknown> | null): number => Number((r?.Count ?? r?.count ?? 0) as bigint | number);
/**
 * How the verification scan searches a column of a type: `whole` text values; `uuid` values
 * compared as UUIDs; `inside` the text of JSON documents and of nested or other values; `bytes`
 * of a BLOB; null for types that cannot hold text (numbers, dates, times, booleans).
 */
export type ColumnSearch = 'whole' | 'uuid' | 'inside' | 'bytes';
const WITHOUT_TEXT = /^(BOOLEAN|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|REAL|DOUBLE|DECIMAL(\(\d+,\s*\d+\))?|DATE|TIME|TIME WITH TIME ZONE|TIMESTAMP|TIMESTAMP WITH TIME ZONE|TIMESTAMP_S|TIMESTAMP_MS|TIMESTAMP_NS|INTERVAL)$/;
export function searchOf(type: string): ColumnSearch | null {
  if (type === 'VARCHAR') return 'whole';
  if (type === 'UUID') return 'uuid';
  if (type === 'BLOB') return 'bytes';
  // Anything else not known to be without text (JSON, lists, structs, maps, enums, types added later) is searched by its text.
  return WITHOUT_TEXT.test(type) ? null : 'inside';
}
/** The text form of a UUID: a UUID column can hold a value only if it has this shape. */
const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NOT_A_UUID = 'a UUID column holds only UUIDs, and this value is not one';

/**
 * Export, erasure and the verification scan on DuckDB. Which tables and columns they touch comes
 * from the privacy inventory (only tables that exist here: a table listed for a later migration
 * is simply not there yet).
 */
export function createDuckDbRightsStore(db: Db, options: {
  /** A connection of its own for the checkpoint after an erasure, so the verification scan reads meanwhile. */
  checkpointDb?: Db;
  /** The database file: its write-ahead log is searched after an erasure's checkpoint (none for an in-memory store). */
  file?: string;
} = {}): RightsStore & { idle(): Promise<void> } {
  const tables = async (): Promise<StoredTable[]> => {
    const rows = await db.all<{ table_name: string; column_name: string; data_type: string }>(
      `SELECT table_name, column_name, data_type FROM information_schema.columns
       WHERE table_schema = 'main' AND table_catalog = current_database() ORDER BY table_name, ordinal_position`,
    );
    const byTable = new Map<string, Array<{ name: string; type: string }>>();
    for (const r of rows) byTable.set(r.table_name, [...(byTable.get(r.table_name) ?? []), { name: r.column_name, type: r.data_type }]);
    const out: StoredTable[] = [];
    for (const [name, entry] of inventoryTables()) {
      const columns = byTable.get(name);
      if (!columns) continue;
      const has = (c: string) => columns.some((x) => x.name === c);
      out.push({
        name, entry, columns,
        tenantColumn: name === 'tenants' ? 'id' : has('tenant_id') ? 'tenant_id' : null,
        subjectColumns: [...(entry.subjectColumn ? [entry.subjectColumn] : []), ...(entry.otherSubjectColumns ?? [])].filter(has),
      });
    }
    return out;
  };

  const exportedColumns = (t: StoredTable): string =>
    t.columns.filter((c) => !(t.entry.notExportedColumns ?? []).includes(c.name)).map((c) => ident(c.name)).join(', ');

  /** COPY writes straight to the file: rows never pass through JavaScript, so a whole tenant streams. */
  const copy = async (select: string, file: string, format: 'json' | 'csv'): Promise<number> => {
    const options = format === 'json' ? '(FORMAT JSON, ARRAY true)' : '(FORMAT CSV, HEADER true)';
    return count(await db.one(`COPY (${select}) TO ${literal(file)} ${options}`));
  };

  const exportTables = async (list: Array<{ t: StoredTable; where: string }>, dir: string, formats: Array<'json' | 'csv'>): Promise<ExportedTable[]> => {
    const out: ExportedTable[] = [];
    for (const { t, where } of list) {
      const select = `SELECT ${exportedColumns(t)} FROM ${ident(t.name)} WHERE ${where}`;
      for (const format of formats) {
        const file = path.join(dir, `${t.name}.${format}`);
        out.push({ table: t.name, format, file, rows: await copy(select, file, format) });
      }
    }
    return out;
  };

  const ofSubject = (t: StoredTable, tenantId: string, subjectId: string): string =>
    [
      ...(t.tenantColumn ? [`${ident(t.tenantColumn)} = ${literal(tenantId)}`] : []),
      `(${t.subjectColumns.map((c) => `${ident(c)} = ${literal(subjectId)}`).join(' OR ')})`,
    ].join(' AND ');

  /** Identifying columns that may be cleared (not part of a primary key). */
  const clearable = (t: StoredTable): string[] =>
    Object.entries(t.entry.columns).filter(([c, k]) => k === 'identifying' && c !== 'id' && t.columns.some((x) => x.name === c)).map(([c]) => c);

  /** The tenants table goes last: other rows name it. */
  const tenantsLast = (list: StoredTable[]) => [...list.filter((t) => t.name !== 'tenants'), ...list.filter((t) => t.name === 'tenants')];

  /**
   * Until a checkpoint, the write-ahead log still holds the deleted rows as they were inserted:
   * after an erasure's deletes commit, the log is folded into the database file on a connection
   * of its own while the verification scan reads (the two overlap: about 0.1 s each at 10M
   * events). The scan waits for it and then searches the log itself, so a checkpoint that failed
   * or left the rows there fails the verification instead of passing unnoticed.
   */
  let checkpointing: Promise<void> | null = null;
  const startCheckpoint = () => {
    // DuckDB refuses while another write transaction is active ("Cannot CHECKPOINT: there are other
    // write transactions active", e.g. a checkpoint on another connection): try again a few times
    // (FORCE CHECKPOINT would abort ingest's transactions). If none succeeds, the search of the log
    // below finds what is left there, and the job fails and is retried.
    const run = async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          await (options.checkpointDb ?? db).run('CHECKPOINT');
          return;
        } catch {
          if (attempt === 5) return;
          await new Promise((r) => setTimeout(r, 50 * attempt));
        }
      }
    };
    checkpointing = Promise.all([checkpointing, run()]).then(() => undefined);
  };

  /** The write-ahead log files of the database (`ebb.duckdb.wal`, and any DuckDB writes beside it while checkpointing). */
  const logFiles = async (): Promise<string[]> => {
    if (!options.file) return [];
    const dir = path.dirname(options.file);
    const prefix = `${path.basename(options.file)}.wal`;
    return (await readdir(dir).catch(() => [] as string[])).filter((f) => f.startsWith(prefix)).map((f) => path.join(dir, f));
  };

  /**
   * Deletes the matching rows of each table in one transaction (or, for tables whose records must
   * outlive the person, clears their identifying columns), in the order given; then starts the
   * checkpoint.
   */
  const eraseRows = async (targets: Array<[StoredTable, string]>): Promise<TableCounts> => {
    const counts = await db.transaction(async () => {
      const counts: TableCounts = {};
      for (const [t, where] of targets) {
        counts[t.name] = t.entry.onErasure === 'unlink'
          ? count(await db.one(`UPDATE ${ident(t.name)} SET ${clearable(t).map((c) => `${ident(c)} = NULL`).join(', ')} WHERE ${where}`))
          : count(await db.one(`DELETE FROM ${ident(t.name)} WHERE ${where}`));
      }
      return counts;
    });
    startCheckpoint();
    return counts;
  };

  /** Waits for a checkpoint still running (the store closes only after it). */
  const idle = async () => {
    while (checkpointing) {
      const pending = checkpointing;
      await pending;
      if (checkpointing === pending) checkpointing = null;
    }
  };

  return {
    idle,

    async subjectById(tenantId, subjectId) {
      const r = await db.one<{ id: string; pseudonym: string }>('SELECT id, pseudonym FROM subjects WHERE tenant_id = $1 AND id = $2', [tenantId, subjectId]);
      return r ? { id: String(r.id), pseudonym: String(r.pseudonym) } : null;
    },

    async exportSubject(tenantId, subjectId, dir, formats) {
      const list = (await tables())
        .filter((t) => t.subjectColumns.length > 0 && t.entry.exported === undefined)
        .map((t) => ({ t, where: ofSubject(t, tenantId, subjectId) }));
      return exportTables(list, dir, formats);
    },

    async exportTenant(tenantId, dir, formats) {
      const list = (await tables())
        .filter((t) => t.tenantColumn !== null && t.entry.exported !== 'never')
        .map((t) => ({ t, where: `${ident(t.tenantColumn!)} = ${literal(tenantId)}` }));
      return exportTables(list, dir, formats);
    },

    async eraseSubject(tenantId, subjectId) {
      const list = (await tables()).filter((t) => t.subjectColumns.length > 0 && t.entry.onErasure !== 'keep');
      // The subject row goes last, so a failure before it leaves the person findable for the retry.
      const ordered = [...list.filter((t) => t.name !== 'subjects'), ...list.filter((t) => t.name === 'subjects')];
      return eraseRows(ordered.map((t) => [t, ofSubject(t, tenantId, subjectId)]));
    },

    async eraseTenant(tenantId) {
      const list = tenantsLast((await tables()).filter((t) => t.tenantColumn !== null && t.entry.onErasure !== 'keep'));
      return eraseRows(list.map((t) => [t, `${ident(t.tenantColumn!)} = ${literal(tenantId)}`]));
    },

    async scan(needles) {
      const result: ScanResult = { findings: [], columnsSearched: 0, columnsWithoutText: 0, notSearched: [], logFiles: 0, logFindings: [] };
      if (needles.length === 0) return result;
      // One statement for every table, one filtered branch per column: each branch's WHERE lets
      // DuckDB skip every row group whose min/max rules the values out (most columns of 10M rows
      // cost a millisecond), which one pass with a count per column cannot (measured: 0.6 s
      // against 0.15 s for the events table); one statement instead of one per table saves a
      // round trip per table. A column is searched for the values its type can hold.
      const branches: string[] = [];
      for (const t of await tables()) {
        for (const c of t.columns) {
          const how = searchOf(c.type);
          if (how === null) { result.columnsWithoutText++; continue; }
          const col = ident(c.name);
          const searched = needles.map((n, i) => ({ n, i })).filter(({ n, i }) => {
            if (how !== 'uuid' || UUID_TEXT.test(n)) return true;
            result.notSearched.push({ table: t.name, column: c.name, needle: i, why: NOT_A_UUID });
            return false;
          });
          if (searched.length === 0) continue;
          result.columnsSearched++;
          const select = (which: string, where: string) =>
            `SELECT ${literal(t.name)} AS tbl, ${literal(c.name)} AS col, ${which} AS needle, count(*) AS n FROM ${ident(t.name)} WHERE ${where} GROUP BY ALL`;
          if (how === 'whole' || how === 'uuid') {
            // Whole values; a UUID column compared as UUIDs (its text form would be built for every row).
            const values = searched.map(({ n }) => (how === 'uuid' ? `CAST(${literal(n)} AS UUID)` : literal(n)));
            branches.push(select(`CASE ${searched.map(({ i }, k) => `WHEN ${col} = ${values[k]} THEN ${i}`).join(' ')} END`, `${col} IN (${values.join(', ')})`));
          } else {
            // Inside the value: JSON documents and other nested values by their text, bytes by their hex digits
            // (a match must start on a whole byte). The first value found names the needle.
            const found = searched.map(({ n }) => (how === 'bytes'
              ? `regexp_matches(hex(${col}), ${literal(`^(?:..)*?${Buffer.from(n, 'utf8').toString('hex').toUpperCase()}`)})`
              : `contains(CAST(${col} AS VARCHAR), ${literal(n)})`));
            branches.push(select(`CASE ${searched.map(({ i }, k) => `WHEN ${found[k]} THEN ${i}`).join(' ')} END`, found.join(' OR ')));
          }
        }
      }
      const rows = branches.length === 0 ? [] : await db.all<{ tbl: string; col: string; needle: number; n: bigint }>(branches.join(' UNION ALL '));
      for (const r of rows) {
        if (Number(r.n) > 0) result.findings.push({ table: String(r.tbl), column: String(r.col), needle: Number(r.needle), rows: Number(r.n) });
      }
      result.findings.sort((a, b) => a.table.localeCompare(b.table) || a.column.localeCompare(b.column) || a.needle - b.needle);
      // Then the write-ahead log, once the erasure's checkpoint is done: rows inserted or changed
      // since the last checkpoint are there as written, their text verbatim.
      await idle();
      for (const file of await logFiles()) {
        const bytes = await readFile(file).catch(() => null);
        if (!bytes) continue;
        result.logFiles++;
        needles.forEach((n, i) => { if (bytes.includes(n)) result.logFindings.push({ file: path.basename(file), needle: i }); });
      }
      return result;
    },
  };
}
