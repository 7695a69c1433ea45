import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { inventoryTables } from '../privacy/inventory.ts';
import type { RightsStore } from '../store/ports.ts';
import type { ExportFiles } from './export-files.ts';

export interface Needle {
  /** What the value is, for the report (never the value itself). */
  label: string;
  value: string;
  /** Tables where finding this value is expected and allowed, with the reason (e.g. the audit log keeps internal ids). */
  allowedIn?: Record<string, string>;
}

export interface VerificationReport {
  clean: boolean;
  /** Inventory tables searched (every column of each that can hold text). */
  tablesScanned: number;
  /** Columns searched for the values. */
  columnsSearched: number;
  /** Columns whose type cannot hold text (numbers, dates, times, booleans): nothing to search. */
  columnsWithoutText: number;
  /** Columns not searched for one of the values because they cannot hold it, and why. */
  notSearched: Array<{ where: string; what: string; why: string }>;
  /** Export files searched (names, and contents of every zip entry). */
  filesScanned: number;
  /** The store's write-ahead log files searched after its checkpoint (rows changed since the last checkpoint are there as written). */
  logFilesScanned: number;
  /** What was found where it must not be. */
  leftovers: Array<{ where: string; what: string; rows?: number }>;
  /** What was found where it is allowed, and why. */
  allowed: Array<{ where: string; what: string; rows: number; why: string }>;
}

/** The texts of a file: each zip entry's, or the file's own. */
async function textsOf(file: string, rel: string): Promise<Array<{ where: string; text: string }>> {
  const bytes = await readFile(file).catch(() => null);
  if (!bytes) return [];
  if (file.endsWith('.zip')) {
    try {
      return Object.entries(unzipSync(bytes)).map(([name, data]) => ({ where: `${rel}:${name}`, text: Buffer.from(data).toString('utf8') }));
    } catch {
      // Not a readable zip (a partial one): searched as it is.
    }
  }
  return [{ where: rel, text: bytes.toString('utf8') }];
}

/** Whether a file (or any entry of a zip) contains one of the values. */
export async function fileContains(file: string, values: string[]): Promise<boolean> {
  return (await textsOf(file, file)).some((t) => values.some((v) => t.text.includes(v)));
}

/**
 * After an erasure: every column of every inventory table that can hold text, and the export files, searched
 * for each value that could lead back to the person (or tenant). A leftover fails the job.
 */
export async function verifyErased(deps: { store: RightsStore; files: ExportFiles }, needles: Needle[], fileDirs: string[]): Promise<VerificationReport> {
  const scan = await deps.store.scan(needles.map((n) => n.value));
  const report: VerificationReport = {
    clean: true, tablesScanned: inventoryTables().length, columnsSearched: scan.columnsSearched, columnsWithoutText: scan.columnsWithoutText,
    notSearched: scan.notSearched.map((s) => ({ where: `${s.table}.${s.column}`, what: needles[s.needle]!.label, why: s.why })),
    filesScanned: 0, logFilesScanned: scan.logFiles, leftovers: [], allowed: [],
  };
  for (const f of scan.findings) {
    const needle = needles[f.needle]!;
    const why = needle.allowedIn?.[f.table];
    if (why) report.allowed.push({ where: `${f.table}.${f.column}`, what: needle.label, rows: f.rows, why });
    else report.leftovers.push({ where: `${f.table}.${f.column}`, what: needle.label, rows: f.rows });
  }
  // Nothing is allowed in the write-ahead log: the checkpoint after the deletes should have emptied it.
  for (const f of scan.logFindings) report.leftovers.push({ where: `write-ahead log ${f.file}`, what: needles[f.needle]!.label });
  for (const dir of fileDirs) {
    for (const file of await deps.files.walk(dir)) {
      report.filesScanned++;
      const rel = path.relative(deps.files.root, file);
      for (const n of needles) if (rel.includes(n.value)) report.leftovers.push({ where: `file name ${rel}`, what: n.label });
      for (const t of await textsOf(file, rel)) for (const n of needles) if (t.text.includes(n.value)) report.leftovers.push({ where: `file ${t.where}`, what: n.label });
    }
  }
  report.clean = report.leftovers.length === 0;
  return report;
}
