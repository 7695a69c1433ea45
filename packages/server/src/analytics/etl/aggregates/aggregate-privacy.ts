/**
 * privacy_level of stored aggregate rows. Group rows hold exact values and are published at
 * `anonymized` (k and complementary suppression are applied when they are read, with the tenant's k
 * at that time). Learner rows are one person's exact values under their subject id: personal data,
 * shown only to whoever the access module lets read that learner.
 */
export const GROUP_PRIVACY = 'anonymized';
export const LEARNER_PRIVACY = 'pseudonymous';
