import { readFileSync } from 'node:fs';
import { signJwt } from '../access/jwt.ts';

/** What `npm start` prints so that the dashboard opens onto the demo tenant. */
export interface DemoSignIn {
  dashboardUrl: string;
  email: string;
  password: string;
  /** The guardian's view of their child, as the host app would link it (valid for an hour). */
  guardianUrl: string | null;
}

interface CredentialsFile {
  tenantId: string;
  dashboard: { email: string; password: string };
  viewerTokens?: { alg: string; secret: string | null; keyId: string; exampleLearner: string; exampleGuardian: string };
}

/**
 * Reads the demo's credentials file and makes the sign-in lines. The demo plays the host app, so it
 * signs a guardian's viewer token with the app's key from the same file.
 */
export function demoSignIn(file: string, baseUrl: string, now = new Date()): DemoSignIn {
  const c = JSON.parse(readFileSync(file, 'utf8')) as CredentialsFile;
  const v = c.viewerTokens;
  let guardianUrl: string | null = null;
  if (v?.alg === 'HS256' && v.secret) {
    const iat = Math.floor(now.getTime() / 1000);
    const token = signJwt({ tid: c.tenantId, sub: v.exampleGuardian, role: 'guardian', iat, exp: iat + 3600 }, { alg: 'HS256', key: Buffer.from(v.secret, 'base64url'), kid: v.keyId });
    guardianUrl = `${baseUrl}/viewer#token=${token}&learner=${encodeURIComponent(v.exampleLearner)}`;
  }
  return { dashboardUrl: `${baseUrl}/`, email: c.dashboard.email, password: c.dashboard.password, guardianUrl };
}

export function demoSignInText(d: DemoSignIn): string {
  return [
    `Dashboard: ${d.dashboardUrl}  sign in as ${d.email} with password ${d.password}`,
    ...(d.guardianUrl ? [`A guardian's view of their child (link valid for an hour): ${d.guardianUrl}`] : []),
  ].join('\n') + '\n';
}
