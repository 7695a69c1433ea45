// Mirrors of the wire limits in @ebb/contracts. Importing LIMITS itself would pull zod into the
// bundle; a test checks these stay equal to (or within) the contract's values.

/** LIMITS.textMaxLength */
export const TEXT_MAX = 1024;
/** LIMITS.pathMaxLength */
export const PATH_MAX = 2048;
/** Browser stacks are cut shorter than LIMITS.stackMaxLength to keep beacons under 64 kB. */
export const STACK_MAX = 8192;
/** PageInput.title */
export const TITLE_MAX = 512;
/** ErrorInput.type */
export const ERROR_TYPE_MAX = 64;
/** PageInput.durationMs */
export const DURATION_MAX = 24 * 3600 * 1000;
