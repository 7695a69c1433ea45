import path from 'node:path';
import { Cron } from 'croner';
import { z } from 'zod';
import { EbbError } from './errors.ts';

/** A cron pattern croner accepts (5 to 7 fields, UTC); a bad one is refused at start, not when the job is due. */
const cronPattern = z.string().min(9).refine((pattern) => {
  try {
    new Cron(pattern, { paused: true, timezone: 'UTC' }).stop();
    return true;
  } catch {
    return false;
  }
}, 'must be a cron pattern such as "0 2 * * *" (minute hour day month weekday, UTC)');

/**
 * Every setting has a flag and an EBB_* variable. Flags win over the environment,
 * the environment over defaults. Each setting is validated on its own so an error
 * names the flag or variable to fix.
 */
const SETTINGS = {
  dataDir: { flag: 'data-dir', env: 'EBB_DATA_DIR', schema: z.string().min(1), default: '.ebb-data', help: 'directory for the store, secrets and exports' },
  host: { flag: 'host', env: 'EBB_HOST', schema: z.string().min(1).max(255), default: '127.0.0.1', help: 'address to listen on' },
  port: { flag: 'port', env: 'EBB_PORT', schema: z.coerce.number().int().min(0).max(65535), default: 8787, help: 'port to listen on (0 picks a free one)' },
  logLevel: { flag: 'log-level', env: 'EBB_LOG_LEVEL', schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), default: 'info', help: 'log level' },
  pseudonymSecret: { flag: 'pseudonym-secret', env: 'EBB_PSEUDONYM_SECRET', schema: z.string().min(32, 'must be at least 32 characters'), default: undefined, help: 'HMAC key for subject pseudonyms (generated on first start if not given)' },
  signingSecret: { flag: 'signing-secret', env: 'EBB_SIGNING_SECRET', schema: z.string().min(32, 'must be at least 32 characters'), default: undefined, help: 'HMAC key for signed links and tokens (generated on first start if not given)' },
  queueMaxEvents: { flag: 'queue-max-events', env: 'EBB_QUEUE_MAX_EVENTS', schema: z.coerce.number().int().min(1000).max(10_000_000), default: 100_000, help: 'events waiting to be written before ingest answers 503' },
  dedupeWindowHours: { flag: 'dedupe-window-hours', env: 'EBB_DEDUPE_WINDOW_HOURS', schema: z.coerce.number().int().min(1).max(24 * 30), default: 48, help: 'how long a client event id is remembered to drop retries' },
  trustProxy: { flag: 'trust-proxy', env: 'EBB_TRUST_PROXY', schema: z.stringbool(), default: false, help: 'take the client address from X-Forwarded-For (behind a reverse proxy)' },
  ingestRateLimit: { flag: 'ingest-rate-limit', env: 'EBB_INGEST_RATE_LIMIT', schema: z.coerce.number().int().min(0).max(1_000_000), default: 1000, help: 'ingest requests per second per API key, bursts of twice that (0 turns the limit off)' },
  dashboardOrigins: { flag: 'dashboard-origins', env: 'EBB_DASHBOARD_ORIGINS', schema: z.string().regex(/^(https?:\/\/[^/\s,]+)(,https?:\/\/[^/\s,]+)*$/, 'a comma-separated list of origins such as https://dash.example.org'), default: '', help: 'origins besides Ebb\'s own that may call the API with the dashboard session (CORS)' },
  saltCron: { flag: 'salt-cron', env: 'EBB_SALT_CRON', schema: cronPattern, default: '5 0 * * *', help: 'when daily visitor salts rotate (cron, UTC)' },
  retentionCron: { flag: 'retention-cron', env: 'EBB_RETENTION_CRON', schema: cronPattern, default: '0 2 * * *', help: 'when the retention job runs (cron, UTC)' },
  retentionChunkRows: { flag: 'retention-chunk-rows', env: 'EBB_RETENTION_CHUNK_ROWS', schema: z.coerce.number().int().min(100).max(100_000_000), default: 1_000_000, help: 'most rows the retention job changes in one transaction (a day of rows is never split)' },
} as const;

type Settings = typeof SETTINGS;
export type Config = { [K in keyof Settings]: Settings[K]['default'] extends undefined
  ? z.infer<Settings[K]['schema']> | undefined
  : z.infer<Settings[K]['schema']> };

export type Flags = Record<string, string | boolean | undefined>;

export function configHelp(): string {
  return Object.values(SETTINGS)
    .map((s) => `  --${s.flag.padEnd(22)} ${s.env.padEnd(26)} ${s.help}${s.default === undefined ? '' : ` (default ${String(s.default)})`}`)
    .join('\n');
}

export function loadConfig(flags: Flags = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, s] of Object.entries(SETTINGS)) {
    const fromFlag = flags[s.flag];
    const raw = fromFlag !== undefined ? fromFlag : env[s.env];
    if (raw === undefined || raw === '') {
      out[key] = s.default;
      continue;
    }
    const parsed = (s.schema as z.ZodType).safeParse(typeof raw === 'boolean' ? String(raw) : raw);
    if (parsed.success) out[key] = parsed.data;
    else {
      const source = fromFlag !== undefined ? `--${s.flag}` : s.env;
      const shown = String(raw).length > 40 || /secret/i.test(s.flag) ? '' : ` (got "${String(raw)}")`;
      problems.push(`${source}: ${parsed.error.issues.map((i) => i.message).join('; ')}${shown}`);
    }
  }
  if (problems.length > 0) {
    throw new EbbError('EBB_CONFIG_INVALID', `Invalid configuration:\n  ${problems.join('\n  ')}`, { details: problems });
  }
  out.dataDir = path.resolve(out.dataDir as string);
  return out as Config;
}
