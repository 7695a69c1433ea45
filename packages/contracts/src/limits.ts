/** Bounds every producer and the server agree on. */
export const LIMITS = Object.freeze({
  batchMaxEvents: 1000,
  batchMaxBytes: 1024 * 1024,
  propsMaxDepth: 4,
  propsMaxKeys: 64,
  propsMaxBytes: 8 * 1024,
  propsMaxStringLength: 1024,
  propsMaxArrayLength: 64,
  propKeyMaxLength: 64,
  idMaxLength: 128,
  userIdMaxLength: 256,
  pathMaxLength: 2048,
  textMaxLength: 1024,
  stackMaxLength: 16 * 1024,
  /** How far in the future occurredAt may lie (clock skew of clients). */
  futureSkewMs: 5 * 60 * 1000,
});
