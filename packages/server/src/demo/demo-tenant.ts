import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Services } from '../app/services.ts';
import { generatePassword } from '../access/accounts.ts';
import { OULAD_ATTRIBUTION } from './oulad-demo.ts';

export const DEMO_TENANT_NAME = 'Demo Academy';
export const DEMO_CREDENTIALS_FILE = 'demo-credentials.json';
/** A reserved domain (RFC 2606): the demo owner's address can never reach anyone. */
export const DEMO_OWNER_EMAIL = 'owner@demo-academy.example';

/**
 * On first start with --demo: a demo tenant with an owner account, its keys and the owner's
 * password written to the data directory (0600) since they are shown nowhere else. The demo
 * password is kept (not one-time) so the file stays valid. Returns the credentials file's path.
 */
/** Guardians the demo links to learners of the OULAD presentation (app user ids). */
export const DEMO_GUARDIANS = [
  { guardian: 'demo-guardian-1', learner: 'oulad-28400' },
  { guardian: 'demo-guardian-1', learner: 'oulad-30268' },
  { guardian: 'demo-guardian-2', learner: 'oulad-31604' },
] as const;

export interface DemoTenant {
  file: string;
  created: boolean;
  tenantId?: string;
  serverKey?: string;
}

export async function ensureDemoTenant(s: Services, baseUrl: string): Promise<DemoTenant> {
  const file = path.join(s.config.dataDir, DEMO_CREDENTIALS_FILE);
  if (existsSync(file) || (await s.store.control.findTenantByName(DEMO_TENANT_NAME))) return { file, created: false };
  const t = await s.tenants.create({ name: DEMO_TENANT_NAME, actor: 'system:demo' });
  const password = generatePassword();
  const owner = await s.memberships.add({ tenantId: t.tenantId, email: DEMO_OWNER_EMAIL, role: 'owner', password, actor: 'system:demo' });
  const dashboard = { email: DEMO_OWNER_EMAIL, password, accountId: owner.member.accountId, role: 'owner', login: `${baseUrl}/api/v1/auth/login` };
  for (const g of DEMO_GUARDIANS) {
    await s.guardianships.link({ tenantId: t.tenantId, guardianUserId: g.guardian, learnerUserId: g.learner, actor: 'system:demo' });
  }
  // The host app signs viewer tokens for its learners and guardians; the demo plays the app.
  const viewer = await s.viewerTokens.createKey({ tenantId: t.tenantId, alg: 'HS256', name: 'demo app', actor: 'system:demo' });
  const viewerTokens = {
    alg: 'HS256', secret: viewer.secret, keyId: viewer.info.id,
    claims: 'sub = the app user id, role = learner | guardian, tid = tenant id, exp at most 1 h after iat',
    exampleLearner: DEMO_GUARDIANS[0].learner, exampleGuardian: DEMO_GUARDIANS[0].guardian,
  };
  writeFileSync(file, `${JSON.stringify({ url: baseUrl, tenantId: t.tenantId, tenantName: t.name, keys: t.keys, dashboard, viewerTokens, data: OULAD_ATTRIBUTION }, null, 2)}\n`, { mode: 0o600 });
  return { file, created: true, tenantId: t.tenantId, serverKey: t.keys.server };
}
