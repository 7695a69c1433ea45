import type { EventInput } from '@ebb/contracts';
import type { ApiKeyRecord, Tenant } from '../store/ports.ts';
import type { DataCategory } from '../privacy/inventory.ts';
import type { Redactions } from '../privacy/pii/index.ts';
import type { KeyDenyList } from '../privacy/pii/index.ts';
import type { Pseudonymizer } from '../privacy/pseudonym.ts';
import type { RetentionPolicySet } from '../lifecycle/retention-defaults.ts';
import type { DirectoryEntry, SubjectDirectory } from './subject-directory.ts';
import type { Sessionizer } from './sessionizer.ts';

/**
 * An event on its way through the pipeline. `transient` holds what the steps may read but the
 * writer never stores (the raw IP, the user agent, the app's ids); the other fields are what
 * the event row will hold once every step has run.
 */
export interface Draft {
  index: number;
  input: EventInput;
  id: string;
  dedupeKey: bigint | null;
  category: string;
  type: string;
  dataCategory: DataCategory;
  occurredAt: Date;
  subject: DirectoryEntry | null;
  sessionId: string | null;
  anonymousId: string | null;
  pagePath: string | null;
  pageTitle: string | null;
  referrerHost: string | null;
  props: Record<string, unknown> | null;
  browser: string | null;
  os: string | null;
  deviceType: string | null;
  locale: string | null;
  ipPrefix: string | null;
  /** Set when identifiers must not be kept: past the detail window, or anonymous-only by consent. */
  anonymous: 'past_detail_window' | 'consent' | 'privacy_signal' | null;
  error: {
    type: string; message: string | null; stack: string | null; component: string | null;
    endpoint: string | null; status: number | null;
  } | null;
  learning: {
    course: string | null; activity: string | null; subjectArea: string | null; score: number | null;
    maxScore: number | null; goalId: string | null; goalBaseline: number | null; goalCurrent: number | null; goalTarget: number | null;
  } | null;
  transient: {
    userId: string | null;
    ip: string | null;
    userAgent: string | null;
    clientSessionId: string | null;
    clientAnonymousId: string | null;
    privacySignal: boolean;
  };
}

/** Everything the steps need about the request and the tenant, prepared once per batch. */
export interface IngestContext {
  tenant: Tenant;
  key: ApiKeyRecord;
  source: 'server' | 'browser';
  receivedAt: Date;
  retention: RetentionPolicySet;
  denyList: KeyDenyList;
  allowQueryKey: (key: string) => boolean;
  redactions: Redactions;
  pseudonyms: Pseudonymizer;
  subjects: SubjectDirectory;
  sessions: Sessionizer;
  salt: Buffer;
}
