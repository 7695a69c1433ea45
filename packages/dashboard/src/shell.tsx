import { lazy, Suspense, useEffect, useRef, type ReactNode } from 'react';
import { RUNS_PRIVACY, SEES_INDIVIDUALS, useSession, type StaffSession } from './auth/session.tsx';
import { ThemeToggle } from './components/theme-toggle.tsx';
import { hrefOf, type Route } from './router.ts';
import { Loading } from './components/states.tsx';
import { OverviewView } from './views/overview.tsx';

// The overview opens first and is in the main bundle; every other view loads when opened.
const AccountView = lazy(() => import('./views/account.tsx').then((m) => ({ default: m.AccountView })));
const AtRiskView = lazy(() => import('./views/at-risk.tsx').then((m) => ({ default: m.AtRiskView })));
const EngagementView = lazy(() => import('./views/engagement.tsx').then((m) => ({ default: m.EngagementView })));
const ErrorsView = lazy(() => import('./views/errors.tsx').then((m) => ({ default: m.ErrorsView })));
const JourneyView = lazy(() => import('./views/journey.tsx').then((m) => ({ default: m.JourneyView })));
const LearningView = lazy(() => import('./views/learning.tsx').then((m) => ({ default: m.LearningView })));
const PagesView = lazy(() => import('./views/pages.tsx').then((m) => ({ default: m.PagesView })));
const QuestsView = lazy(() => import('./views/quests.tsx').then((m) => ({ default: m.QuestsView })));
const AuditView = lazy(() => import('./views/privacy/audit.tsx').then((m) => ({ default: m.AuditView })));
const HoldsView = lazy(() => import('./views/privacy/holds.tsx').then((m) => ({ default: m.HoldsView })));
const JobsView = lazy(() => import('./views/privacy/jobs.tsx').then((m) => ({ default: m.JobsView })));
const LevelsView = lazy(() => import('./views/privacy/levels.tsx').then((m) => ({ default: m.LevelsView })));
const RetentionView = lazy(() => import('./views/privacy/retention.tsx').then((m) => ({ default: m.RetentionView })));
const RightsView = lazy(() => import('./views/privacy/rights.tsx').then((m) => ({ default: m.RightsView })));

interface NavItem {
  path: string;
  label: string;
  /** Who sees the link (the server still decides every request). */
  show?: (s: StaffSession) => boolean;
  view: (route: Route, session: StaffSession) => ReactNode;
}

const individuals = (s: StaffSession) => s.role !== null && SEES_INDIVIDUALS.has(s.role);
const privacy = (s: StaffSession) => s.role !== null && RUNS_PRIVACY.has(s.role);

const ANALYTICS: NavItem[] = [
  { path: '/overview', label: 'Overview', view: (r) => <OverviewView route={r} /> },
  { path: '/pages', label: 'Pages', view: (r) => <PagesView route={r} /> },
  { path: '/quests', label: 'Quests', view: (r) => <QuestsView route={r} /> },
  { path: '/at-risk', label: 'Learners at risk', view: (r, s) => <AtRiskView route={r} canOpen={individuals(s)} /> },
  { path: '/engagement', label: 'Sessions & weekly active', view: (r) => <EngagementView route={r} /> },
  { path: '/learning', label: 'Mastery & IEP', view: (r) => <LearningView route={r} /> },
  { path: '/errors', label: 'Errors', view: (r) => <ErrorsView route={r} /> },
  { path: '/journey', label: 'Learner journey', show: individuals, view: (r) => <JourneyView route={r} /> },
];

const PRIVACY: NavItem[] = [
  { path: '/privacy/retention', label: 'Retention', show: privacy, view: (_r, s) => <RetentionView canChange={s.role === 'owner'} /> },
  { path: '/privacy/holds', label: 'Legal holds', show: privacy, view: (_r, s) => <HoldsView canChange={s.role === 'owner'} /> },
  { path: '/privacy/rights', label: 'Export & erasure', show: privacy, view: () => <RightsView /> },
  { path: '/privacy/jobs', label: 'Jobs', show: privacy, view: () => <JobsView /> },
  { path: '/privacy/audit', label: 'Audit log', show: privacy, view: () => <AuditView /> },
  { path: '/privacy/levels', label: 'Privacy levels & budget', show: privacy, view: () => <LevelsView /> },
];

