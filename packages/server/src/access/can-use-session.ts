import { ALLOW, deny, type Decision } from './decision.ts';
import type { Principal } from './principal.ts';

/** Who am I: any caller with a valid credential. */
export function canReadSelf(p: Principal): Decision {
  return p.kind === 'anonymous' ? deny('Sign in or send a credential.') : ALLOW;
}

/** Ending a dashboard session or changing one's own password: a signed-in account. */
export function canUseOwnAccount(p: Principal): Decision {
  return p.kind === 'account' ? ALLOW : deny(p.kind === 'anonymous' ? 'Sign in first.' : 'Only a signed-in dashboard account can do this.');
}
