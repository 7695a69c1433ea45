import net from 'node:net';
import { createHttp1ResponseReader, type Http1Response } from './http1-response.ts';
import type { Post, PostAnswer } from './http-post.ts';

/**
 * POST to an `http:` endpoint over one kept-alive socket, request head written by hand, answer read
 * by `createHttp1ResponseReader`. Not node:http's client: its request and response objects go
 * through the same functions as the app's own server (OutgoingMessage, IncomingMessage, the parser's
 * callbacks), and a hello-world Fastify app that also sent batches through it lost more throughput
 * than one sending through this (measured; docs/benchmarks.md). One request at a time per socket; a
 * second call while one is in flight gets a socket of its own.
 * Rejects with the socket's error, an Http1ResponseError, or a TimeoutError after `timeoutMs`.
 */
export function createHttp1Post(): Post {
  interface Connection {
    socket: net.Socket;
    /** The request in flight on it, told of every socket event. */
    listener: ((event: 'data' | 'error' | 'close', arg?: unknown) => void) | null;
  }
  let idle: Connection | null = null;
  // The request head up to Content-Length, built once per endpoint and headers (the transport's are fixed).
  let target: { url: string; headers: Record<string, string>; host: string; port: number; head: string } | null = null;

  function connect(host: string, port: number): Connection {
    const socket = net.connect({ host, port });
    socket.setNoDelay(true);
    const conn: Connection = { socket, listener: null };
    socket.on('data', (chunk: Buffer) => conn.listener?.('data', chunk));
    // Always listened to: an idle socket's error must not become the host app's uncaught exception.
    socket.on('error', (err) => conn.listener?.('error', err));
    socket.on('close', () => {
      if (idle === conn) idle = null;
      conn.listener?.('close');
    });
    return conn;
  }

  function exchange(conn: Connection, head: Buffer, body: Buffer, timeoutMs: number, reused: boolean): Promise<PostAnswer> {
    return new Promise<PostAnswer>((resolve, reject) => {
      const reader = createHttp1ResponseReader();
      let written = false;
      const timer = setTimeout(() => {
        const err = new Error(`no answer within ${timeoutMs} ms`);
        err.name = 'TimeoutError';
        settle(null, err);
      }, timeoutMs);
      timer.unref();
      conn.socket.ref();

      function settle(answer: Http1Response | null, err?: unknown, partial?: boolean): void {
        if (conn.listener !== listener) return;
        conn.listener = null;
        clearTimeout(timer);
        if (answer && !partial && answer.keepAlive && idle === null && !conn.socket.destroyed) {
          conn.socket.unref();
          idle = conn;
        } else {
          conn.socket.destroy();
        }
        if (answer) resolve({ status: answer.status, text: answer.body.toString('utf8'), retryAfter: answer.retryAfter, bodyWritten: written });
        else {
          const error = err instanceof Error ? err : new Error(String(err));
          // Nothing came back on a socket kept from before: the server had most likely closed it.
          reject(Object.assign(error, { staleConnection: reused && !reader.started && error.name !== 'TimeoutError' }));
        }
      }

      function listener(event: 'data' | 'error' | 'close', arg?: unknown): void {
        if (event === 'data') {
          let answer: Http1Response | null;
          try {
            answer = reader.feed(arg as Buffer);
          } catch (err) {
            settle(null, err);
            return;
          }
          if (answer) settle(answer);
          return;
        }
        const whole = event === 'close' ? reader.closed() : null;
        if (whole) settle(whole);
        // Cut off mid-body: the status still says what happened.
        else if (reader.status !== null) settle({ status: reader.status, retryAfter: null, body: reader.partialBody(), keepAlive: false }, undefined, true);
        else settle(null, event === 'error' ? arg : new Error('the connection closed before an answer'));
      }
      conn.listener = listener;

      conn.socket.cork();
      conn.socket.write(head);
      conn.socket.write(body, (err) => {
        if (!err) written = true;
      });
      conn.socket.uncork();
    });
  }

  return async function post(url, headers, body, timeoutMs) {
    if (target === null || target.url !== url || target.headers !== headers) {
      const u = new URL(url);
      if (u.protocol !== 'http:') throw new TypeError(`createHttp1Post sends to http: endpoints only, not ${u.protocol}`);
      let head = `POST ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\n`;
      for (const [name, value] of Object.entries(headers)) {
        // A CR or LF in a value (a key copied with a line break) would end the header early.
        if (/[\r\n\0]/.test(value)) throw new TypeError(`the ${name} header contains a line break; check the key`);
        head += `${name}: ${value}\r\n`;
      }
      target = { url, headers, host: u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname, port: Number(u.port || 80), head };
      if (idle !== null) {
        idle.socket.destroy();
        idle = null;
      }
    }
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const head = Buffer.from(`${target.head}Content-Length: ${bytes.length}\r\n\r\n`, 'latin1');
    const reused = idle;
    idle = null;
    try {
      return await exchange(reused ?? connect(target.host, target.port), head, bytes, timeoutMs, reused !== null);
    } catch (err) {
      // A kept-alive socket the server had closed meanwhile fails before any answer: once more on a new one.
      // Ebb keeps an event once by its id, so a batch it did take is not stored twice.
      if ((err as { staleConnection?: boolean }).staleConnection) return exchange(connect(target.host, target.port), head, bytes, timeoutMs, false);
      throw err;
    }
  };
}
