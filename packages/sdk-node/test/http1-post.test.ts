import { createServer as createHttpServer, type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttp1Post } from '../src/http1-post.ts';
import { closeServer, listen, until } from './helpers.ts';

const headers = { authorization: 'Bearer ebb_srv_k', 'content-type': 'application/json' };
const servers: Array<Server | net.Server> = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    if ('closeAllConnections' in s) await closeServer(s);
    else await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

/**
 * A raw TCP server: `answer` is called once for each whole request a connection receives (its number
 * on that connection, from 1), with the socket.
 */
async function rawServer(answer: (socket: net.Socket, nth: number) => void): Promise<{ url: string; connections: () => number; sockets: net.Socket[] }> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => {
    sockets.push(socket);
    let received = '';
    let answered = 0;
    socket.on('data', (c: Buffer) => {
      received += c.toString('latin1');
      for (const whole = wholeRequests(received); answered < whole; ) answer(socket, ++answered);
    });
    socket.on('error', () => undefined);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/events`, connections: () => sockets.length, sockets };
}

/** How many whole requests (head and Content-Length body) `received` holds. */
function wholeRequests(received: string): number {
  let n = 0;
  let rest = received;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return n;
    const length = Number(/content-length: (\d+)/i.exec(rest.slice(0, end))?.[1] ?? 0);
    if (rest.length < end + 4 + length) return n;
    n++;
    rest = rest.slice(end + 4 + length);
  }
}

describe('createHttp1Post', () => {
  it('sends the head and body as HTTP/1.1 and reads a chunked answer, over one kept-alive connection', async () => {
    const requests: Array<{ method: string | undefined; url: string | undefined; headers: Record<string, unknown>; body: string; port: number | undefined }> = [];
    const server = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        requests.push({ method: req.method, url: req.url, headers: req.headers, body, port: req.socket.remotePort });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"accepted":');
        res.end('1}');
      });
    });
    servers.push(server);
    const base = await listen(server);
    const post = createHttp1Post();
    for (const body of ['{"events":[1]}', Buffer.from('{"events":["é"]}')]) {
      expect(await post(`${base}/api/v1/events?x=1`, headers, body, 2000)).toEqual({ status: 200, text: '{"accepted":1}', retryAfter: null, bodyWritten: true });
    }
    expect(requests.map((r) => [r.method, r.url, r.headers.authorization, r.headers['content-type'], r.headers['content-length'], r.headers.host, r.body])).toEqual([
      ['POST', '/api/v1/events?x=1', 'Bearer ebb_srv_k', 'application/json', '14', base.slice('http://'.length), '{"events":[1]}'],
      ['POST', '/api/v1/events?x=1', 'Bearer ebb_srv_k', 'application/json', '17', base.slice('http://'.length), '{"events":["é"]}'],
    ]);
    expect(requests[1]!.port).toBe(requests[0]!.port);
  });

  it('connects again when the server closed the kept-alive connection while it was idle', async () => {
    // Answers, keeps the connection open, then closes it 30 ms later (a keep-alive timeout).
    const server = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nRetry-After: 3\r\nContent-Length: 2\r\n\r\n{}');
      setTimeout(() => socket.end(), 30);
    });
    const post = createHttp1Post();
    expect(await post(server.url, headers, '{}', 2000)).toMatchObject({ status: 200, retryAfter: '3' });
    await until(() => server.sockets[0]!.closed, 'the idle connection to close');
    expect(await post(server.url, headers, '{}', 2000)).toMatchObject({ status: 200 });
    expect(server.connections()).toBe(2);
  });

  it('sends once more on a new connection when a kept one is dropped before any answer, but not when a new one is', async () => {
    let requestsSeen = 0;
    const server = await rawServer((socket, nth) => {
      requestsSeen++;
      // Every connection answers its first request and drops its second without a word.
      if (nth === 1) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}');
      else socket.destroy();
    });
    const post = createHttp1Post();
    await post(server.url, headers, '{"n":1}', 2000);
    expect(await post(server.url, headers, '{"n":2}', 2000)).toMatchObject({ status: 200, text: '{}' });
    expect(server.connections()).toBe(2);
    expect(requestsSeen).toBe(3);

    const dropsAll = await rawServer((socket) => socket.destroy());
    await expect(post(dropsAll.url, headers, '{}', 2000)).rejects.toThrow(/closed before an answer|ECONNRESET/);
    expect(dropsAll.connections()).toBe(1);
  });

  it('gives the status and what came of a body cut off mid-way, and refuses an answer that is not HTTP', async () => {
    const cut = await rawServer((socket) => {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 40\r\n\r\n{"error"');
    });
    const post = createHttp1Post();
    expect(await post(cut.url, headers, '{}', 2000)).toMatchObject({ status: 503, text: '{"error"' });

    const garbage = await rawServer((socket) => {
      socket.write('SSH-2.0-OpenSSH\r\n\r\n');
    });
    await expect(post(garbage.url, headers, '{}', 2000)).rejects.toThrow(/not valid HTTP\/1.1: status line/);
  });

  it('times out, closing the connection, when no answer comes; rejects a refused connection and a key with a line break', async () => {
    const silent = await rawServer(() => undefined);
    const post = createHttp1Post();
    const started = Date.now();
    await expect(post(silent.url, headers, '{}', 150)).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(2000);
    await until(() => silent.sockets[0]?.destroyed === true || silent.sockets[0]?.readableEnded === true, 'the connection to close');

    const closed = await rawServer(() => undefined);
    const url = closed.url;
    await new Promise<void>((resolve) => (servers.pop() as net.Server).close(() => resolve()));
    await expect(post(url, headers, '{}', 2000)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    await expect(post(silent.url, { ...headers, authorization: 'Bearer ebb_srv_k\r\nX-Evil: 1' }, '{}', 2000)).rejects.toThrow(/line break/);
  });

  it('writes the head again when the headers change', async () => {
    const auths: string[] = [];
    const server = createHttpServer((req, res) => {
      auths.push(req.headers.authorization ?? '');
      req.resume();
      req.on('end', () => res.end('{}'));
    });
    servers.push(server);
    const base = await listen(server);
    const post = createHttp1Post();
    await post(base, headers, '{}', 2000);
    await post(base, { ...headers, authorization: 'Bearer ebb_srv_other' }, '{}', 2000);
    expect(auths).toEqual(['Bearer ebb_srv_k', 'Bearer ebb_srv_other']);
  });

  it('posts only to http: endpoints', async () => {
    await expect(createHttp1Post()('https://127.0.0.1:8443/api/v1/events', headers, '{}', 2000)).rejects.toThrow(/http: endpoints only/);
  });
});
