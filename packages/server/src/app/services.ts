import path from 'node:path';
import type { Config } from '../core/config.ts';
import { systemClock, type Clock } from '../core/clock.ts';
import { createLogger, type Logger } from '../core/logger.ts';
import { createMetrics, type Metrics } from '../core/metrics.ts';
import { loadSecrets, type Secrets } from '../core/secrets.ts';
import { createAuditLog, type AuditLog } from '../audit/audit-log.ts';
import { createReleaseReader, type ReleaseReader } from '../analytics/releases/release-reader.ts';
import { createDuckDbReleaseStore } from '../store/duckdb/release-store.ts';
import { createEtlRunner, type EtlRunner } from '../analytics/etl/etl-runner.ts';
import type { PersistentBudgetLedger } from '../analytics/releases/privacy-budget.ts';
import { createDuckDbBudgetLedger } from '../store/duckdb/budget-ledger-store.ts';
import { createDuckDbEtlRunStore } from '../store/duckdb/etl-run-store.ts';
import { createAnalyticsService, type AnalyticsService } from '../analytics/analytics-service.ts';
import { createApiKeyService, type ApiKeyService } from '../access/api-keys.ts';
import { createTenantService, type TenantService } from '../access/tenants.ts';
import { createAccountService, type AccountService } from '../access/accounts.ts';
import { createConsentService, type ConsentService } from '../access/consents.ts';
import { createGuardianshipService, type GuardianshipService } from '../access/guardianships.ts';
import { createLoginService, type LoginService } from '../access/logins.ts';
import { createMembershipService, type MembershipService } from '../access/memberships.ts';
import { createPasswordHasher } from '../access/passwords.ts';
import { createPrincipalResolver, type PrincipalResolver } from '../access/resolve-principal.ts';
import { createSecretBox, deriveKey } from '../access/secret-box.ts';
import { createSubjectRows, type SubjectRows } from '../access/subject-rows.ts';
import { createTokenBuckets, type TokenBuckets } from '../access/token-buckets.ts';
import { createViewerTokenService, type ViewerTokenService } from '../access/viewer-tokens.ts';
import { createPseudonymizer, type Pseudonymizer } from '../privacy/pseudonym.ts';
import { createSaltService, type SaltService } from '../privacy/salts.ts';
import { createExpiredExports } from '../lifecycle/expired-exports.ts';
import { createLegalHolds, type LegalHolds } from '../lifecycle/legal-holds.ts';
import { createPiiExposure, type PiiExposure } from '../lifecycle/pii-exposure.ts';
import { createRetentionPolicies, type RetentionPolicies } from '../lifecycle/retention-policies.ts';
import { createRetentionPreview, type RetentionPreviewer } from '../lifecycle/retention-preview.ts';
import { createRetentionRunner, type RetentionRunner } from '../lifecycle/retention-runner.ts';
import { createRights, type Rights } from '../rights/rights-service.ts';
import { createDedupeIndex, type DedupeIndex } from '../ingest/dedupe-index.ts';
import { createIngestService, type IngestService } from '../ingest/ingest-service.ts';
import { createSessionizer, SESSION_INACTIVITY_MS, type Sessionizer } from '../ingest/sessionizer.ts';
import { createSubjectDirectory, type SubjectDirectory } from '../ingest/subject-directory.ts';
import { createIngestWriter, type IngestWriter } from '../ingest/writer.ts';
import { createDuckDbStore, type DuckDbStore } from '../store/duckdb/index.ts';

