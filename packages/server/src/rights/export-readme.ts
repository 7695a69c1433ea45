import { INVENTORY, type TableEntry } from '../privacy/inventory.ts';
import type { PolicyView } from '../lifecycle/retention-policies.ts';
import type { ExportedTable } from '../store/ports.ts';

/** What each table holds, in words for the person reading their export. */
const PLAIN: Record<string, string> = {
  subjects: 'You as Ebb knows you: kind (learner, guardian, staff), age band, consent state, when the record was made.',
  events: 'What you did in the app: page views, clicks and other actions, with time, page, device type and browser.',
  sessions: 'Your visits: when each began and ended, how many pages and actions, entry and exit page.',
  error_events: 'Errors the app reported while you used it (messages were cleaned of personal details before storage).',
  learning_events: 'Learning milestones: assessments and scores, course activities, progress toward goals.',
  consents: 'Your consent history, and consent a guardian gave for you: what was decided, how it was checked, when.',
  guardianships: 'Links between guardians and the learners they look after.',
  legal_holds: 'Legal holds that kept data from retention (tenant exports only).',
  tenants: 'The tenant itself and its privacy settings.',
  memberships: 'Which dashboard accounts hold which role in the tenant.',
  retention_policies: 'The tenant\'s own retention policies.',
  audit_log: 'The tenant\'s audit log of privacy actions (internal ids only).',
};

const describeTable = (table: string): string => PLAIN[table] ?? (INVENTORY as Record<string, TableEntry>)[table]?.purpose ?? '';

function retentionOf(table: string, policies: PolicyView[]): string {
  const category = (INVENTORY as Record<string, TableEntry>)[table]?.category ?? null;
  if (category === null) return 'kept while the account or tenant exists; removed by erasure';
  const p = policies.find((x) => x.category === category);
  if (!p) return 'kept under the tenant\'s retention policy';
  return `full detail for ${p.anonymizeAfterDays} days, then anonymised (no longer linked to you); deleted after ${p.deleteAfterDays} days`;
}

/** The plain-language README placed at the top of every export. */
export function exportReadme(input: {
  scope: 'subject' | 'tenant';
  jobId: string;
  generatedAt: Date;
  files: ExportedTable[];
  policies: PolicyView[];
  exportFileDays: number | null;
}): string {
  const tables = [...new Set(input.files.map((f) => f.table))];
  const rows = (t: string) => input.files.find((f) => f.table === t)?.rows ?? 0;
  const formats = [...new Set(input.files.map((f) => f.format))];
  const who = input.scope === 'subject' ? 'one person' : 'a whole tenant';
  return [
    `Ebb data export (${who})`,
    '='.repeat(30),
    '',
    `Made ${input.generatedAt.toISOString()} by export job ${input.jobId}.`,
    '',
    'What this is',
    '------------',
    input.scope === 'subject'
      ? 'A copy of everything Ebb, the app\'s analytics service, stores about you (GDPR articles 15 and 20). Every row that is linked to you is here; nothing linked to you was left out.'
      : 'A copy of everything Ebb stores for this tenant: every row of every table that belongs to it.',
    '',
    `Files are ${formats.map((f) => (f === 'json' ? 'JSON (an array of objects, one per row)' : 'CSV (a header line, then one line per row)')).join(' and ')}, one per category:`,
    '',
    ...tables.map((t) => `- ${t} (${rows(t)} rows): ${describeTable(t)}\n  Kept: ${retentionOf(t, input.policies)}.`),
    '',
    'How you are identified',
    '----------------------',
    'Ebb never stores the app\'s own user id, your name, e-mail or IP address. The app\'s user id is',
    'turned into a keyed pseudonym (HMAC-SHA256 with a secret key per tenant) as soon as it arrives;',
    'rows name you by an internal random id (subject_id) linked to that pseudonym only. IP addresses',
    'are shortened (IPv4 to /24, IPv6 to /48) and free text (URLs, messages, properties) is scrubbed',
    'of e-mail addresses, phone numbers and similar details before anything is written. The pseudonym',
    'itself is not included: it is derived from a secret and means nothing outside Ebb.',
    '',
    'After the detail window of each category, rows are anonymised: the link to you is removed, so',
    'older activity appears only in anonymous form or in statistics that cannot single you out',
    '(groups under 5 people are suppressed; differentially private figures add calibrated noise).',
    'Such anonymous statistics are not part of this export because they are not about you.',
    '',
    'This file',
    '---------',
    input.exportFileDays === null
      ? 'This export is deleted from the server under the tenant\'s retention policy for export files.'
      : `This export is deleted from the server ${input.exportFileDays} days after it was made. The download link expires sooner.`,
    'You can ask for erasure of your data through the app, or the app\'s operator.',
    '',
  ].join('\n');
}
