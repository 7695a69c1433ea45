import { createHmac, timingSafeEqual } from 'node:crypto';
import { EbbError } from '../core/errors.ts';

/** How long a download link stays valid unless asked otherwise. */
export const DEFAULT_LINK_HOURS = 24;

/** Job ids of rights jobs: `rj_` and 32 hex digits. Nothing else can name a job in a link. */
export const RIGHTS_JOB_ID = /^rj_[0-9a-f]{32}$/;
const TOKEN = /^(rj_[0-9a-f]{32})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

export interface DownloadLinks {
  /** A token naming the job, bound to its tenant, valid until `expiresAt`. */
  sign(job: { id: string; tenantId: string }, expiresAt: Date): string;
  /**
   * The job a token names, once its signature is checked against the job's tenant (`tenantOf`
   * looks the job up). Tampered or unknown: EBB_DOWNLOAD_LINK_INVALID (403); past its time:
   * EBB_DOWNLOAD_LINK_EXPIRED (410).
   */
  open(token: string, now: Date, tenantOf: (jobId: string) => Promise<string | null>): Promise<{ jobId: string; tenantId: string; expiresAt: Date }>;
}

/**
 * Signed download links: HMAC-SHA256 over the job id, its tenant and the expiry. The token never
 * becomes a path: it names a job, and the file comes from the job's record.
 */
export function createDownloadLinks(key: Buffer): DownloadLinks {
  const mac = (jobId: string, tenantId: string, expires: number) =>
    createHmac('sha256', key).update(`download\0${jobId}\0${tenantId}\0${expires}`).digest('base64url');
  const invalid = () => new EbbError('EBB_DOWNLOAD_LINK_INVALID');
  return {
    sign(job, expiresAt) {
      const expires = Math.floor(expiresAt.getTime() / 1000);
      return `${job.id}.${expires}.${mac(job.id, job.tenantId, expires)}`;
    },
    async open(token, now, tenantOf) {
      const m = TOKEN.exec(token);
      if (!m) throw invalid();
      const [, jobId, expiresText, presented] = m as unknown as [string, string, string, string];
      const tenantId = await tenantOf(jobId);
      if (!tenantId) throw invalid();
      const expires = Number(expiresText);
      const expected = Buffer.from(mac(jobId, tenantId, expires));
      const given = Buffer.from(presented);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
      // Checked after the signature: only a genuine link learns that it expired.
      if (expires * 1000 <= now.getTime()) throw new EbbError('EBB_DOWNLOAD_LINK_EXPIRED');
      return { jobId, tenantId, expiresAt: new Date(expires * 1000) };
    },
  };
}
