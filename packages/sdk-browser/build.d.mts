export declare const BUDGET_BYTES: number;
export declare function buildTracker(options?: { outdir?: string }): Promise<Record<'ebb.iife.js' | 'ebb.js', { raw: number; gzip: number }>>;
