import { createHmac, sign as signWith, timingSafeEqual, verify as verifyWith, type KeyObject } from 'node:crypto';
import { EbbError } from '../core/errors.ts';
import type { ViewerTokenAlg } from '../store/ports.ts';

/** The compact JWS algorithms Ebb verifies. Anything else, `none` above all, is refused. */
export const JWT_ALGS: readonly ViewerTokenAlg[] = ['HS256', 'RS256', 'ES256'];

export const JWT_MAX_LENGTH = 8192;

export interface DecodedJwt {
  header: Record<string, unknown> & { alg: ViewerTokenAlg; kid?: string };
  payload: Record<string, unknown>;
  /** `base64url(header).base64url(payload)`, the bytes the signature covers. */
  signingInput: string;
  signature: Buffer;
}

const SEGMENT = /^[A-Za-z0-9_-]*$/;

const invalid = (why: string) => new EbbError('EBB_TOKEN_INVALID', `The viewer token is refused: ${why}.`);

/** Strict base64url: only the canonical encoding of some bytes is accepted (no padding, no stray bits). */
function segment(s: string, what: string): Buffer {
  if (!SEGMENT.test(s)) throw invalid(`its ${what} is not base64url`);
  const bytes = Buffer.from(s, 'base64url');
  if (bytes.toString('base64url') !== s) throw invalid(`its ${what} is not canonical base64url`);
  return bytes;
}

function object(bytes: Buffer, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw invalid(`its ${what} is not JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid(`its ${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

/** Splits and parses a compact JWS without trusting anything in it yet. */
export function decodeJwt(token: string): DecodedJwt {
  if (token.length > JWT_MAX_LENGTH) throw invalid(`it is longer than ${JWT_MAX_LENGTH} characters`);
  const parts = token.split('.');
  if (parts.length !== 3) throw invalid('it is not a signed JWT (three dot-separated parts)');
  const [h, p, s] = parts as [string, string, string];
  const header = object(segment(h, 'header'), 'header');
  const alg = header.alg;
  if (typeof alg !== 'string') throw invalid('its header names no algorithm');
  if (alg.toLowerCase() === 'none') throw invalid('unsigned tokens (alg "none") are never accepted');
  if (!(JWT_ALGS as readonly string[]).includes(alg)) throw invalid(`algorithm "${alg.slice(0, 20)}" is not accepted; use HS256, RS256 or ES256`);
  // Extensions the verifier must understand: Ebb understands none, so it may not ignore them.
  if ('crit' in header) throw invalid('it has critical header extensions ("crit"), which are not supported');
  if ('kid' in header && typeof header.kid !== 'string') throw invalid('its "kid" is not a string');
  if ('jku' in header || 'x5u' in header || 'jwk' in header || 'x5c' in header) throw invalid('keys named or embedded in the token are not used; register the key with Ebb');
  const signature = segment(s, 'signature');
  if (signature.length === 0) throw invalid('it carries no signature');
  return { header: header as DecodedJwt['header'], payload: object(segment(p, 'payload'), 'payload'), signingInput: `${h}.${p}`, signature };
}

/** True when the signature verifies with this key under this algorithm (and nothing else). */
export function verifyJwtSignature(d: DecodedJwt, alg: ViewerTokenAlg, key: Buffer | KeyObject): boolean {
  if (d.header.alg !== alg) return false;
  const data = Buffer.from(d.signingInput, 'ascii');
  if (alg === 'HS256') {
    if (!Buffer.isBuffer(key)) return false;
    const want = createHmac('sha256', key).update(data).digest();
    return want.length === d.signature.length && timingSafeEqual(want, d.signature);
  }
  if (Buffer.isBuffer(key)) return false;
  if (alg === 'RS256') return key.asymmetricKeyType === 'rsa' && verifyWith('sha256', data, key, d.signature);
  // JWS carries ES256 signatures as raw r||s (64 bytes), not DER.
  return key.asymmetricKeyType === 'ec' && d.signature.length === 64 && verifyWith('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, d.signature);
}

/** Signs a compact JWS: what a host app does to mint viewer tokens (and what tests use). */
export function signJwt(payload: Record<string, unknown>, options: { alg: ViewerTokenAlg; key: Buffer | KeyObject; kid?: string }): string {
  const header = { alg: options.alg, typ: 'JWT', ...(options.kid ? { kid: options.kid } : {}) };
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  let sig: Buffer;
  if (options.alg === 'HS256') sig = createHmac('sha256', options.key as Buffer).update(input).digest();
  else if (options.alg === 'RS256') sig = signWith('sha256', Buffer.from(input), options.key as KeyObject);
  else sig = signWith('sha256', Buffer.from(input), { key: options.key as KeyObject, dsaEncoding: 'ieee-p1363' });
  return `${input}.${sig.toString('base64url')}`;
}
