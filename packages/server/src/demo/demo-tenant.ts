import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Services } from '../app/services.ts';

export const DEMO_TENANT_NAME = 'Demo Academy';
export const DEMO_CREDENTIALS_FILE = 'demo-credentials.json';

/**
 * On first start with --demo: a demo tenant, its keys written to the data directory (0600)
 * since they are shown nowhere else. Returns the credentials file's path.
 */
export async function ensureDemoTenant(s: Services, baseUrl: string): Promise<{ file: string; created: boolean }> {
  const file = path.join(s.config.dataDir, DEMO_CREDENTIALS_FILE);
  if (existsSync(file) || (await s.store.control.findTenantByName(DEMO_TENANT_NAME))) return { file, created: false };
  const t = await s.tenants.create({ name: DEMO_TENANT_NAME, actor: 'system:demo' });
  writeFileSync(file, `${JSON.stringify({ url: baseUrl, tenantId: t.tenantId, tenantName: t.name, keys: t.keys }, null, 2)}\n`, { mode: 0o600 });
  return { file, created: true };
}
