/**
 * Integer guards. Private data enters the engine as integers only (seconds, minutes, score points,
 * counts): a float anywhere before the noise could leak through rounding.
 */
export type IntegerInput = bigint | number;

export function toInteger(value: IntegerInput, name = 'value'): bigint {
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be an integer, got ${value}`);
  return BigInt(value);
}

export function clampInteger(value: bigint, lower: bigint, upper: bigint): bigint {
  if (lower > upper) throw new RangeError(`empty clamp range [${lower}, ${upper}]`);
  return value < lower ? lower : value > upper ? upper : value;
}

export function absInteger(value: bigint): bigint {
  return value < 0n ? -value : value;
}

/** Converts for publication; refuses values a JSON number cannot hold exactly. */
export function toSafeNumber(value: bigint, name = 'value'): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`${name} ${value} does not fit a safe JSON number`);
  }
  return Number(value);
}
