import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeHttpPost } from '../src/http-post.ts';
import { createTransport } from '../src/transport.ts';
import { closeServer, listen } from './helpers.ts';

let server: ReturnType<typeof createServer> | null = null;
afterEach(async () => {
  if (server) await closeServer(server);
  server = null;
});

async function ebbThat(handle: (req: IncomingMessage, body: string, res: ServerResponse) => void): Promise<string> {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handle(req, body, res));
  });
  return listen(server);
}

const now = () => Date.parse('2026-01-01T00:00:00Z');

describe('the default transport (without a fetch option)', () => {
  it('posts the batch with the key and reads the answer, over one kept-alive connection', async () => {
    const seen: Array<{ auth: string | undefined; type: string | undefined; body: string; port: number | undefined }> = [];
    const url = await ebbThat((req, body, res) => {
      seen.push({ auth: req.headers.authorization, type: req.headers['content-type'], body, port: req.socket.remotePort });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"accepted":1,"duplicates":0,"dropped":0,"rejected":[]}');
    });
    const send = createTransport({ endpoint: url, key: 'ebb_srv_k', timeoutMs: 2000, now });
    expect(await send('{"events":[{"type":"a"}]}')).toEqual({ kind: 'ok', result: { accepted: 1, duplicates: 0, dropped: 0, rejected: [] }, bodyWritten: true });
    await send('{"events":[{"type":"b"}]}');
    expect(seen.map((s) => [s.auth, s.type, s.body])).toEqual([
      ['Bearer ebb_srv_k', 'application/json', '{"events":[{"type":"a"}]}'],
      ['Bearer ebb_srv_k', 'application/json', '{"events":[{"type":"b"}]}'],
    ]);
    expect(seen[1]!.port).toBe(seen[0]!.port);
  });

  it('says retry with the Retry-After of a 503, and fail on a refused key', async () => {
    let status = 503;
    const url = await ebbThat((_req, _body, res) => {
      res.writeHead(status, { 'retry-after': '7', 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: status === 503 ? 'EBB_OVERLOADED' : 'EBB_UNAUTHENTICATED', message: 'x' } }));
    });
    const send = createTransport({ endpoint: url, key: 'k', timeoutMs: 2000, now });
    expect(await send('{}')).toMatchObject({ kind: 'retry', reason: 'http', status: 503, retryAfterMs: 7000 });
    status = 401;
    expect(await send('{}')).toMatchObject({ kind: 'fail', status: 401, allRejected: false });
  });

  it('says retry after a timeout when Ebb hangs, and on a refused connection', async () => {
    const url = await ebbThat(() => {
      // Never answers.
    });
    const send = createTransport({ endpoint: url, key: 'k', timeoutMs: 200, now });
    expect(await send('{}')).toMatchObject({ kind: 'retry', reason: 'timeout' });
    await closeServer(server!);
    server = null;
    expect(await send('{}')).toMatchObject({ kind: 'retry', reason: 'network' });
  });
});

describe('the node:http(s) post (https: endpoints; the same code over http: here)', () => {
  it('posts with the headers, reads the answer and Retry-After, over one kept-alive connection', async () => {
    const seen: Array<{ auth: string | undefined; body: string; port: number | undefined }> = [];
    const url = await ebbThat((req, body, res) => {
      seen.push({ auth: req.headers.authorization, body, port: req.socket.remotePort });
      res.writeHead(429, { 'retry-after': '2' }).end('{"error":{"code":"EBB_RATE_LIMITED"}}');
    });
    const post = createNodeHttpPost();
    const headers = { authorization: 'Bearer k', 'content-type': 'application/json' };
    expect(await post(`${url}/api/v1/events`, headers, Buffer.from('{"events":[]}'), 2000)).toEqual({ status: 429, text: '{"error":{"code":"EBB_RATE_LIMITED"}}', retryAfter: '2', bodyWritten: true });
    await post(`${url}/api/v1/events`, headers, '{"events":[1]}', 2000);
    expect(seen.map((x) => [x.auth, x.body])).toEqual([['Bearer k', '{"events":[]}'], ['Bearer k', '{"events":[1]}']]);
    expect(seen[1]!.port).toBe(seen[0]!.port);
  });
});
