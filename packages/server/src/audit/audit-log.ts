import { createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Clock } from '../core/clock.ts';
import type { AuditEntry, ControlStore, NewAuditEntry } from '../store/ports.ts';
import { canonicalJson } from './canonical-json.ts';

export interface AuditVerification {
  ok: boolean;
  entries: number;
  /** Where the chain breaks, in words; empty when it verifies. */
  problems: Array<{ seq: number; problem: string }>;
}

export interface AuditLog {
  record(entry: NewAuditEntry): Promise<AuditEntry>;
  verify(): Promise<AuditVerification>;
}

/**
 * Append-only, hash-chained audit log. Each entry's hash is an HMAC over the entry and the
 * previous hash, so an edited, removed or reordered entry breaks the chain. The newest
 * sequence number and hash are also kept in a file beside the store (the head), so entries
 * cut off the end are noticed too. Entries hold internal ids and counts, never raw identifiers.
 */
export function createAuditLog(options: { store: ControlStore; key: Buffer; clock: Clock; headFile?: string }): AuditLog {
  const { store, key, clock, headFile } = options;
  const seal = (e: Omit<AuditEntry, 'hash'>): string =>
    createHmac('sha256', key)
      .update(canonicalJson({ seq: e.seq, at: e.at.toISOString(), tenantId: e.tenantId, actor: e.actor, action: e.action, target: e.target, details: e.details, prevHash: e.prevHash }))
      .digest('hex');

  const readHead = (): { seq: number; hash: string } | null => {
    if (!headFile || !existsSync(headFile)) return null;
    try {
      return JSON.parse(readFileSync(headFile, 'utf8')) as { seq: number; hash: string };
    } catch {
      return null;
    }
  };

  return {
    async record(entry) {
      const stored = await store.appendAudit(entry, clock.now(), seal);
      if (headFile) {
        writeFileSync(`${headFile}.tmp`, JSON.stringify({ seq: stored.seq, hash: stored.hash }), { mode: 0o600 });
        renameSync(`${headFile}.tmp`, headFile);
      }
      return stored;
    },

    async verify() {
      const problems: AuditVerification['problems'] = [];
      let prevHash = '';
      let expectedSeq = 1;
      let count = 0;
      let last: AuditEntry | null = null;
      for (let from = 1; ; ) {
        const page = await store.readAudit(from, 5000);
        for (const e of page) {
          count++;
          if (e.seq !== expectedSeq) problems.push({ seq: e.seq, problem: `expected entry ${expectedSeq} here: entries were removed or reordered` });
          if (e.prevHash !== prevHash) problems.push({ seq: e.seq, problem: 'does not point at the entry before it' });
          const want = Buffer.from(seal(e), 'hex');
          const got = Buffer.from(e.hash, 'hex');
          if (want.length !== got.length || !timingSafeEqual(want, got)) problems.push({ seq: e.seq, problem: 'content does not match its hash: the entry was edited' });
          prevHash = e.hash;
          expectedSeq = e.seq + 1;
          last = e;
        }
        if (page.length < 5000) break;
        from = page[page.length - 1]!.seq + 1;
      }
      const head = readHead();
      if (head && (!last || last.seq < head.seq)) {
        problems.push({ seq: head.seq, problem: `the log ends at entry ${last?.seq ?? 0} but entry ${head.seq} was written: entries were removed from the end` });
      } else if (head && last && last.seq === head.seq && last.hash !== head.hash) {
        problems.push({ seq: head.seq, problem: 'the newest entry differs from the one written: it was replaced' });
      }
      return { ok: problems.length === 0, entries: count, problems };
    },
  };
}
