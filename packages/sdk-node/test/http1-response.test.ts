import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHttp1ResponseReader, Http1ResponseError, type Http1Response } from '../src/http1-response.ts';

/** Feeds `raw` in pieces cut at `cuts`; the response, or null when none completed. */
function read(raw: Buffer, cuts: number[] = [], close = false): Http1Response | null {
  const reader = createHttp1ResponseReader();
  let at = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < raw.length).sort((a, b) => a - b), raw.length]) {
    const got = reader.feed(raw.subarray(at, cut));
    at = cut;
    if (got) return got;
  }
  return close ? reader.closed() : null;
}

const b = (s: string) => Buffer.from(s, 'latin1');

describe('createHttp1ResponseReader', () => {
  it('reads a Content-Length body fed a byte at a time, with the status and Retry-After', () => {
    const raw = b('HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 7\r\nContent-Length: 11\r\n\r\n{"a":"b c"}');
    const cuts = Array.from({ length: raw.length }, (_, i) => i);
    expect(read(raw, cuts)).toEqual({ status: 503, retryAfter: '7', body: b('{"a":"b c"}'), keepAlive: true });
  });

  it('reads a chunked body with extensions and trailers', () => {
    const raw = b('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\n{"ac\r\n7\r\ncepted"\r\n3\r\n:1}\r\n0\r\nX-Trailer: t\r\n\r\n');
    expect(read(raw)).toMatchObject({ status: 200, body: b('{"accepted":1}'), keepAlive: true });
  });

  it('skips interim 1xx answers, and takes no body for 204', () => {
    const raw = b('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\nHTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n');
    expect(read(raw)).toEqual({ status: 204, retryAfter: null, body: Buffer.alloc(0), keepAlive: true });
  });

  it('reads a body without length up to the close, and never keeps such a connection', () => {
    const raw = b('HTTP/1.1 200 OK\r\n\r\n{"accepted":2}');
    expect(read(raw)).toBeNull();
    expect(read(raw, [20, 25], true)).toEqual({ status: 200, retryAfter: null, body: b('{"accepted":2}'), keepAlive: false });
  });

  it('says when a connection must not be reused: Connection: close, HTTP/1.0, bytes after the answer', () => {
    expect(read(b('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}'))?.keepAlive).toBe(false);
    expect(read(b('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}'))?.keepAlive).toBe(false);
    expect(read(b('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\n{}'))?.keepAlive).toBe(true);
    expect(read(b('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}HTTP/1.1'))?.keepAlive).toBe(false);
  });

  it('keeps the status and what arrived of a body cut off by the close', () => {
    const reader = createHttp1ResponseReader();
    expect(reader.started).toBe(false);
    expect(reader.feed(b('HTTP/1.1 500 Internal Server Error\r\nContent-Length: 50\r\n\r\n{"error"'))).toBeNull();
    expect(reader.started).toBe(true);
    expect(reader.closed()).toBeNull();
    expect(reader.status).toBe(500);
    expect(reader.partialBody().toString()).toBe('{"error"');
  });

  it.each([
    ['a status line that is not HTTP/1.x', 'HTTP/2 200\r\n\r\n', /status line/],
    ['a header line without a colon', 'HTTP/1.1 200 OK\r\nnonsense\r\n\r\n', /header line/],
    ['a Content-Length that is not a number', 'HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n', /Content-Length/],
    ['two Content-Lengths that differ', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n', /Content-Length/],
    ['a transfer coding other than chunked', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n', /Transfer-Encoding/],
    ['a chunk size that is not hexadecimal', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', /chunk size/],
    ['a chunk without its CRLF', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}XX', /CRLF/],
    ['a body larger than a batch answer can be', 'HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n\r\n', /body of 2000000 bytes/],
  ])('refuses %s', (_what, raw, message) => {
    expect(() => read(b(raw))).toThrow(Http1ResponseError);
    expect(() => read(b(raw))).toThrow(message);
  });

  it('refuses a head that never ends', () => {
    const reader = createHttp1ResponseReader();
    reader.feed(b('HTTP/1.1 200 OK\r\n'));
    expect(() => reader.feed(Buffer.alloc(70 * 1024, 0x61))).toThrow(/head of more than/);
  });

  it('reads any body, framed by length or in chunks, however the bytes are cut', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.nat({ max: 600 }), { maxLength: 12 }),
        (bytes, chunked, chunkSizes, cuts) => {
          const body = Buffer.from(bytes);
          let raw: Buffer;
          if (chunked) {
            const parts: Buffer[] = [b('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n')];
            for (let at = 0, i = 0; at < body.length; i++) {
              const piece = body.subarray(at, at + chunkSizes[i % chunkSizes.length]!);
              parts.push(b(`${piece.length.toString(16)}\r\n`), piece, b('\r\n'));
              at += piece.length;
            }
            parts.push(b('0\r\n\r\n'));
            raw = Buffer.concat(parts);
          } else {
            raw = Buffer.concat([b(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`), body]);
          }
          const got = read(raw, cuts);
          expect(got?.body.equals(body)).toBe(true);
          expect(got?.keepAlive).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
