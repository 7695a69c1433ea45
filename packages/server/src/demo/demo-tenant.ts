import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Services } from '../app/services.ts';
import { generatePassword } from '../access/accounts.ts';

export const DEMO_TENANT_NAME = 'Demo Academy';
export const DEMO_CREDENTIALS_FILE = 'demo-credentials.json';
/** A reserved domain (RFC 2606): the demo owner's address can never reach anyone. */
export const DEMO_OWNER_EMAIL = 'owner@demo-academy.example';

/**
 * On first start with --demo: a demo tenant with an owner account, its keys and the owner's
 * password written to the data directory (0600) since they are shown nowhere else. The demo
 * password is kept (not one-time) so the file stays valid. Returns the credentials file's path.
 */
export async function ensureDemoTenant(s: Services, baseUrl: string): Promise<{ file: string; created: boolean }> {
  const file = path.join(s.config.dataDir, DEMO_CREDENTIALS_FILE);
  if (existsSync(file) || (await s.store.control.findTenantByName(DEMO_TENANT_NAME))) return { file, created: false };
  const t = await s.tenants.create({ name: DEMO_TENANT_NAME, actor: 'system:demo' });
  const password = generatePassword();
  const owner = await s.memberships.add({ tenantId: t.tenantId, email: DEMO_OWNER_EMAIL, role: 'owner', password, actor: 'system:demo' });
  const dashboard = { email: DEMO_OWNER_EMAIL, password, accountId: owner.member.accountId, role: 'owner', login: `${baseUrl}/api/v1/auth/login` };
  writeFileSync(file, `${JSON.stringify({ url: baseUrl, tenantId: t.tenantId, tenantName: t.name, keys: t.keys, dashboard }, null, 2)}\n`, { mode: 0o600 });
  return { file, created: true };
}
