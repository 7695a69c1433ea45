import http from 'node:http';
import https from 'node:https';

/** What the transport needs of an answer. */
export interface PostAnswer {
  status: number;
  /** The body; what arrived of it when the connection broke mid-answer. */
  text: string;
  retryAfter: string | null;
  /** The request has let go of the body: all of it was handed to the operating system. */
  bodyWritten: boolean;
}

export type Post = (url: string, headers: Record<string, string>, body: string | Buffer, timeoutMs: number) => Promise<PostAnswer>;

/**
 * POST over node:http(s) with keep-alive connections: the client's path to `https:` endpoints (`http:`
 * ones go through createHttp1Post). Measured on a hello-world app, `fetch` (undici) cost about four
 * times the CPU per 100-event batch. Rejects with the request's error (a TimeoutError when `timeoutMs`
 * passes without a whole answer).
 */
export function createNodeHttpPost(): Post {
  // Idle keep-alive sockets are unref'd by the agent: they never hold the host process open.
  const agents = { 'http:': new http.Agent({ keepAlive: true, maxSockets: 4 }), 'https:': new https.Agent({ keepAlive: true, maxSockets: 4 }) };
  // The target is the same on every call: parsed once (a URL per request showed in profiles).
  let lastUrl = '';
  let target: { secure: boolean; options: http.RequestOptions } | null = null;
  return function post(url, headers, body, timeoutMs) {
    return new Promise<PostAnswer>((resolve, reject) => {
      if (url !== lastUrl || target === null) {
        const u = new URL(url);
        const secure = u.protocol === 'https:';
        target = {
          secure,
          options: {
            protocol: u.protocol, hostname: u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname, port: u.port || undefined,
            path: `${u.pathname}${u.search}`, method: 'POST', agent: agents[secure ? 'https:' : 'http:'],
            ...(u.username && { auth: `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}` }),
          },
        };
        lastUrl = url;
      }
      const { secure, options } = target;
      let settled = false;
      // A plain timer rather than AbortSignal.timeout(), which cost tens of microseconds per batch.
      const timer = setTimeout(() => {
        const err = new Error(`no answer within ${timeoutMs} ms`);
        err.name = 'TimeoutError';
        request.destroy(err);
      }, timeoutMs);
      timer.unref();
      const finish = (answer: PostAnswer | null, err?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (answer) resolve(answer);
        else reject(err);
      };
      const request = (secure ? https : http).request({ ...options, headers: { ...headers, 'content-length': String(typeof body === 'string' ? Buffer.byteLength(body) : body.length) } }, (res) => {
        const chunks: Buffer[] = [];
        const answer = () => ({
          status: res.statusCode ?? 0,
          text: Buffer.concat(chunks).toString('utf8'),
          retryAfter: (res.headers['retry-after'] as string | undefined) ?? null,
          bodyWritten: request.writableFinished,
        });
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => finish(answer()));
        // Cut off mid-body (or timed out while reading): the status still says what happened.
        res.on('error', () => finish(answer()));
        res.on('aborted', () => finish(answer()));
      });
      request.on('error', (err) => finish(null, err));
      request.end(body);
    });
  };
}

/** The same through a `fetch` function (given in the options, e.g. by tests). */
export function createFetchPost(fetchFn: typeof fetch): Post {
  return async function post(url, headers, body, timeoutMs) {
    // A string of its own: the caller's buffer is free again as soon as this resolves.
    const res = await fetchFn(url, { method: 'POST', headers, body: typeof body === 'string' ? body : body.toString('utf8'), signal: AbortSignal.timeout(timeoutMs) });
    let text = '';
    try {
      text = await res.text();
    } catch {
      // The body was cut off; the status is still meaningful.
    }
    return { status: res.status, text, retryAfter: res.headers.get('retry-after'), bodyWritten: true };
  };
}