/** Everything a delivery layer (HTTP, CLI, jobs) calls. Built once, by `createServices`. */
export interface Services {
  config: Config;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  secrets: Secrets;
  store: DuckDbStore;
  audit: AuditLog;
  keys: ApiKeyService;
  tenants: TenantService;
  pseudonyms: Pseudonymizer;
  salts: SaltService;
  /** Retention policies per tenant and data category (ingest reads them per batch). */
  retention: RetentionPolicies;
  holds: LegalHolds;
  /** How overdue anonymisation and deletion are, per tenant and category (also in /metrics). */
  exposure: PiiExposure;
  /** The retention job: anonymise, delete, expire export files and salts. */
  retentionRunner: RetentionRunner;
  /** Data-subject rights: export and erasure requests, their jobs and worker, signed download links. */
  rights: Rights;
  /** What a policy change would make a run do now, before it is saved. */
  retentionPreview: RetentionPreviewer;
  subjects: SubjectDirectory;
  sessions: Sessionizer;
  dedupe: DedupeIndex;
  writer: IngestWriter;
  ingest: IngestService;
  accounts: AccountService;
  memberships: MembershipService;
  logins: LoginService;
  viewerTokens: ViewerTokenService;
  /** Subjects by the app's user id, for access control, guardianships and consent. */
  subjectRows: SubjectRows;
  guardianships: GuardianshipService;
  consents: ConsentService;
  /** Who a request is: API key, viewer token or session cookie. */
  resolvePrincipal: PrincipalResolver;
  /** Analytics answers (overview, pages, quests, at-risk, one learner's views) at a privacy level. */
  analytics: AnalyticsService;
  /** Stored differentially private releases, re-served as computed by the ETL (never sampled on request). */
  releases: ReleaseReader;
  /** The ETL: aggregate tables and differentially private releases, daily and by hand. */
  etl: EtlRunner;
  /** The privacy budget and ledger, for reading (the ETL charges it on its own connection). */
  budget: PersistentBudgetLedger;
  /** Ingest requests per API key; null when the limit is off. */
  ingestLimiter: TokenBuckets | null;
  close(): Promise<void>;
}

export interface ServiceOptions {
  clock?: Clock;
  logger?: Logger;
}

