import type { IngestResult } from '@ebb/contracts';
import { parseRetryAfter } from './backoff.ts';
import { createHttp1Post } from './http1-post.ts';
import { createFetchPost, createNodeHttpPost, type PostAnswer } from './http-post.ts';

export type SendOutcome =
  /** `bodyWritten`: the request has let go of the body (its buffer may be written over). */
  | { kind: 'ok'; result: IngestResult; bodyWritten: boolean }
  /** Worth another try: network failure, timeout, 408/425/429/5xx. */
  | { kind: 'retry'; status?: number; retryAfterMs: number | null; reason: 'network' | 'timeout' | 'http'; message: string }
  /** Retrying would not help: the key, the origin or every event was refused. */
  | { kind: 'fail'; status: number; allRejected: boolean; message: string };

export interface TransportOptions {
  endpoint: string;
  key: string;
  timeoutMs: number;
  /** Sends through this `fetch` when given; otherwise over a kept-alive socket (`http:`) or node:https. */
  fetch?: typeof fetch | undefined;
  now: () => number;
}

const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

/** Sends one batch to `POST /api/v1/events` and says what happened; never throws. */
export function createTransport(options: TransportOptions) {
  const url = new URL('/api/v1/events', options.endpoint.endsWith('/') ? options.endpoint : `${options.endpoint}/`).href;
  const headers = { authorization: `Bearer ${options.key}`, 'content-type': 'application/json' };
  const post = options.fetch ? createFetchPost(options.fetch) : url.startsWith('http:') ? createHttp1Post() : createNodeHttpPost();

  return async function send(body: string | Buffer): Promise<SendOutcome> {
    let res: PostAnswer;
    try {
      res = await post(url, headers, body, options.timeoutMs);
    } catch (err) {
      const timeout = (err as Error)?.name === 'TimeoutError' || (err as Error)?.name === 'AbortError';
      return { kind: 'retry', reason: timeout ? 'timeout' : 'network', retryAfterMs: null, message: timeout ? `no answer within ${options.timeoutMs} ms` : String((err as Error)?.message ?? err) };
    }
    const text = res.text;
    if (res.status === 200) {
      let result: IngestResult;
      try {
        result = JSON.parse(text) as IngestResult;
      } catch {
        result = { accepted: 0, duplicates: 0, dropped: 0, rejected: [] };
      }
      return { kind: 'ok', result, bodyWritten: res.bodyWritten };
    }
    const code = errorCode(text);
    const message = `Ebb answered ${res.status}${code ? ` ${code}` : ''}`;
    if (RETRYABLE.has(res.status)) {
      return { kind: 'retry', reason: 'http', status: res.status, retryAfterMs: parseRetryAfter(res.retryAfter, options.now()), message };
    }
    // A 400 carrying rejections means every event was invalid; other 4xx are configuration problems.
    return { kind: 'fail', status: res.status, allRejected: res.status === 400 && code !== null && code.startsWith('EBB_EVENT_'), message };
  };
}

function errorCode(text: string): string | null {
  try {
    const code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'string' ? code : null;
  } catch {
    return null;
  }
}
