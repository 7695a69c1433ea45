import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryTables } from '../../src/privacy/inventory.ts';
import { startTestServer, type TestServer } from '../helpers/harness.ts';

/**
 * Plants direct identifiers in every free-form field of events and checks, by reading every
 * column of every table, that none of them was stored.
 */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

const luhn = (digits: string): string => {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits + String((10 - (sum % 10)) % 10);
};

const word = fc.stringMatching(/^[a-z]{3,10}$/);
const email = fc.tuple(word, word, fc.constantFrom('example.com', 'school.org', 'mail.example.net')).map(([a, b, d]) => `${a}.${b}@${d}`);
const phone = fc.tuple(fc.integer({ min: 200, max: 989 }), fc.integer({ min: 200, max: 999 }), fc.integer({ min: 1000, max: 9999 })).map(([a, b, c]) => `+1 ${a} ${b} ${c}`);
const ipv4 = fc.tuple(fc.integer({ min: 11, max: 223 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 254 })).map((p) => p.join('.'));
const ipv6 = fc.array(fc.integer({ min: 0x1000, max: 0xffff }), { minLength: 8, maxLength: 8 }).map((p) => p.map((x) => x.toString(16)).join(':'));
const card = fc.stringMatching(/^4[0-9]{14}$/).map(luhn);
const jwt = fc.tuple(fc.base64String({ minLength: 16, maxLength: 24 }), fc.base64String({ minLength: 24, maxLength: 40 }), fc.base64String({ minLength: 30, maxLength: 43 }))
  .map(([a, b, c]) => `eyJ${a.replace(/[+/=]/g, 'x')}.eyJ${b.replace(/[+/=]/g, 'x')}.${c.replace(/[+/=]/g, 'x')}`);
const secret = fc.stringMatching(/^[A-Za-z0-9]{36}$/).filter((s) => /[0-9]/.test(s) && /[A-Za-z]/.test(s)).map((s) => `sk_live_${s}`);

const planted = fc.oneof(
  email.map((v) => ({ kind: 'email', v })), phone.map((v) => ({ kind: 'phone', v })), ipv4.map((v) => ({ kind: 'ipv4', v })),
  ipv6.map((v) => ({ kind: 'ipv6', v })), card.map((v) => ({ kind: 'card', v })), jwt.map((v) => ({ kind: 'jwt', v })), secret.map((v) => ({ kind: 'secret', v })),
);

const FIELDS = ['props.value', 'props.nested', 'props.array', 'props.denied', 'page.path', 'page.query', 'page.title', 'page.referrer', 'error.message', 'error.stack', 'error.endpoint', 'error.component', 'learning.course', 'userId', 'sessionId', 'anonymousId', 'context.ip'] as const;

function eventWith(field: (typeof FIELDS)[number], kind: string, value: string, before: string, after: string): Record<string, unknown> {
  const text = `${before} ${value} ${after}`;
  const e: Record<string, any> = { type: 'custom_probe', userId: 'probe-user' };
  switch (field) {
    case 'props.value': e.props = { note: text }; break;
    case 'props.nested': e.props = { a: { b: { c: text } } }; break;
    case 'props.array': e.props = { list: ['x', text] }; break;
    case 'props.denied': e.props = { email: value, phoneNumber: value, password: value }; break;
    case 'page.path': e.page = { path: `/u/${value}/profile` }; break;
    case 'page.query': e.page = { path: `/search?q=${encodeURIComponent(value)}&who=${value}#${value}` }; break;
    case 'page.title': e.page = { path: '/', title: text }; break;
    case 'page.referrer': e.page = { path: '/', referrer: `https://ref.example/p?u=${encodeURIComponent(value)}` }; break;
    case 'error.message': e.error = { type: 'Error', message: text }; break;
    case 'error.stack': e.error = { type: 'Error', stack: `Error: ${text}\n    at f (app.js:1:1)` }; break;
    case 'error.endpoint': e.error = { type: 'Error', endpoint: `/api/x?token=${value}` }; break;
    case 'error.component': e.error = { type: 'Error', component: text }; break;
    case 'learning.course': e.learning = { course: value.slice(0, 120) }; break;
    case 'userId': e.userId = value; break;
    case 'sessionId': e.sessionId = value.slice(0, 120); break;
    case 'anonymousId': e.anonymousId = value.slice(0, 120); break;
    case 'context.ip': e.context = { ip: kind === 'ipv4' || kind === 'ipv6' ? value : '203.0.113.9' }; break;
  }
  return e;
}

async function storedText(): Promise<string> {
  const parts: string[] = [];
  for (const [table] of inventoryTables()) {
    const rows = await t.query(`SELECT * FROM ${table}`);
    parts.push(JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
  }
  return parts.join('\n');
}

describe('no planted identifier reaches any column of any table', () => {
  it('holds for every field and every kind of identifier', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...FIELDS), planted, word, word), { minLength: 5, maxLength: 20 }),
        async (cases) => {
          const events = cases.map(([field, p, a, b]) => eventWith(field, p.kind, p.v, a, b));
          const res = await t.send(events);
          expect(res.status).toBe(200);
          const stored = await storedText();
          for (const [field, p] of cases) {
            if (field === 'context.ip' && p.kind !== 'ipv4' && p.kind !== 'ipv6') continue;
            expect(stored.includes(p.v), `${p.kind} planted in ${field} was stored: ${p.v}`).toBe(false);
            if (p.kind === 'card') expect(stored.includes(p.v.replace(/\D/g, ''))).toBe(false);
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
