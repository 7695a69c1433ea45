import type { EventInput, IngestResult, Rejection } from '@ebb/contracts';
import type { Clock } from '../core/clock.ts';
import { createKeyDenyList, type KeyDenyList, type Redactions } from '../privacy/pii/index.ts';
import type { Pseudonymizer } from '../privacy/pseudonym.ts';
import type { SaltService } from '../privacy/salts.ts';
import type { RetentionPolicySource } from '../lifecycle/retention-defaults.ts';
import type { TenantService } from '../access/tenants.ts';
import type { ApiKeyRecord } from '../store/ports.ts';
import { Drop, type DropReason } from './drop-reasons.ts';
import type { IngestContext } from './draft.ts';
import { runPipeline } from './pipeline.ts';
import type { Sessionizer } from './sessionizer.ts';
import type { SubjectDirectory } from './subject-directory.ts';
import { toDraft } from './to-draft.ts';
import { toRows, type PreparedEvent } from './to-rows.ts';
import { validateEvent } from './validate-event.ts';
import type { IngestWriter } from './writer.ts';

export interface IngestRequest {
  key: ApiKeyRecord;
  source: 'server' | 'browser';
  events: unknown[];
  /** The connecting client's address and agent; used for browser traffic only, never stored. */
  ip: string | null;
  userAgent: string | null;
  /** Sec-GPC or DNT header set. */
  privacySignal: boolean;
}

export interface IngestObserver {
  accepted(n: number): void;
  dropped(reason: DropReason, n: number): void;
  rejected(code: string, n: number): void;
  redacted(r: Redactions): void;
}

export interface IngestService {
  ingest(req: IngestRequest): Promise<IngestResult>;
}

const UTM = (k: string) => k.startsWith('utm_');

/** Validates each event, runs the pipeline, and hands what survives to the group-commit writer. */
export function createIngestService(deps: {
  tenants: TenantService;
  subjects: SubjectDirectory;
  sessions: Sessionizer;
  salts: SaltService;
  pseudonyms: Pseudonymizer;
  retention: RetentionPolicySource;
  writer: IngestWriter;
  clock: Clock;
  observer?: IngestObserver;
}): IngestService {
  const denyLists = new Map<string, { source: string[]; list: KeyDenyList }>();
  const denyListFor = (tenantId: string, extra: string[]): KeyDenyList => {
    const cached = denyLists.get(tenantId);
    if (cached && cached.source === extra) return cached.list;
    const list = createKeyDenyList(extra);
    denyLists.set(tenantId, { source: extra, list });
    return list;
  };

  return {
    async ingest(req) {
      const { observer } = deps;
      const tenant = await deps.tenants.get(req.key.tenantId);
      const rejected: Rejection[] = [];
      const valid: Array<{ index: number; input: EventInput }> = [];
      req.events.forEach((raw, index) => {
        const v = validateEvent(raw);
        if (v.ok) valid.push({ index, input: v.event });
        else rejected.push({ index, code: 'EBB_EVENT_INVALID', message: v.message });
      });

      const allowed = new Set(tenant.settings.allowQueryKeys);
      const ctx: IngestContext = {
        tenant,
        key: req.key,
        source: req.source,
        receivedAt: deps.clock.now(),
        retention: await deps.retention.forTenant(tenant.id),
        denyList: denyListFor(tenant.id, tenant.settings.denyKeys),
        allowQueryKey: allowed.size === 0 ? UTM : (k) => UTM(k) || allowed.has(k),
        redactions: {},
        pseudonyms: deps.pseudonyms,
        subjects: deps.subjects,
        sessions: deps.sessions,
        salt: await deps.salts.today(),
      };
      const userIds = valid.flatMap(({ input }) => (input.userId ? [deps.pseudonyms.subject(tenant.id, input.userId)] : []));
      await deps.subjects.prefetch(tenant.id, userIds);

      const prepared: PreparedEvent[] = [];
      const drops = new Map<DropReason, number>();
      for (const { index, input } of valid) {
        const out = runPipeline(toDraft(input, index, ctx, req), ctx);
        if (out instanceof Drop) drops.set(out.reason, (drops.get(out.reason) ?? 0) + 1);
        else if ('code' in out) rejected.push({ index, code: out.code, message: out.message });
        else prepared.push(toRows(out, ctx));
      }

      const { written, duplicates } = await deps.writer.write(prepared);
      observer?.accepted(written);
      observer?.redacted(ctx.redactions);
      if (duplicates > 0) observer?.dropped('duplicate', duplicates);
      for (const [reason, n] of drops) observer?.dropped(reason, n);
      for (const r of rejected) observer?.rejected(r.code, 1);
      rejected.sort((a, b) => a.index - b.index);
      let dropped = 0;
      for (const n of drops.values()) dropped += n;
      return { accepted: written, duplicates, dropped, rejected };
    },
  };
}
