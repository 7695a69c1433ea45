/**
 * Storage ports. Services speak these interfaces, never SQL; each adapter (duckdb/ now,
 * postgres/ and clickhouse/ later) implements them and passes the same contract suite.
 */

import type { DataCategory } from '../privacy/inventory.ts';

export type ApiKeyKind = 'server' | 'browser' | 'admin' | 'read';
export const API_KEY_KINDS: readonly ApiKeyKind[] = ['server', 'browser', 'admin', 'read'];

export interface TenantSettings {
  /** What to do with browser events that carry Global Privacy Control or Do-Not-Track. */
  privacySignals: 'anonymous' | 'drop';
  /** Extra property keys whose values are always redacted. */
  denyKeys: string[];
  /** Extra query-string keys kept in URLs (utm_* is always kept). */
  allowQueryKeys: string[];
  /** Learners in an age band below this age need a guardian's consent (COPPA: 13; GDPR art. 8: up to 16). */
  parentalConsentUnder: 13 | 16 | 18;
  /** What happens to such learners' events while that consent is missing. */
  withoutParentalConsent: 'anonymous_only' | 'refuse';
  /** k: analytics withhold groups of fewer people at the `anonymized` level (unset: 5). */
  minGroupSize?: number;
}

export const DEFAULT_TENANT_SETTINGS: TenantSettings = Object.freeze({
  privacySignals: 'anonymous',
  denyKeys: [],
  allowQueryKeys: [],
  parentalConsentUnder: 13,
  withoutParentalConsent: 'anonymous_only',
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
  /** What an admin or read key may do; empty for ingest keys. */
  scopes: KeyScope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Scopes of admin and read keys, each naming what the key may do within its tenant. */
export type KeyScope = 'aggregates:read' | 'subjects:read' | 'subjects:manage' | 'keys:manage' | 'retention:manage' | 'rights:request' | 'audit:read';
export const KEY_SCOPES: readonly KeyScope[] = ['aggregates:read', 'subjects:read', 'subjects:manage', 'keys:manage', 'retention:manage', 'rights:request', 'audit:read'];

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
  /** Properties as JSON, without the keys that name a person (those are in `identifyingProps`). */
  props: string | null;
  browser: string | null;
  os: string | null;
  deviceType: string | null;
  locale: string | null;
  ipPrefix: string | null;
  dedupeKey: bigint | null;
  anonymizedAt: Date | null;
  /** The retention category of the row: `errors` or `learning_events` when an error or learning row shares the event. */
  dataCategory: DataCategory;
  /** The top-level property keys that name a person (IDENTIFYING_PROP_KEY), with their pseudonymised values, as JSON. */
  identifyingProps: string | null;
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
  updateTenantSettings(id: string, settings: TenantSettings): Promise<void>;

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

/** Dashboard roles within a tenant. Analysts see aggregates only, never an individual's rows. */
export type Role = 'owner' | 'admin' | 'analyst';
export const ROLES: readonly Role[] = ['owner', 'admin', 'analyst'];

/** A dashboard account. The e-mail is staff personal data: stored, listed in the inventory, never logged. */
export interface AccountRecord {
  id: string;
  /** Normalised (trimmed, lower case). */
  email: string;
  /** scrypt, in the self-describing format of access/passwords.ts. */
  passwordHash: string;
  /** Set for generated passwords: the account may only change its password until it does. */
  mustChangePassword: boolean;
  createdAt: Date;
  passwordChangedAt: Date;
}

export interface MembershipRecord {
  accountId: string;
  tenantId: string;
  role: Role;
  createdAt: Date;
}

export interface AccountSessionRecord {
  /** SHA-256 of the cookie's token, hex; the token itself is never stored. */
  id: string;
  accountId: string;
  createdAt: Date;
  expiresAt: Date;
  lastSeenAt: Date;
  revokedAt: Date | null;
}

export interface LoginAttempt {
  at: Date;
  /** Keyed hash of the normalised e-mail: unknown e-mails are throttled without being stored. */
  emailKey: string;
  accountId: string | null;
  /** `reset`: an operator reset the password, which ends a lockout. */
  outcome: 'success' | 'failure' | 'locked' | 'reset';
}

export type ViewerTokenAlg = 'HS256' | 'RS256' | 'ES256';

/** A key with which a tenant's app signs viewer tokens. */
export interface ViewerKeyRecord {
  id: string;
  tenantId: string;
  alg: ViewerTokenAlg;
  name: string;
  /** HS256: the shared secret, sealed with a key derived from the signing secret. */
  secretSealed: Buffer | null;
  /** RS256/ES256: the app's public key, PEM. */
  publicKey: string | null;
  createdAt: Date;
  revokedAt: Date | null;
}

export type AgeBand = 'under_13' | '13_15' | '16_17' | 'adult' | 'unknown';
export const AGE_BANDS: readonly AgeBand[] = ['under_13', '13_15', '16_17', 'adult', 'unknown'];

export interface SubjectDetails extends SubjectRecord {
  ageBand: AgeBand | null;
  createdAt: Date;
  erasedAt: Date | null;
}

/** One consent decision, kept as history; the subject's consent_state is derived from the latest ones. */
export interface ConsentRecord {
  id: string;
  tenantId: string;
  subjectId: string;
  /** `parental`: given by a guardian for a child; `own`: the subject's own. */
  kind: 'parental' | 'own';
  state: 'granted' | 'refused' | 'withdrawn';
  /** How parental consent was verified (COPPA methods), null for own consent. */
  method: string | null;
  givenAt: Date | null;
  recordedAt: Date;
  /** Internal id of who recorded it (account:..., key:...). */
  recordedBy: string;
}

/** Control-plane storage for access control: accounts, sessions, viewer keys, guardianships, consent. */
export interface AccessStore {
  insertAccount(a: AccountRecord): Promise<void>;
  getAccount(id: string): Promise<AccountRecord | null>;
  findAccountByEmail(email: string): Promise<AccountRecord | null>;
  listAccounts(): Promise<AccountRecord[]>;
  setPassword(accountId: string, passwordHash: string, mustChange: boolean, at: Date): Promise<void>;

  putMembership(m: MembershipRecord): Promise<void>;
  getMembership(accountId: string, tenantId: string): Promise<MembershipRecord | null>;
  listMembershipsOf(accountId: string): Promise<MembershipRecord[]>;
  listMembers(tenantId: string): Promise<Array<MembershipRecord & { email: string }>>;
  deleteMembership(accountId: string, tenantId: string): Promise<boolean>;

  insertSession(s: AccountSessionRecord): Promise<void>;
  getSession(id: string): Promise<AccountSessionRecord | null>;
  touchSession(id: string, at: Date): Promise<void>;
  revokeSession(id: string, at: Date): Promise<void>;
  revokeSessionsOf(accountId: string, at: Date, except?: string): Promise<number>;
  deleteSessionsExpiredBefore(at: Date): Promise<number>;

  insertLoginAttempt(a: LoginAttempt): Promise<void>;
  /** Failures for the key since its last success or reset and not before `since`: how many, and the newest. */
  recentFailures(emailKey: string, since: Date): Promise<{ count: number; last: Date | null }>;
  deleteLoginAttemptsBefore(at: Date): Promise<number>;

  insertViewerKey(k: ViewerKeyRecord): Promise<void>;
  listViewerKeys(tenantId: string): Promise<ViewerKeyRecord[]>;
  getViewerKey(tenantId: string, id: string): Promise<ViewerKeyRecord | null>;
  revokeViewerKey(tenantId: string, id: string, at: Date): Promise<boolean>;

  getSubject(tenantId: string, pseudonym: string): Promise<SubjectDetails | null>;
  /** Inserts unless a subject with this pseudonym exists (ingest may have written it). */
  insertSubject(s: SubjectRecord, at: Date): Promise<void>;
  updateSubject(tenantId: string, id: string, change: { kind?: SubjectRecord['kind']; ageBand?: AgeBand; consentState?: ConsentState }): Promise<void>;
  /** Subjects (not erased) with a recorded age band: the ones a change of the tenant's consent settings can affect. */
  listAgeBandedSubjects(tenantId: string): Promise<SubjectDetails[]>;

  putGuardianship(tenantId: string, guardianId: string, learnerId: string, at: Date): Promise<boolean>;
  deleteGuardianship(tenantId: string, guardianId: string, learnerId: string): Promise<boolean>;
  wardsOf(tenantId: string, guardianId: string): Promise<string[]>;
  guardiansOf(tenantId: string, learnerId: string): Promise<string[]>;

  insertConsent(c: ConsentRecord): Promise<void>;
  /** Newest first. */
  listConsents(tenantId: string, subjectId: string): Promise<ConsentRecord[]>;
}

/** A tenant's own retention policy for one data category (categories without one use the defaults). */
export interface RetentionPolicyRecord {
  tenantId: string;
  category: DataCategory;
  anonymizeAfterDays: number;
  deleteAfterDays: number;
  updatedAt: Date;
  updatedBy: string;
}

export type LegalHoldScope = 'tenant' | 'subject';

/** A legal hold: while active, retention leaves the tenant's (or the subject's) data as it is. */
export interface LegalHoldRecord {
  id: string;
  tenantId: string;
  scope: LegalHoldScope;
  /** The subject's internal id, when it existed as the hold was placed. */
  subjectId: string | null;
  /** The subject's pseudonym: a hold may precede the subject's first event. */
  pseudonym: string | null;
  reason: string;
  placedBy: string;
  placedAt: Date;
  releasedBy: string | null;
  releasedAt: Date | null;
}

export interface RetentionStore {
  listPolicies(tenantId: string): Promise<RetentionPolicyRecord[]>;
  /** Writes `put` (insert or replace) and removes the policies of `reset`, in one transaction. */
  savePolicies(tenantId: string, put: RetentionPolicyRecord[], reset: DataCategory[]): Promise<void>;
  insertHold(hold: LegalHoldRecord): Promise<void>;
  /** Holds of one tenant, or of every tenant when `tenantId` is null; newest first. */
  listHolds(tenantId: string | null, options?: { activeOnly?: boolean }): Promise<LegalHoldRecord[]>;
  getHold(tenantId: string, id: string): Promise<LegalHoldRecord | null>;
  /** Marks an active hold released; false when it is unknown or released already. */
  releaseHold(tenantId: string, id: string, at: Date, by: string): Promise<boolean>;
}

export type PrivacyJobKind = 'retention' | 'export' | 'erase' | 'etl';
/**
 * `pending`: waiting for the worker (or for `runAfter`, after a transient failure); `scheduled`:
 * an erasure waiting out its cancellable grace period (or deferred by a legal hold).
 */
export type PrivacyJobState = 'pending' | 'scheduled' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export const ACTIVE_JOB_STATES: readonly PrivacyJobState[] = ['pending', 'scheduled', 'running'];

/** Tracked privacy work: who asked, its state, what it did, and the file it made. */
export interface PrivacyJobRecord {
  id: string;
  /** Null for work across every tenant (a retention run over all of them). */
  tenantId: string | null;
  kind: PrivacyJobKind;
  state: PrivacyJobState;
  requester: string;
  subjectId: string | null;
  params: Record<string, unknown>;
  graceDeadline: Date | null;
  /** Counts and outcome, written as the work goes. */
  result: Record<string, unknown> | null;
  /** A file the job made, relative to `<dataDir>/exports/`. */
  file: string | null;
  fileDeletedAt: Date | null;
  expiresAt: Date | null;
  error: string | null;
  attempts: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** The earliest time a pending or scheduled job may run (a retry's backoff, a hold's recheck); null: at once. */
  runAfter?: Date | null;
}

export type PrivacyJobChange = Partial<Omit<PrivacyJobRecord, 'id' | 'tenantId' | 'kind' | 'createdAt'>>;

export interface PrivacyJobStore {
  insertJob(job: PrivacyJobRecord): Promise<void>;
  getJob(id: string): Promise<PrivacyJobRecord | null>;
  updateJob(id: string, change: PrivacyJobChange): Promise<void>;
  /** Newest first. `tenantId: null` selects jobs across every tenant only; leave it out for all jobs. */
  listJobs(filter: {
    tenantId?: string | null; kind?: PrivacyJobKind; kinds?: PrivacyJobKind[]; states?: PrivacyJobState[]; limit?: number;
    /** Only jobs about this subject (a string), or only jobs about no subject (null). */
    subjectId?: string | null;
    /** Paging: only jobs older than this one (by creation, then id). */
    before?: { createdAt: Date; id: string };
  }): Promise<PrivacyJobRecord[]>;
  /**
   * Moves a job from one of `from` to `change.state` only if it is still in one of them; false when
   * someone else moved it first (a cancel racing the worker).
   */
  transitionJob(id: string, from: PrivacyJobState[], change: PrivacyJobChange): Promise<boolean>;
  /** A tenant's jobs whose file is still on disk and was made (finished) at or before `before`. */
  jobsWithFilesBefore(tenantId: string, before: Date): Promise<PrivacyJobRecord[]>;
  /** Every file name any job refers to, deleted or not. */
  trackedFiles(): Promise<Set<string>>;
}

export type RetentionStage = 'anonymize' | 'delete';

/** The rows of one tenant and data category that a retention stage acts on. */
export interface RetentionSlice {
  tenantId: string;
  category: DataCategory;
  /** Rows whose time is at or before this instant are due. */
  dueAt: Date;
  /** Only rows whose time is after this instant (anonymisation leaves rows past deletion age to deletion). */
  after?: Date | null;
  /** A bounded chunk: only rows whose time is in [from, to). */
  from?: Date;
  to?: Date;
  /** Subjects under legal hold: their rows are left out (`except`) or are the only ones counted (`only`). */
  subjects?: { except: readonly string[] } | { only: readonly string[] };
}

/** Rows per table. A category's counts include the `events` rows linked to its rows. */
export type TableCounts = Record<string, number>;

/** Rows per table, per data category. */
export type CategoryCounts = Partial<Record<DataCategory, TableCounts>>;

export interface TableStats {
  rows: number;
  /** Null for tables that are never anonymised (no identifiers). */
  anonymized: number | null;
}

/**
 * The retention passes, in domain terms. Which tables and columns they touch comes from the
 * privacy inventory; every call that changes rows is one transaction.
 */
export interface LifecycleStore {
  /** Due rows per UTC day (every table holding rows of the slices' categories), oldest first: to plan bounded chunks. */
  dueByDay(stage: RetentionStage, slices: readonly RetentionSlice[]): Promise<Array<{ day: Date; rows: number }>>;
  /** How many rows the stage would change, per table. */
  countDue(stage: RetentionStage, slice: RetentionSlice): Promise<TableCounts>;
  /** Time of the oldest due row, or null when none is due. */
  oldestDue(stage: RetentionStage, slice: RetentionSlice): Promise<Date | null>;
  /**
   * Removes every identifier from the slices' rows and stamps them anonymised at `at`, in one
   * transaction. The slices are of one tenant, one per category, each with its own cutoffs and the
   * same chunk (`from`, `to`): a table holding rows of several of them is written once.
   */
  anonymizeBefore(slices: readonly RetentionSlice[], at: Date): Promise<CategoryCounts>;
  /** Deletes the slices' rows, in one transaction (slices as for anonymizeBefore). */
  deleteBefore(slices: readonly RetentionSlice[]): Promise<CategoryCounts>;
  /** Rows and anonymised rows of every table with a retention category (of one tenant, or all). */
  stats(tenantId?: string): Promise<Record<string, TableStats>>;
  /** Visitor salts of days before `day` (YYYY-MM-DD). */
  countSaltsBefore(day: string): Promise<number>;
}

/** One file written by an export: a table's rows in one format. */
export interface ExportedTable {
  table: string;
  format: 'json' | 'csv';
  /** Absolute path of the written file. */
  file: string;
  rows: number;
}

/** Where a verification scan found a value it looked for. */
export interface ScanFinding {
  table: string;
  column: string;
  /** Which of the values looked for (its index in the list given). */
  needle: number;
  rows: number;
}

/** What a verification scan found, and what it searched. */
export interface ScanResult {
  /** Hits only. */
  findings: ScanFinding[];
  /** Columns searched (for at least one of the values). */
  columnsSearched: number;
  /** Columns whose type cannot hold text (numbers, dates, times, booleans): nothing to search. */
  columnsWithoutText: number;
  /** Column and value pairs left out because the column's type cannot hold the value (a UUID column, a value that is not a UUID). */
  notSearched: Array<{ table: string; column: string; needle: number; why: string }>;
  /** Write-ahead log files searched (after the erasure's checkpoint), and which values were found in which. */
  logFiles: number;
  logFindings: Array<{ file: string; needle: number }>;
}

/**
 * Data-subject rights in domain terms: export and erase one subject's rows or a whole tenant's,
 * and scan for what is left. Tables and columns come from the privacy inventory.
 */
export interface RightsStore {
  /** The subject row by internal id (erased or not), or null. */
  subjectById(tenantId: string, subjectId: string): Promise<{ id: string; pseudonym: string } | null>;
  /** Writes one file per inventory table (and format) with the subject's rows into `dir`. */
  exportSubject(tenantId: string, subjectId: string, dir: string, formats: Array<'json' | 'csv'>): Promise<ExportedTable[]>;
  /** Writes one file per inventory table (and format) with the tenant's rows into `dir`. */
  exportTenant(tenantId: string, dir: string, formats: Array<'json' | 'csv'>): Promise<ExportedTable[]>;
  /** Deletes (or unlinks, where the inventory says so) every row of the subject, in one transaction. Rows per table. */
  eraseSubject(tenantId: string, subjectId: string): Promise<TableCounts>;
  /** Deletes every row of the tenant (the tenant row too), in one transaction. Rows per table. */
  eraseTenant(tenantId: string): Promise<TableCounts>;
  /**
   * Every column of every inventory table that can hold text searched for each needle: whole text
   * values, UUIDs as UUIDs, inside JSON documents and other values, bytes of BLOBs. Columns whose
   * type cannot hold a needle are counted, not searched. Then the store's write-ahead log, once the
   * checkpoint after the last erasure is done.
   */
  scan(needles: string[]): Promise<ScanResult>;
}

export interface Store {
  events: EventStore;
  control: ControlStore;
  access: AccessStore;
  retention: RetentionStore;
  privacyJobs: PrivacyJobStore;
  lifecycle: LifecycleStore;
  rights: RightsStore;
  close(): Promise<void>;
}
