import path from 'node:path';

/** The control socket lives in the data directory; its file mode (0600) is its access control. */
export const controlSocketPath = (dataDir: string): string => path.join(dataDir, 'ebb.sock');
