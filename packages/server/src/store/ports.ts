/**
 * Storage ports. Services speak these interfaces, never SQL; each adapter (duckdb/ now,
 * postgres/ and clickhouse/ later) implements them and passes the same contract suite.
 */

export type ApiKeyKind = 'server' | 'browser' | 'admin' | 'read';
export const API_KEY_KINDS: readonly ApiKeyKind[] = ['server', 'browser', 'admin', 'read'];

export interface TenantSettings {
  /** What to do with browser events that carry Global Privacy Control or Do-Not-Track. */
  privacySignals: 'anonymous' | 'drop';
  /** Extra property keys whose values are always redacted. */
  denyKeys: string[];
  /** Extra query-string keys kept in URLs (utm_* is always kept). */
  allowQueryKeys: string[];
}

export const DEFAULT_TENANT_SETTINGS: TenantSettings = Object.freeze({
  privacySignals: 'anonymous',
  denyKeys: [],
  allowQueryKeys: [],
}) as TenantSettings;

export interface Tenant {
  id: string;
  name: string;
  createdAt: Date;
  settings: TenantSettings;
}

export interface ApiKeyRecord {
  id: string;
  tenantId: string;
  kind: ApiKeyKind;
  name: string;
  /** The first characters of the key, shown in listings and used for lookup. */
  prefix: string;
  /** SHA-256 of the whole key, hex. Keys are 256-bit random, so a fast hash is enough. */
  hash: string;
  allowedOrigins: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export type ConsentState = 'unknown' | 'granted' | 'refused' | 'anonymous_only';

export interface SubjectRecord {
  id: string;
  tenantId: string;
  pseudonym: string;
  kind: 'learner' | 'guardian' | 'staff';
  consentState: ConsentState;
}

export interface AuditEntry {
  seq: number;
  at: Date;
  tenantId: string | null;
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** One stored event, as the writer hands it to the store. No field holds a raw identifier. */
export interface EventRow {
  id: string;
  tenantId: string;
  occurredAt: Date;
  receivedAt: Date;
  category: string;
  type: string;
  subjectId: string | null;
  sessionId: string | null;
  anonymousId: string | null;
  pagePath: string | null;
  pageTitle: string | null;
  referrerHost: string | null;
  durationMs: number | null;
  loadTimeMs: number | null;
  props: string | null;
  browser: string | null;
  os: string | null;
  deviceType: string | null;
  locale: string | null;
  ipPrefix: string | null;
  dedupeKey: bigint | null;
  anonymizedAt: Date | null;
}

export interface ErrorRow {
  id: string;
  eventId: string;
  tenantId: string;
  occurredAt: Date;
  receivedAt: Date;
  subjectId: string | null;
  sessionId: string | null;
  errorType: string;
  message: string | null;
  stack: string | null;
  component: string | null;
  endpoint: string | null;
  status: number | null;
  pagePath: string | null;
  browser: string | null;
  os: string | null;
  anonymizedAt: Date | null;
}

export interface LearningRow {
  id: string;
  eventId: string;
  tenantId: string;
  occurredAt: Date;
  receivedAt: Date;
  subjectId: string | null;
  sessionId: string | null;
  type: string;
  course: string | null;
  activity: string | null;
  subjectArea: string | null;
  score: number | null;
  maxScore: number | null;
  goalId: string | null;
  goalBaseline: number | null;
  goalCurrent: number | null;
  goalTarget: number | null;
  anonymizedAt: Date | null;
}

/** A session's state after this batch; the store merges it with what it has (min start, max end, sums). */
export interface SessionUpdate {
  id: string;
  tenantId: string;
  subjectId: string | null;
  anonymousId: string | null;
  startedAt: Date;
  endedAt: Date;
  pageViews: number;
  eventCount: number;
  entryPage: string | null;
  exitPage: string | null;
  deviceType: string | null;
  browser: string | null;
  os: string | null;
}

export interface IngestWrite {
  newSubjects: SubjectRecord[];
  events: EventRow[];
  errors: ErrorRow[];
  learning: LearningRow[];
  sessions: SessionUpdate[];
}

export interface EventStore {
  /** Writes everything in one transaction: all of it is committed, or none. */
  commitIngest(write: IngestWrite): Promise<void>;
  /** Dedupe keys of events received since the given time, in chunks (to rebuild the in-memory index). */
  dedupeKeysSince(since: Date, onChunk: (keys: bigint[]) => void): Promise<void>;
  /** Sessions still open (ended after `since`), to resume inactivity-based sessionisation after a restart. */
  openSessionsSince(since: Date): Promise<Array<{ id: string; tenantId: string; visitor: string | null; endedAt: Date }>>;
  countEvents(tenantId?: string): Promise<number>;
}

export interface NewAuditEntry {
  tenantId: string | null;
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
}

export interface ControlStore {
  createTenant(t: Tenant): Promise<void>;
  getTenant(id: string): Promise<Tenant | null>;
  findTenantByName(name: string): Promise<Tenant | null>;
  listTenants(): Promise<Tenant[]>;

  insertApiKey(k: ApiKeyRecord): Promise<void>;
  findApiKeyByPrefix(prefix: string): Promise<ApiKeyRecord | null>;
  listApiKeys(tenantId: string): Promise<ApiKeyRecord[]>;
  getApiKey(tenantId: string, id: string): Promise<ApiKeyRecord | null>;
  revokeApiKey(tenantId: string, id: string, at: Date): Promise<boolean>;
  touchApiKeys(lastUsed: Map<string, Date>): Promise<void>;

  findSubjects(tenantId: string, pseudonyms: string[]): Promise<SubjectRecord[]>;

  getSalt(day: string): Promise<Buffer | null>;
  /** Stores the salt for a day unless one exists; returns the one that is stored. */
  putSalt(day: string, salt: Buffer, at: Date): Promise<Buffer>;
  deleteSaltsBefore(day: string): Promise<number>;

  /** Appends with the chain computed by `seal` from the previous hash, atomically. */
  appendAudit(entry: NewAuditEntry, at: Date, seal: (e: Omit<AuditEntry, 'hash'>) => string): Promise<AuditEntry>;
  readAudit(fromSeq: number, limit: number): Promise<AuditEntry[]>;
}

export interface Store {
  events: EventStore;
  control: ControlStore;
  close(): Promise<void>;
}
