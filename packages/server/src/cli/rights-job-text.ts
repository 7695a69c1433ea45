import type { CliJobView } from '../control/rights-operations.ts';

/** One line per job, for listings. */
export const jobLine = (j: CliJobView): string =>
  `${j.id}  ${j.kind.padEnd(6)} ${j.state.padEnd(9)} ${j.scope === 'tenant' ? 'whole tenant' : `subject ${j.subjectId ?? '(erased)'}`}  created ${j.createdAt}${j.graceDeadline && j.state === 'scheduled' ? `, runs after ${j.graceDeadline}` : ''}`;

/** A job in full, for `show` and after a request. */
export function formatJob(j: CliJobView): string {
  const lines = [jobLine(j), `  requested by ${j.requester}; attempts ${j.attempts}${j.startedAt ? `; started ${j.startedAt}` : ''}${j.finishedAt ? `; finished ${j.finishedAt}` : ''}`];
  if (j.nextAttemptAt) lines.push(`  next attempt at ${j.nextAttemptAt}`);
  if (j.error) lines.push(`  error: ${j.error}`);
  const r = j.result as Record<string, any> | null;
  if (r?.deferred) lines.push(`  deferred: ${r.deferred.reason}`);
  if (j.kind === 'export' && r?.categories) {
    lines.push(`  ${r.rows} rows in ${r.categories.length} categories, ${r.bytes} bytes (${j.format})`);
    for (const c of r.categories as Array<{ table: string; rows: number }>) lines.push(`    ${c.table.padEnd(24)} ${c.rows}`);
  }
  if (j.kind === 'erase' && r?.deleted) {
    lines.push(`  ${r.rowsDeleted} rows deleted, ${r.exportFilesDeleted} export files deleted`);
    for (const [table, n] of Object.entries(r.deleted as Record<string, number>)) if (n > 0) lines.push(`    ${table.padEnd(24)} ${n}`);
    const v = r.verification;
    if (v) lines.push(`  verification: ${v.clean ? 'clean' : 'LEFTOVERS FOUND'} (${v.tablesScanned} tables${v.columnsSearched === undefined ? '' : `, ${v.columnsSearched} columns`}, ${v.filesScanned} files searched)`);
    for (const l of (v?.leftovers ?? []) as Array<{ where: string; what: string }>) lines.push(`    ${l.what} in ${l.where}`);
    lines.push(`  ${r.kept}`);
  }
  if (j.path) lines.push(`  file: ${j.path}`);
  if (j.download) lines.push(`  download: ${j.download.url} (until ${j.download.expiresAt})`);
  return lines.join('\n');
}
