import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Logs carry no personal data: request logs hold method, route template, status and
 * timing only, and these paths are redacted as a second line of defence.
 */
const REDACT = [
  'req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie',
  'userId', '*.userId', 'email', '*.email', 'ip', '*.ip', 'key', '*.key', 'password', '*.password', 'token', '*.token',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: { service: 'ebb' } }, destination);
}
