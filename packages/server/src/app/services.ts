import path from 'node:path';
import type { Config } from '../core/config.ts';
import { systemClock, type Clock } from '../core/clock.ts';
import { createLogger, type Logger } from '../core/logger.ts';
import { createMetrics, type Metrics } from '../core/metrics.ts';
import { loadSecrets, type Secrets } from '../core/secrets.ts';
import { createAuditLog, type AuditLog } from '../audit/audit-log.ts';
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
import { createRetentionRunner, type RetentionRunner } from '../lifecycle/retention-runner.ts';
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
  const ingestLimiter = config.ingestRateLimit > 0
    ? createTokenBuckets({ capacity: config.ingestRateLimit * 2, refillPerSecond: config.ingestRateLimit, clock })
    : null;

  return {
    config, clock, logger, metrics, secrets, store, audit, keys, tenants, pseudonyms, salts, retention,
    holds, exposure, retentionRunner, subjects, sessions, dedupe, writer, ingest,
    accounts, memberships, logins, viewerTokens, subjectRows, guardianships, consents, resolvePrincipal, ingestLimiter,
    async close() {
      await retentionRunner.stop();
      await writer.drain();
      await keys.flushLastUsed().catch((err: unknown) => logger.warn({ err }, 'could not write key usage times'));
      await store.close();
    },
  };
}
