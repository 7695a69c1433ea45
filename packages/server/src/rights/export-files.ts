import { chmodSync, mkdirSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * Where export files live: `<dataDir>/exports/<tenant id>/<job id>.zip` (jobs record the part after
 * `exports/`, as lifecycle/expired-exports.ts expects), and the scratch folder an export is built
 * in, `<dataDir>/exports/.work/<job id>/`. Every folder is 0700 and every file 0600.
 */
export interface ExportFiles {
  root: string;
  /** The absolute path of a recorded file, or null when the name points outside the exports folder. */
  resolve(file: string): string | null;
  /** The recorded name and absolute path of a job's zip; creates the tenant's folder. */
  zipOf(tenantId: string, jobId: string): { file: string; full: string };
  /** The scratch folder of a job (not created). */
  workOf(jobId: string): string;
  tenantDir(tenantId: string): string;
  /** Every file under the exports folder. */
  walk(dir?: string): Promise<string[]>;
}

export function createExportFiles(dir: string): ExportFiles {
  const root = path.resolve(dir);
  const ensure = (d: string) => {
    mkdirSync(d, { recursive: true, mode: 0o700 });
    chmodSync(d, 0o700);
  };
  const walk = async (d: string): Promise<string[]> => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: string[] = [];
    for (const e of entries) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) out.push(...(await walk(full)));
      else if (e.isFile()) out.push(full);
    }
    return out;
  };
  return {
    root,
    resolve(file) {
      const full = path.resolve(root, file);
      return full.startsWith(root + path.sep) ? full : null;
    },
    zipOf(tenantId, jobId) {
      ensure(root);
      ensure(path.join(root, tenantId));
      const file = `${tenantId}/${jobId}.zip`;
      return { file, full: path.join(root, tenantId, `${jobId}.zip`) };
    },
    workOf: (jobId) => path.join(root, '.work', jobId),
    tenantDir: (tenantId) => path.join(root, tenantId),
    walk: (d = root) => walk(d),
  };
}