const ACCOUNT: NavItem = { path: '/account', label: 'Account', view: () => <AccountView /> };
const ALL = [...ANALYTICS, ...PRIVACY, ACCOUNT];

export function Shell({ session, route, onAccountChanged }: { session: StaffSession; route: Route; onAccountChanged: () => void }) {
  const { signOut, chooseTenant } = useSession();
  const main = useRef<HTMLElement>(null);
  const found = ALL.find((n) => n.path === route.path) ?? (route.path === '/' ? ANALYTICS[0] : undefined);
  const allowed = found && (!found.show || found.show(session));

  // Moving to another view moves keyboard focus to its heading, as a page load would (a first
  // load leaves focus at the start of the page, where the skip link is).
  const shown = useRef(route.path);
  useEffect(() => {
    if (shown.current === route.path) return;
    shown.current = route.path;
    main.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [route.path]);

  const link = (n: NavItem) => {
    // Keep period and level when moving between analytics views.
    const keep = new URLSearchParams();
    for (const k of ['from', 'to', 'level']) { const v = route.params.get(k); if (v) keep.set(k, v); }
    const current = found?.path === n.path;
    return <li key={n.path}><a href={hrefOf(n.path, ANALYTICS.includes(n) ? keep : undefined)} aria-current={current ? 'page' : undefined}>{n.label}</a></li>;
  };

  let content: ReactNode;
  if (session.mustChangePassword) content = <AccountView mustChange onChanged={onAccountChanged} />;
  else if (session.tenantId === null) content = <section><h1 tabIndex={-1}>No tenant</h1><p>This account is not a member of any tenant yet. Ask an owner to add you.</p></section>;
  else if (!found) content = <section><h1 tabIndex={-1}>Not found</h1><p>There is no view at <code>{route.path}</code>. <a href="#/overview">Go to the overview</a>.</p></section>;
  else if (!allowed) content = <section><h1 tabIndex={-1}>{found.label}</h1><p className="state error" role="alert">Your role ({session.role}) does not open this view.</p></section>;
  else content = found.view(route, session);

  return (
    <div className="shell">
      <a className="skip" href="#main" onClick={(e) => { e.preventDefault(); main.current?.focus(); }}>Skip to content</a>
      <header className="topbar">
        <a className="brand" href="#/overview" aria-label="Ebb, overview">Ebb</a>
        {session.memberships.length > 1 ? (
          <label className="tenant">
            <span className="hide-narrow">Tenant </span>
            <select value={session.tenantId ?? ''} onChange={(e) => chooseTenant(e.target.value)}>
              {session.memberships.map((m) => <option key={m.tenantId} value={m.tenantId}>{m.tenantId} ({m.role})</option>)}
            </select>
          </label>
        ) : <span className="tenant muted" title={session.tenantId ?? ''}><span className="hide-narrow">{session.tenantId}</span> <span className="badge">{session.role}</span></span>}
        <span className="spacer" />
        <ThemeToggle />
        <a className="ghost button hide-narrow" href="#/account">{session.email}</a>
        <button type="button" className="ghost" onClick={() => void signOut()}>Sign out</button>
      </header>
      <nav className="sidenav" aria-label="Views">
        <h2 className="nav-title">Analytics</h2>
        <ul>{ANALYTICS.filter((n) => !n.show || n.show(session)).map(link)}</ul>
        {PRIVACY.some((n) => !n.show || n.show(session)) ? (
          <>
            <h2 className="nav-title">Privacy centre</h2>
            <ul>{PRIVACY.filter((n) => !n.show || n.show(session)).map(link)}</ul>
          </>
        ) : null}
      </nav>
      <main id="main" ref={main} tabIndex={-1} key={`${session.tenantId}`}><Suspense fallback={<Loading what="the view" />}>{content}</Suspense></main>
    </div>
  );
}
