import { createContext, useContext } from 'react';
import type { ApiClient } from '../api/client.ts';

export type StaffRole = 'owner' | 'admin' | 'analyst';

export interface StaffSession {
  kind: 'staff';
  accountId: string;
  email: string;
  memberships: Array<{ tenantId: string; role: StaffRole }>;
  tenantId: string | null;
  role: StaffRole | null;
  mustChangePassword: boolean;
}

export interface ViewerSession {
  kind: 'viewer';
  token: string;
  tenantId: string;
  role: 'learner' | 'guardian';
  subjectId: string | null;
  wards: string[];
  expiresAt: string;
  /** The app's user id from the token (its own `sub`), for a learner's own views. */
  sub: string | null;
}

export type Session = StaffSession | ViewerSession;

export interface SessionContextValue {
  session: Session | null;
  api: ApiClient;
  signOut(): Promise<void>;
  chooseTenant(tenantId: string): void;
}

export const SessionContext = createContext<SessionContextValue | null>(null);

export function useSession(): SessionContextValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside the session provider');
  return v;
}

/** Staff roles that may see one person's rows (the server decides; this only hides what it would refuse). */
export const SEES_INDIVIDUALS: ReadonlySet<StaffRole> = new Set(['owner', 'admin']);
/** Staff roles that run the privacy centre. */
export const RUNS_PRIVACY: ReadonlySet<StaffRole> = new Set(['owner', 'admin']);

/** The claims of a viewer token, read (not verified: the server verifies) to show who it is for. */
export function readTokenClaims(token: string): { sub?: string; role?: string; exp?: number } {
  try {
    const part = token.split('.')[1] ?? '';
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((part.length + 3) % 4));
    return JSON.parse(json) as { sub?: string; role?: string; exp?: number };
  } catch {
    return {};
  }
}
