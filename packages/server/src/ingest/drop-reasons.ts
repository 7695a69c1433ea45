/** Why an accepted-for-processing event was not stored. A closed set: metrics label by it. */
export const DROP_REASONS = ['consent_refused', 'privacy_signal', 'bot', 'duplicate'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export class Drop {
  constructor(readonly reason: DropReason) {}
}

/** An event the client got wrong; reported back as {index, code, message}. */
export class Reject {
  constructor(readonly code: 'EBB_EVENT_INVALID' | 'EBB_EVENT_IN_FUTURE' | 'EBB_EVENT_TOO_OLD', readonly message: string) {}
}
