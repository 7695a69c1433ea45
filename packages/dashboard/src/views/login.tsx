import { useState } from 'react';
import { useSession } from '../auth/session.tsx';
import { ErrorNote } from '../components/states.tsx';
import { ThemeToggle } from '../components/theme-toggle.tsx';

/** Staff sign in with e-mail and password; learners and guardians come with a link holding a viewer token. */
export function LoginView({ onSignedIn }: { onSignedIn: () => void }) {
  const { api } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [token, setToken] = useState('');

  return (
    <main className="centered narrow login">
      <div className="login-head"><h1>Ebb</h1><ThemeToggle /></div>
      <p className="muted">Privacy-first learning analytics.</p>
      <form
        className="card stack"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            await api.send('POST', '/api/v1/auth/login', { email, password });
            onSignedIn();
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <h2>Staff sign-in</h2>
        <label>E-mail <input type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} /></label>
        <label>Password <input type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} /></label>
        {error ? <ErrorNote error={error} /> : null}
        <button type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
      <form
        className="card stack"
        onSubmit={(e) => {
          e.preventDefault();
          if (token.trim()) location.hash = `/viewer?token=${encodeURIComponent(token.trim())}`;
          location.reload();
        }}
      >
        <h2>Learners and guardians</h2>
        <p className="muted">Open the link your learning app gives you, or paste the access token it shows.</p>
        <label>Access token <input name="token" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} /></label>
        <button type="submit" className="secondary">Open my view</button>
      </form>
    </main>
  );
}
