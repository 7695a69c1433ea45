import type { RetentionReport, StatsView } from '../lifecycle/retention-runner.ts';
import type { TableCounts } from '../store/ports.ts';

const RULE = '='.repeat(64);

const stats = (s: StatsView): string => {
  const others = Object.entries(s.tables).filter(([t]) => t !== 'events').map(([t, v]) => `${t} ${v.rows}`);
  return `events ${s.totalEvents} (anonymised ${s.anonymizedEvents}, ${s.anonymizationRate.toFixed(1)}%)${others.length ? `, ${others.join(', ')}` : ''}`;
};

const counts = (c: TableCounts): string => {
  const entries = Object.entries(c).filter(([, n]) => n > 0);
  const total = entries.reduce((a, [, n]) => a + n, 0);
  if (entries.length <= 1) return String(total);
  return `${total} (${entries.map(([t, n]) => `${t} ${n}`).join(', ')})`;
};

export const formatDuration = (seconds: number): string => {
  if (seconds < 60) return `${seconds} s`;
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${m} min` : `${m} min`;
};

/** The run as a log for people: stats before, what each tenant and category got, stats after. */
export function formatRetentionReport(r: RetentionReport): string {
  const would = r.dryRun ? 'would be ' : '';
  const lines = [
    RULE,
    `Ebb retention run${r.dryRun ? ' (dry run: nothing is changed)' : ''}${r.tenantId ? ` for tenant ${r.tenantId}` : ''}`,
    `Started at: ${r.startedAt}   job ${r.jobId}`,
    RULE,
    '',
    `Stats before: ${stats(r.before)}`,
  ];
  if (r.exposure.before.length > 0) {
    lines.push(`Overdue before: ${r.exposure.before.map((e) => `${e.tenantId} ${e.category} ${e.stage} ${formatDuration(e.overdueSeconds)}`).join('; ')}`);
  }
  for (const t of r.tenants) {
    lines.push('');
    if (t.heldBy) {
      lines.push(`Tenant ${t.tenantId}: skipped, the whole tenant is under legal hold ${t.heldBy}`);
      continue;
    }
    lines.push(`Tenant ${t.tenantId}`);
    lines.push(`  ${'category'.padEnd(16)} ${'anonymise/delete'.padEnd(17)} ${`${would}anonymised`.padEnd(r.dryRun ? 24 : 14)} ${would}deleted`);
    for (const c of t.categories) {
      const held = c.held.anonymize + c.held.delete > 0 ? `   held: ${c.held.anonymize} + ${c.held.delete}` : '';
      lines.push(`  ${c.category.padEnd(16)} ${`${c.anonymizeAfterDays} d / ${c.deleteAfterDays} d`.padEnd(17)} ${counts(c.anonymized).padEnd(r.dryRun ? 24 : 14)} ${counts(c.deleted)}${held}`);
    }
    lines.push(`  ${'export_files'.padEnd(16)} ${''.padEnd(17)} ${'-'.padEnd(r.dryRun ? 24 : 14)} ${t.exportFiles.deleted} files${t.exportFiles.held ? `   held: ${t.exportFiles.held}` : ''}`);
    for (const h of t.heldSubjects) lines.push(`  legal hold ${h.holdId}: ${h.subjects} subject(s) left as they are`);
  }
  lines.push('');
  for (const s of r.skipped) {
    lines.push(`Skipped in ${s.tenantId}: ${s.reason} (${s.holdIds.join(', ')})${s.rows ? `: ${s.rows.anonymize} rows not anonymised, ${s.rows.delete} not deleted` : ''}`);
  }
  lines.push(`Visitor salts older than 48 hours ${would}deleted: ${r.saltsDeleted}`);
  if (r.untrackedExportFilesDeleted > 0) lines.push(`Export files no job tracks ${would}deleted: ${r.untrackedExportFilesDeleted}`);
  lines.push(`Stats after: ${stats(r.after)}`);
  lines.push(r.exposure.after.length === 0
    ? 'PII overdue after the run: none'
    : `PII overdue after the run: ${r.exposure.after.map((e) => `${e.tenantId} ${e.category} ${e.stage} ${formatDuration(e.overdueSeconds)}`).join('; ')}`);
  lines.push('');
  lines.push(RULE);
  lines.push(`${r.dryRun ? 'Dry run finished' : 'Retention run finished'}`);
  lines.push(`   - ${r.dryRun ? 'Would anonymise' : 'Anonymised'}: ${r.totals.rowsAnonymized} rows`);
  lines.push(`   - ${r.dryRun ? 'Would delete' : 'Deleted'}: ${r.totals.rowsDeleted} rows, ${r.totals.deleted.export_files + r.untrackedExportFilesDeleted} export files`);
  lines.push(`   - Anonymisation rate: ${r.before.anonymizationRate.toFixed(1)}% -> ${r.after.anonymizationRate.toFixed(1)}%`);
  lines.push(`Finished at: ${r.finishedAt} (${(r.durationMs / 1000).toFixed(1)} s)`);
  lines.push(RULE);
  return lines.join('\n');
}
