/**
 * Cost of "scrub at the door" per event: props (8 keys, one nested), page URL, referrer host, page
 * title, an error message, IP truncation and user-agent families, on a mix of events where about
 * one in twenty carries an identifier. Single thread, about 2 s. Prints one JSON line.
 *
 *   node --import tsx bench/scrub.bench.ts [--seconds 2]
 */
import { truncateIp } from '../packages/server/src/privacy/ip.ts';
import { createKeyDenyList, referrerHost, scrubJson, scrubText, scrubUrl } from '../packages/server/src/privacy/pii/index.ts';
import type { Redactions } from '../packages/server/src/privacy/pii/index.ts';
import { parseUserAgent } from '../packages/server/src/ingest/user-agent.ts';

const i = process.argv.indexOf('--seconds');
const SECONDS = i >= 0 ? Number(process.argv[i + 1]) : 2;

const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15',
  'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36',
];
const PILLARS = ['stem', 'arts', 'civics', 'wellness'];
const ERRORS = [
  "TypeError: Cannot read properties of undefined (reading 'map')",
  'Failed to fetch /api/quests/42/progress: 503 Service Unavailable',
  'ChunkLoadError: Loading chunk 7 failed. (missing: https://learn.example.com/static/js/7.8f9a7b6c.chunk.js)',
  'Request to https://api.example.com/v1/users/1234567?email=ada%40example.org failed with 401',
];

interface BenchEvent {
  props: Record<string, unknown>;
  url: string;
  referrer: string;
  title: string;
  error: string | null;
  ip: string;
  ua: string;
}

function makeEvent(k: number): BenchEvent {
  const pii = k % 20 === 0;
  return {
    props: {
      quest_id: `quest_${k % 300}`,
      pillar: PILLARS[k % 4],
      step: k % 12,
      score: (k * 37) % 101,
      completed: k % 3 === 0,
      duration_ms: 1000 + ((k * 7919) % 60_000),
      answer: pii ? 'you can reach me on +44 7700 900123 or ada@example.org' : `I think the answer is ${k % 9} because the slope is positive`,
      context: { lesson: `Fractions ${k % 12}`, attempt: 1 + (k % 3), tags: ['algebra', 'level-2'] },
    },
    url: pii ? `/profile/ada@example.org/settings?tab=privacy` : `/quests/${k % 300}/step/${k % 12}?utm_source=newsletter&ref=home`,
    referrer: 'https://www.example.org/start?q=fractions',
    title: `Quest ${k % 300}: Fractions and decimals`,
    error: k % 4 === 0 ? ERRORS[(k >> 2) % ERRORS.length]! : null,
    ip: `198.51.${k % 200}.${((k * 13) % 250) + 1}`,
    ua: AGENTS[k % AGENTS.length]!,
  };
}

const events = Array.from({ length: 1000 }, (_, k) => makeEvent(k));
const denyList = createKeyDenyList();
let sink = 0;

function scrubEvent(e: BenchEvent, r: Redactions): void {
  const props = scrubJson(e.props, denyList, r);
  const url = scrubUrl(e.url, r);
  const host = referrerHost(e.referrer);
  const title = scrubText(e.title, r);
  const error = e.error === null ? null : scrubText(e.error, r);
  const ip = truncateIp(e.ip);
  const ua = parseUserAgent(e.ua);
  // Keep the results alive so the work cannot be optimised away.
  sink += (props === e.props ? 1 : 2) + url.length + (host?.length ?? 0) + title.length + (error?.length ?? 0) + (ip?.length ?? 0) + ua.browser.length;
}

function run(ms: number): { n: number; elapsedNs: bigint; redacted: number } {
  const r: Redactions = {};
  let n = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(ms * 1e6));
  let now = start;
  while (now < deadline) {
    for (const e of events) scrubEvent(e, r);
    n += events.length;
    now = process.hrtime.bigint();
  }
  const redacted = Object.values(r).reduce((a, b) => a + (b ?? 0), 0);
  return { n, elapsedNs: now - start, redacted };
}

run(300); // warm-up: JIT and caches
const { n, elapsedNs, redacted } = run(SECONDS * 1000);
const seconds = Number(elapsedNs) / 1e9;
console.log(
  JSON.stringify({
    bench: 'scrub',
    events_per_s: Math.round(n / seconds),
    ns_per_event: Math.round(Number(elapsedNs) / n),
    events: n,
    redactions_per_1k_events: Math.round((redacted / n) * 1000),
    sink: sink > 0,
  }),
);
