/** Disclosure control for exact (anonymized-level) tables. */
export * from './complementary-suppression.ts';
