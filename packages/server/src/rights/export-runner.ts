import { chmodSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Clock } from '../core/clock.ts';
import { EbbError } from '../core/errors.ts';
import type { Progress } from '../control/operation.ts';
import type { RetentionPolicies } from '../lifecycle/retention-policies.ts';
import type { PrivacyJobRecord, RightsStore } from '../store/ports.ts';
import { DEFAULT_LINK_HOURS } from './download-links.ts';
import type { ExportFiles } from './export-files.ts';
import { exportReadme } from './export-readme.ts';
import { writeZip } from './zip-files.ts';

export interface ExportOutcome {
  file: string;
  expiresAt: Date;
  result: Record<string, unknown>;
}

/**
 * Builds an export: each table's rows written by the store into a private scratch folder, then
 * zipped with a README into `<exports>/<tenant>/<job>.zip` (0600). A rerun after a crash starts
 * from an empty scratch folder, so it is the same as a first run.
 */
export function createExportRunner(deps: { store: RightsStore; files: ExportFiles; policies: RetentionPolicies; clock: Clock; linkHours?: number }) {
  const linkMs = (deps.linkHours ?? DEFAULT_LINK_HOURS) * 3600_000;
  return async function runExport(job: PrivacyJobRecord, progress: Progress): Promise<ExportOutcome> {
    const tenantId = job.tenantId!;
    const scope = job.params.scope === 'tenant' ? 'tenant' : 'subject';
    const format = String(job.params.format ?? 'json');
    const formats: Array<'json' | 'csv'> = format === 'both' ? ['json', 'csv'] : format === 'csv' ? ['csv'] : ['json'];
    const work = deps.files.workOf(job.id);
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true, mode: 0o700 });
    chmodSync(path.dirname(work), 0o700);
    try {
      progress({ step: 'reading rows' });
      let tables;
      if (scope === 'subject') {
        if (!job.subjectId || !(await deps.store.subjectById(tenantId, job.subjectId))) {
          throw new EbbError('EBB_SUBJECT_NOT_FOUND', 'The person of this export no longer exists in Ebb (erased meanwhile): there is nothing to export.');
        }
        tables = await deps.store.exportSubject(tenantId, job.subjectId, work, formats);
      } else {
        tables = await deps.store.exportTenant(tenantId, work, formats);
      }
      const policies = await deps.policies.describe(tenantId);
      const now = deps.clock.now();
      const exportPolicy = policies.find((p) => p.category === 'export_files');
      const readme = exportReadme({
        scope, jobId: job.id, generatedAt: now, files: tables, policies, exportFileDays: exportPolicy ? exportPolicy.deleteAfterDays : null,
      });
      const { file, full } = deps.files.zipOf(tenantId, job.id);
      progress({ step: 'writing the zip', done: 0, total: tables.length + 1 });
      const bytes = await writeZip(full, [
        { name: 'README.txt', source: { text: readme } },
        ...tables.map((t) => ({ name: `${t.table}.${t.format}`, source: { file: t.file } })),
      ], (done, total) => progress({ step: 'writing the zip', done, total }));
      chmodSync(full, 0o600);
      const categories = [...new Set(tables.map((t) => t.table))].map((t) => ({ table: t, rows: tables.find((x) => x.table === t)!.rows }));
      return {
        file,
        expiresAt: new Date(now.getTime() + linkMs),
        result: {
          scope, format, bytes: statSync(full).size || bytes, categories,
          rows: categories.reduce((n, c) => n + c.rows, 0),
          fileDeletedAfterDays: exportPolicy?.deleteAfterDays ?? null,
          linkExpiresAfterHours: linkMs / 3600_000,
        },
      };
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  };
}

