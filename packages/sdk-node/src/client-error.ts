/** Why events were not delivered. Passed to `onError`; never thrown into the host app. */
export type DeliveryProblem =
  | 'queue_full'
  | 'retries_exhausted'
  | 'invalid'
  | 'refused'
  | 'rejected'
  | 'closed'
  | 'network'
  | 'timeout'
  | 'http';

export class EbbClientError extends Error {
  override readonly name = 'EbbClientError';
  constructor(
    readonly problem: DeliveryProblem,
    message: string,
    /** How many events this concerns. */
    readonly events: number,
    /** The HTTP status, when Ebb answered. */
    readonly status?: number,
  ) {
    super(message);
  }
}
