import { useState } from 'react';
import { useSession } from '../auth/session.tsx';
import { ErrorNote } from '../components/states.tsx';

/** Change one's own password (required first when the account has a generated one). */
export function AccountView({ mustChange = false, onChanged }: { mustChange?: boolean; onChanged?: () => void }) {
  const { api, session } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [state, setState] = useState<{ error?: unknown; done?: boolean; busy?: boolean }>({});
  return (
    <section>
      <h1 tabIndex={-1}>Account</h1>
      {session?.kind === 'staff' ? <p>Signed in as <strong>{session.email}</strong>{session.role ? <> · role <strong>{session.role}</strong> in {session.tenantId}</> : null}.</p> : null}
      {mustChange ? <p className="state error" role="alert">This account has a generated password. Choose your own to continue.</p> : null}
      <form
        className="card stack narrow-form"
        onSubmit={async (e) => {
          e.preventDefault();
          setState({ busy: true });
          try {
            await api.send('POST', '/api/v1/auth/password', { currentPassword: current, newPassword: next });
            setState({ done: true });
            setCurrent('');
            setNext('');
            onChanged?.();
          } catch (error) {
            setState({ error });
          }
        }}
      >
        <h2>Change password</h2>
        <label>Current password <input type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} /></label>
        <label>New password (at least 12 characters) <input type="password" autoComplete="new-password" required minLength={12} value={next} onChange={(e) => setNext(e.target.value)} /></label>
        {state.error ? <ErrorNote error={state.error} /> : null}
        {state.done ? <p className="state ok" role="status">Password changed. Other sessions of this account were signed out.</p> : null}
        <button type="submit" disabled={state.busy}>Change password</button>
      </form>
    </section>
  );
}
