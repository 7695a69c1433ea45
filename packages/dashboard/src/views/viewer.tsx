import type { ViewerSession } from '../auth/session.tsx';
import { useSession } from '../auth/session.tsx';
import { LearnerPanel } from '../components/learner-panel.tsx';
import { ThemeToggle } from '../components/theme-toggle.tsx';
import { setParams, useRoute } from '../router.ts';

/**
 * What a learner (their own) or a guardian (their child's) sees with the link their app gives
 * them. The link names the learner for a guardian (`learner=`); a learner's own id is in the token.
 */
export function ViewerView({ session }: { session: ViewerSession }) {
  const { signOut } = useSession();
  const route = useRoute();
  const named = route.params.getAll('learner').filter(Boolean);
  const learners = session.role === 'learner' ? (session.sub ? [session.sub] : []) : named;
  const current = route.params.get('show') ?? learners[0] ?? null;
  return (
    <div className="viewer">
      <header className="topbar">
        <span className="brand">Ebb</span>
        <span className="muted">{session.role === 'guardian' ? 'Your child\'s learning' : 'Your learning'}</span>
        <span className="spacer" />
        <ThemeToggle />
        <button type="button" className="ghost" onClick={() => void signOut()}>Close</button>
      </header>
      <main id="main" tabIndex={-1}>
        <h1 tabIndex={-1}>{session.role === 'guardian' ? 'How your child is doing' : 'How you are doing'}</h1>
        <p className="muted small">This view ends {new Date(session.expiresAt).toLocaleTimeString()}; your app gives you a new link each time.</p>
        {learners.length > 1 ? (
          <nav className="chips" aria-label="Children">
            {learners.map((l) => <button key={l} type="button" className="chip" aria-pressed={l === current} onClick={() => setParams(route, { show: l })}>{l}</button>)}
          </nav>
        ) : null}
        {current === null ? (
          <p className="state empty">{session.role === 'guardian' ? 'This link names no child. Open the link from your child\'s page in the app.' : 'This token names no learner.'}</p>
        ) : (
          <LearnerPanel key={current} userId={current} withRisk={false} />
        )}
      </main>
    </div>
  );
}