/** The composition root: the only place that picks adapters. */
export async function createServices(config: Config, options: ServiceOptions = {}): Promise<Services> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logLevel);
  const secrets = loadSecrets(config.dataDir, { pseudonymSecret: config.pseudonymSecret, signingSecret: config.signingSecret });
  const store = await createDuckDbStore(config.dataDir, clock.now());
  const metrics = createMetrics();
  const audit = createAuditLog({ store: store.control, key: secrets.auditKey, clock, headFile: path.join(config.dataDir, 'audit-head.json') });
  const keys = createApiKeyService({ store: store.control, audit, clock });
  const tenants = createTenantService({ store: store.control, keys, audit, clock });
  const pseudonyms = createPseudonymizer(secrets.pseudonymKey);
  const salts = createSaltService(store.control, clock);
  const subjects = createSubjectDirectory(store.control);
  const sessions = createSessionizer();
  const dedupe = createDedupeIndex(1 << 16, clock.now().getTime());

  // Rebuild what the ingest path keeps in memory: remembered event ids and open sessions.
  const windowMs = config.dedupeWindowHours * 3600_000;
  await store.events.dedupeKeysSince(new Date(clock.now().getTime() - windowMs), (chunk) => chunk.forEach((k) => dedupe.add(k)));
  sessions.restore(await store.events.openSessionsSince(new Date(clock.now().getTime() - SESSION_INACTIVITY_MS)));

  const writer = createIngestWriter({ store: store.events, dedupe, logger, observer: metrics.writer, maxQueuedEvents: config.queueMaxEvents });
  const retention = createRetentionPolicies({ store: store.retention, tenants, audit, clock });
  const ingest = createIngestService({ tenants, subjects, sessions, salts, pseudonyms, retention, writer, clock, observer: metrics.ingest });

  const passwords = createPasswordHasher();
  const logins = createLoginService({
    store: store.access, audit, clock, passwords,
    emailKeySecret: deriveKey(secrets.signingKey, 'login e-mail keys'), csrfSecret: deriveKey(secrets.signingKey, 'csrf tokens'),
  });
  const accounts = createAccountService({ store: store.access, audit, clock, passwords, loginKey: logins.emailKey });
  const memberships = createMembershipService({ store: store.access, control: store.control, accounts, audit, clock });
  const viewerTokens = createViewerTokenService({
    store: store.access, control: store.control, audit, clock, secrets: createSecretBox(secrets.signingKey, 'viewer-token secrets'),
  });
  const subjectRows = createSubjectRows({ store: store.access, directory: subjects, pseudonyms, clock });
  const guardianships = createGuardianshipService({ store: store.access, subjects: subjectRows, audit, clock });
  const consents = createConsentService({ store: store.access, subjects: subjectRows, tenants, audit, clock });
  const resolvePrincipal = createPrincipalResolver({ keys, viewerTokens, logins, subjects: subjectRows, store: store.access });
  const holds = createLegalHolds({ store: store.retention, control: store.control, tenants, pseudonyms, audit, clock });
  const exportFiles = createExpiredExports({ jobs: store.privacyJobs, dir: path.join(config.dataDir, 'exports'), clock, logger });
  const overdue = metrics.gauge(
    'ebb_pii_overdue_seconds',
    'Seconds past its deadline of the oldest row not yet anonymised or deleted, per tenant, data category and stage (0 when none)',
    ['tenant', 'category', 'stage'],
    async () => {
      await exposure.snapshot(60_000).catch((err: unknown) => logger.warn({ err }, 'could not measure PII exposure'));
    },
  );
  const exposure = createPiiExposure({
    lifecycle: store.lifecycle, exports: exportFiles, tenants, policies: retention, holds, clock,
    publish: (entries, scope) => {
      if (scope.tenantId === undefined) overdue.reset();
      for (const e of entries) overdue.set({ tenant: e.tenantId, category: e.category, stage: e.stage }, e.overdueSeconds);
    },
  });
  const retentionRunner = createRetentionRunner({
    lifecycle: store.lifecycle, jobs: store.privacyJobs, exports: exportFiles, exposure, tenants, policies: retention, holds, salts,
    audit, clock, logger, chunkRows: config.retentionChunkRows,
  });
  const retentionPreview = createRetentionPreview({ lifecycle: store.lifecycle, exports: exportFiles, tenants, policies: retention, holds, clock });
  // Analytics reads on a connection of their own: a long query never holds up ingest or access checks.
  const releases = createReleaseReader({ store: createDuckDbReleaseStore(await store.connect()) });
  const analytics = createAnalyticsService({ db: await store.connect(), tenants, releases: () => releases, clock });
  // The ETL writes on a connection of its own; listings and the budget are read on another.
  const etlDb = await store.connect();
  const etlReadDb = await store.connect();
  const etl = createEtlRunner({
    db: etlDb, runs: createDuckDbEtlRunStore(etlDb), readRuns: createDuckDbEtlRunStore(etlReadDb), releases: createDuckDbReleaseStore(etlDb),
    ledger: createDuckDbBudgetLedger(etlDb, clock), tenants, audit, clock, logger,
  });
  const budget = createDuckDbBudgetLedger(etlReadDb, clock);
  const rights = createRights({
    jobs: store.privacyJobs, store: store.rights, tenants, holds, policies: retention, keys, directory: subjects, audit, clock, logger,
    exportsDir: path.join(config.dataDir, 'exports'), signingKey: deriveKey(secrets.signingKey, 'download links'),
  });
  const ingestLimiter = config.ingestRateLimit > 0
    ? createTokenBuckets({ capacity: config.ingestRateLimit * 2, refillPerSecond: config.ingestRateLimit, clock })
    : null;

  return {
    config, clock, logger, metrics, secrets, store, audit, keys, tenants, pseudonyms, salts, retention,
    holds, exposure, retentionRunner, rights, retentionPreview, subjects, sessions, dedupe, writer, ingest,
    accounts, memberships, logins, viewerTokens, subjectRows, guardianships, consents, resolvePrincipal, analytics, releases, etl, budget, ingestLimiter,
    async close() {
      await rights.worker.stop();
      await retentionRunner.stop();
      await writer.drain();
      await keys.flushLastUsed().catch((err: unknown) => logger.warn({ err }, 'could not write key usage times'));
      await store.close();
    },
  };
}
