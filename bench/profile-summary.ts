/**
 * Summarises a V8 CPU profile (the largest in a folder: the main thread) by where the time goes: self time grouped by source area.
 *   node --import tsx bench/profile-summary.ts DIR_OR_FILE
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }
const target = process.argv[2]!;
const file = statSync(target).isDirectory()
  ? path.join(target, readdirSync(target).filter((f) => f.endsWith('.cpuprofile')).sort((a, b) => statSync(path.join(target, b)).size - statSync(path.join(target, a)).size)[0]!)
  : target;
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

const AREAS: Array<[string, RegExp]> = [
  ['idle', /^\(idle\)/],
  ['garbage collection', /^\(garbage collector\)/],
  ['duckdb appender and statements', /@duckdb/],
  ['http (fastify, node:http, sockets)', /fastify|find-my-way|light-my-request|node:_http|node:net|_http_|avvio|secure-json-parse|node:internal\/stream|streams/],
  ['json parse and stringify', /^JSON\.|^parse \(|^stringify/],
  ['validation (ajv, zod)', /ajv|zod|validate-event/],
  ['scrubbing', /privacy\/pii|steps\/scrub/],
  ['hashing and randomness (pseudonyms, ids)', /crypto|pseudonym|ids\.ts/],
  ['pipeline steps and rows', /ingest\//],
  ['prom-client metrics', /prom-client/],
];
const totals = new Map<string, number>();
let all = 0;
for (const [id, t] of self) {
  const n = byId.get(id)!;
  const key = `${n.callFrame.functionName} ${n.callFrame.url}`;
  const area = AREAS.find(([, re]) => re.test(key))?.[0] ?? 'other';
  totals.set(area, (totals.get(area) ?? 0) + t);
  all += t;
}
const busy = all - (totals.get('idle') ?? 0);
const out = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([area, t]) => ({ area, share_of_all: +(t / all).toFixed(3), share_of_busy: area === 'idle' ? null : +(t / busy).toFixed(3) }));
process.stdout.write(`${JSON.stringify({ bench: 'profile-summary', file: path.basename(file), areas: out })}\n`);
