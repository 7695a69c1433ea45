import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError } from './api/api-error.ts';
import { createApiClient, type Credential } from './api/client.ts';
import { readTokenClaims, SessionContext, type Session, type SessionContextValue, type StaffRole } from './auth/session.tsx';
import { hrefOf, navigate, useRoute } from './router.ts';
import { Shell } from './shell.tsx';
import { LoginView } from './views/login.tsx';
import { ViewerView } from './views/viewer.tsx';
import { ErrorNote, Loading } from './components/states.tsx';

const TENANT_KEY = 'ebb.tenant';
const TOKEN_KEY = 'ebb.viewerToken';

type Me =
  | { kind: 'account'; accountId: string; email: string; mustChangePassword: boolean; memberships: Array<{ tenantId: string; role: StaffRole }> }
  | { kind: 'viewer'; tenantId: string; role: 'learner' | 'guardian'; subjectId: string | null; wards: string[]; expiresAt: string }
  | { kind: 'api-key' | 'anonymous' };

/**
 * Takes a viewer token out of the address (`/viewer#token=...&learner=...` or
 * `#/viewer?token=...`) into this tab's storage, so it is neither kept in history nor shown.
 */
function adoptTokenFromUrl(): void {
  const hash = location.hash.replace(/^#/, '');
  const q = hash.indexOf('?');
  const params = new URLSearchParams(hash.startsWith('/') ? (q === -1 ? '' : hash.slice(q + 1)) : hash);
  const token = params.get('token');
  if (!token) return;
  sessionStorage.setItem(TOKEN_KEY, token);
  params.delete('token');
  history.replaceState(null, '', `/${hrefOf('/viewer', params)}`);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

export function App() {
  const route = useRoute();
  const credential = useRef<Credential>({ kind: 'none' });
  const api = useMemo(() => createApiClient(() => credential.current), []);
  const [session, setSession] = useState<Session | null>(null);
  const [boot, setBoot] = useState<{ state: 'loading' } | { state: 'ready' } | { state: 'failed'; error: unknown }>({ state: 'loading' });
  const [generation, setGeneration] = useState(0);

  const load = useCallback(async () => {
    adoptTokenFromUrl();
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) {
      credential.current = { kind: 'viewer', token };
      try {
        const me = await api.get<Me>('/api/v1/auth/me');
        if (me.kind !== 'viewer') throw new ApiError(401, 'EBB_TOKEN_INVALID', 'This link does not hold a viewer token.');
        setSession({ kind: 'viewer', token, tenantId: me.tenantId, role: me.role, subjectId: me.subjectId, wards: me.wards, expiresAt: me.expiresAt, sub: readTokenClaims(token).sub ?? null });
        setBoot({ state: 'ready' });
      } catch (error) {
        sessionStorage.removeItem(TOKEN_KEY);
        credential.current = { kind: 'none' };
        setSession(null);
        setBoot({ state: 'failed', error });
      }
      return;
    }
    credential.current = { kind: 'session', tenantId: null };
    try {
      const me = await api.get<Me>('/api/v1/auth/me');
      if (me.kind !== 'account') {
        setSession(null);
      } else {
        const stored = localStorage.getItem(TENANT_KEY);
        const membership = me.memberships.find((m) => m.tenantId === stored) ?? me.memberships[0] ?? null;
        credential.current = { kind: 'session', tenantId: membership?.tenantId ?? null };
        setSession({
          kind: 'staff', accountId: me.accountId, email: me.email, memberships: me.memberships,
          tenantId: membership?.tenantId ?? null, role: membership?.role ?? null, mustChangePassword: me.mustChangePassword,
        });
      }
      setBoot({ state: 'ready' });
    } catch (error) {
      setSession(null);
      // Not signed in (or the session ended): the sign-in form is the answer, not an error.
      if (error instanceof ApiError && error.status === 401) setBoot({ state: 'ready' });
      else setBoot({ state: 'failed', error });
    }
  }, [api]);

  useEffect(() => { void load(); }, [load, generation]);

  const value = useMemo<SessionContextValue>(() => ({
    session,
    api,
    async signOut() {
      if (session?.kind === 'viewer') {
        sessionStorage.removeItem(TOKEN_KEY);
      } else {
        await api.send('POST', '/api/v1/auth/logout').catch(() => undefined);
      }
      credential.current = { kind: 'none' };
      setSession(null);
      navigate('/', undefined, { replace: true });
      setGeneration((g) => g + 1);
    },
    chooseTenant(tenantId) {
      if (session?.kind !== 'staff') return;
      const m = session.memberships.find((x) => x.tenantId === tenantId);
      if (!m) return;
      localStorage.setItem(TENANT_KEY, tenantId);
      credential.current = { kind: 'session', tenantId };
      setSession({ ...session, tenantId, role: m.role });
    },
  }), [session, api]);

  let body;
  if (boot.state === 'loading') body = <main className="centered"><Loading what="Ebb" /></main>;
  else if (boot.state === 'failed') {
    body = (
      <main className="centered narrow">
        <h1>Ebb</h1>
        <ErrorNote error={boot.error} />
        <p>{route.path === '/viewer' ? 'Ask the app for a new link.' : ''}</p>
        <button type="button" onClick={() => { setBoot({ state: 'loading' }); navigate('/', undefined, { replace: true }); setGeneration((g) => g + 1); }}>Go to sign-in</button>
      </main>
    );
  } else if (!session) body = <LoginView onSignedIn={() => setGeneration((g) => g + 1)} />;
  else if (session.kind === 'viewer') body = <ViewerView session={session} />;
  else body = <Shell session={session} route={route} onAccountChanged={() => setGeneration((g) => g + 1)} />;

  return <SessionContext.Provider value={value}>{body}</SessionContext.Provider>;
}

