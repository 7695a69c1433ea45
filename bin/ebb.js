#!/usr/bin/env node
// The ebb command. Runs the TypeScript sources directly (no build step).
import { register } from 'tsx/esm/api';

register();
await import('../packages/server/src/cli/main.ts');
