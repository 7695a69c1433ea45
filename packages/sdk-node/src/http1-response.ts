/**
 * Reads one HTTP/1.1 response from the bytes of a connection, as they arrive: status line and
 * headers, then a body framed by Content-Length, by chunked transfer coding, or by the connection's
 * close. Interim (1xx) responses are skipped. Only what a client of Ebb's ingest needs is kept:
 * the status, Retry-After, the body, and whether the connection may be used again.
 */
export interface Http1Response {
  status: number;
  retryAfter: string | null;
  body: Buffer;
  /** The connection may carry the next request. */
  keepAlive: boolean;
}

export class Http1ResponseError extends Error {
  override name = 'Http1ResponseError';
}

export interface Http1ResponseReader {
  /** Feeds the next bytes; the response once it is whole, null while more is needed. Throws Http1ResponseError. */
  feed(chunk: Buffer): Http1Response | null;
  /** The connection closed: the response when its body ran to the close, null when it was cut off. */
  closed(): Http1Response | null;
  /** Whether any byte arrived. */
  readonly started: boolean;
  /** The status, once the head is read (the answer of a response cut off mid-body). */
  readonly status: number | null;
  /** What arrived of the body so far. */
  partialBody(): Buffer;
}

const MAX_HEAD_BYTES = 64 * 1024;
const MAX_BODY_BYTES = 1024 * 1024;
const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

type Framing = { kind: 'length'; remaining: number } | { kind: 'chunked' } | { kind: 'close' } | { kind: 'none' };

export function createHttp1ResponseReader(): Http1ResponseReader {
  let pending: Buffer = Buffer.alloc(0);
  let started = false;
  let status: number | null = null;
  let retryAfter: string | null = null;
  let keepAlive = true;
  let framing: Framing | null = null;
  const body: Buffer[] = [];
  let bodyBytes = 0;
  // Chunked: the size of the chunk being read (-1: a size line is next), then trailers.
  let chunkLeft = -1;
  let inTrailers = false;

  const fail = (message: string): never => {
    throw new Http1ResponseError(`Ebb's answer is not valid HTTP/1.1: ${message}`);
  };

  function addBody(b: Buffer): void {
    bodyBytes += b.length;
    if (bodyBytes > MAX_BODY_BYTES) fail(`a body of more than ${MAX_BODY_BYTES} bytes`);
    body.push(b);
  }

  function done(): Http1Response {
    return { status: status!, retryAfter, body: body.length === 1 ? body[0]! : Buffer.concat(body), keepAlive };
  }

  /** Reads a head off `pending`; false while it is incomplete. 1xx heads are dropped. */
  function readHead(): boolean {
    for (;;) {
      const end = pending.indexOf(HEAD_END);
      if (end < 0) {
        if (pending.length > MAX_HEAD_BYTES) fail(`a head of more than ${MAX_HEAD_BYTES} bytes`);
        return false;
      }
      const lines = pending.subarray(0, end).toString('latin1').split('\r\n');
      pending = pending.subarray(end + HEAD_END.length);
      const m = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(lines[0]!);
      if (!m) fail(`status line ${JSON.stringify(lines[0]!.slice(0, 40))}`);
      const code = Number(m![2]);
      if (code >= 100 && code < 200) continue; // interim: the real answer follows
      status = code;
      keepAlive = m![1] === '1';
      let length: number | null = null;
      let chunked = false;
      for (let i = 1; i < lines.length; i++) {
        const line = lines[i]!;
        const colon = line.indexOf(':');
        if (colon <= 0) fail(`header line ${JSON.stringify(line.slice(0, 40))}`);
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        if (name === 'content-length') {
          if (!/^\d{1,9}$/.test(value) || (length !== null && length !== Number(value))) fail(`Content-Length ${JSON.stringify(value.slice(0, 20))}`);
          length = Number(value);
        } else if (name === 'transfer-encoding') {
          chunked = value.toLowerCase().split(',').map((x) => x.trim()).includes('chunked');
          if (!chunked) fail(`Transfer-Encoding ${JSON.stringify(value.slice(0, 40))}`);
        } else if (name === 'connection') {
          const tokens = value.toLowerCase().split(',').map((x) => x.trim());
          if (tokens.includes('close')) keepAlive = false;
          else if (tokens.includes('keep-alive')) keepAlive = true;
        } else if (name === 'retry-after') {
          retryAfter = value;
        }
      }
      if (code === 204 || code === 304) framing = { kind: 'none' };
      else if (chunked) framing = { kind: 'chunked' };
      else if (length !== null) framing = length > MAX_BODY_BYTES ? fail(`a body of ${length} bytes`) : { kind: 'length', remaining: length };
      else {
        framing = { kind: 'close' };
        keepAlive = false;
      }
      return true;
    }
  }

  /** Reads chunked body bytes off `pending`; true once the last chunk and the trailers are read. */
  function readChunks(): boolean {
    for (;;) {
      if (inTrailers) {
        const eol = pending.indexOf(CRLF);
        if (eol < 0) return false;
        const line = pending.subarray(0, eol);
        pending = pending.subarray(eol + 2);
        if (line.length === 0) return true;
        continue;
      }
      if (chunkLeft < 0) {
        const eol = pending.indexOf(CRLF);
        if (eol < 0) {
          if (pending.length > 1024) fail('a chunk size line of more than 1024 bytes');
          return false;
        }
        const sizeText = pending.subarray(0, eol).toString('latin1').split(';')[0]!.trim();
        if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) fail(`chunk size ${JSON.stringify(sizeText.slice(0, 20))}`);
        pending = pending.subarray(eol + 2);
        chunkLeft = parseInt(sizeText, 16);
        if (chunkLeft === 0) {
          inTrailers = true;
          continue;
        }
      }
      // The chunk's data, then its CRLF.
      if (chunkLeft > 0) {
        if (pending.length === 0) return false;
        const take = Math.min(chunkLeft, pending.length);
        addBody(pending.subarray(0, take));
        pending = pending.subarray(take);
        chunkLeft -= take;
        if (chunkLeft > 0) return false;
      }
      if (pending.length < 2) return false;
      if (pending[0] !== 0x0d || pending[1] !== 0x0a) fail('a chunk not followed by CRLF');
      pending = pending.subarray(2);
      chunkLeft = -1;
    }
  }

  return {
    feed(chunk) {
      started = true;
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      if (framing === null && !readHead()) return null;
      const f = framing!;
      if (f.kind === 'none') return finish();
      if (f.kind === 'close') {
        if (pending.length > 0) addBody(pending);
        pending = Buffer.alloc(0);
        return null;
      }
      if (f.kind === 'length') {
        const take = Math.min(f.remaining, pending.length);
        if (take > 0) addBody(pending.subarray(0, take));
        pending = pending.subarray(take);
        f.remaining -= take;
        return f.remaining === 0 ? finish() : null;
      }
      return readChunks() ? finish() : null;
    },
    closed() {
      return framing?.kind === 'close' ? done() : null;
    },
    get started() {
      return started;
    },
    get status() {
      return status;
    },
    partialBody() {
      return Buffer.concat(body);
    },
  };

  function finish(): Http1Response {
    // Bytes after the answer to a request sent alone: the connection is out of step; not reused.
    if (pending.length > 0) keepAlive = false;
    return done();
  }
}
