/**
 * What a scrubber removed, by kind. The counts travel with the event through ingest so that
 * metrics and logs can say how much was scrubbed without ever holding the values themselves.
 */
export const REDACTION_KINDS = [
  'email',
  'phone',
  'ip',
  'card',
  'national_id',
  'iban',
  'secret',
  'name',
  'address',
  'birthdate',
  'password',
  'credential',
  'location',
  /** Account handles and app or device identifiers (user_id, username, device_id, idfa, ...). */
  'identifier',
  /** Keys a tenant added to its own deny-list. */
  'custom',
] as const;

export type RedactionKind = (typeof REDACTION_KINDS)[number];

export type Redactions = Partial<Record<RedactionKind, number>>;

export function addRedaction(r: Redactions, kind: RedactionKind, count = 1): void {
  r[kind] = (r[kind] ?? 0) + count;
}

// Built once: the markers are compared and inserted on the hot path.
const MARKERS = Object.fromEntries(REDACTION_KINDS.map((k) => [k, `[redacted:${k}]`])) as Record<RedactionKind, string>;

/** The literal that replaces a redacted value: `[redacted:<kind>]`. */
export function redactionMarker(kind: RedactionKind): string {
  return MARKERS[kind];
}
