export * from './event.ts';
export * from './errors.ts';
export * from './limits.ts';
export * from './taxonomy.ts';
export * from './analytics.ts';
