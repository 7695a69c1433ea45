import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userAgentOf } from '../src/request-recorder.ts';

describe('userAgentOf', () => {
  let server: http.Server;
  let port = 0;
  // Each request's answer: what userAgentOf read from the raw lines, then what Node's `headers` says.
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const fromRaw = userAgentOf(req);
      res.end(JSON.stringify({ fromRaw: fromRaw ?? null, fromHeaders: req.headers['user-agent'] ?? null }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Sends `headerLines` as they are (any case, repeated) and returns the server's two readings. */
  function ask(headerLines: string[]): Promise<{ fromRaw: string | null; fromHeaders: string | null }> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write(`GET / HTTP/1.1\r\nHost: x\r\n${headerLines.map((l) => `${l}\r\n`).join('')}Connection: close\r\n\r\n`);
      });
      let text = '';
      socket.on('data', (c) => (text += c.toString('latin1')));
      socket.on('end', () => resolve(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))));
      socket.on('error', reject);
    });
  }

  it.each([
    ['none', []],
    ['the usual case', ['User-Agent: Mozilla/5.0 (X11)']],
    ['lower case', ['user-agent: curl/8.0']],
    ['mixed case', ['uSeR-AgEnT: odd/1']],
    ['repeated: the first wins', ['User-Agent: first/1', 'user-agent: second/2']],
    ['a header of the same length first', ['X-Forward: a', 'User-Agent: after/1']],
    ['empty value', ['User-Agent: ']],
  ])('reads what Node puts in headers: %s', async (_name, lines) => {
    const { fromRaw, fromHeaders } = await ask(lines as string[]);
    expect(fromRaw).toBe(fromHeaders);
  });

  it('falls back to headers for a request without raw lines', () => {
    expect(userAgentOf({ headers: { 'user-agent': 'double/1' } })).toBe('double/1');
    expect(userAgentOf({ headers: {} })).toBeUndefined();
  });
});
