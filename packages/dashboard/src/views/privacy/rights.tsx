import { useRef, useState } from 'react';
import { useApi } from '../../api/use-api.ts';
import { useSession } from '../../auth/session.tsx';
import { JOBS_PATH, JobTable, jobId } from '../../components/job-table.tsx';
import { ErrorNote } from '../../components/states.tsx';
import type { Obj } from '../../api/envelope.ts';

type Scope = 'subject' | 'tenant';

/** The body naming what a request is about: one person by the app's user id, or the whole tenant. */
const about = (scope: Scope, subject: string) => (scope === 'tenant' ? { scope: 'tenant' } : { subject: subject.trim() });

function ScopeFields({ scope, setScope, subject, setSubject, name }: { scope: Scope; setScope: (s: Scope) => void; subject: string; setSubject: (s: string) => void; name: string }) {
  return (
    <>
      <fieldset className="inline">
        <legend>About</legend>
        <label><input type="radio" name={`${name}-scope`} checked={scope === 'subject'} onChange={() => setScope('subject')} /> one person</label>
        <label><input type="radio" name={`${name}-scope`} checked={scope === 'tenant'} onChange={() => setScope('tenant')} /> the whole tenant</label>
      </fieldset>
      {scope === 'subject' ? <label>Person (the app's user id) <input name={`${name}-subject`} required value={subject} onChange={(e) => setSubject(e.target.value)} /></label> : null}
    </>
  );
}

/**
 * Exports (GDPR art. 15/20) and erasures (art. 17) as tracked jobs. An erasure is confirmed by
 * typing what it erases, then waits out a grace period during which it can be cancelled.
 */
export function RightsView() {
  const { api } = useSession();
  const exports = useApi<unknown>(JOBS_PATH, { kind: 'export', limit: 20 });
  const erasures = useApi<unknown>(JOBS_PATH, { kind: 'erase', limit: 20 });
  const [exp, setExp] = useState({ scope: 'subject' as Scope, subject: '', format: 'json' });
  const [era, setEra] = useState({ scope: 'subject' as Scope, subject: '', grace: '7' });
  const [confirmText, setConfirmText] = useState('');
  const [message, setMessage] = useState<{ ok?: string; error?: unknown }>({});
  const dialog = useRef<HTMLDialogElement>(null);
  // A person's erasure repeats their user id; the tenant's repeats its name (the server checks it).
  const expected = era.scope === 'tenant' ? null : era.subject.trim();

  const cancel = async (j: Obj) => {
    setMessage({});
    try {
      await api.send('POST', `${JOBS_PATH}/${encodeURIComponent(jobId(j))}/cancel`);
      setMessage({ ok: 'Erasure cancelled: nothing was erased.' });
      erasures.reload();
    } catch (error) {
      setMessage({ error });
    }
  };

  return (
    <section>
      <h1 tabIndex={-1}>Export & erasure</h1>
      <p className="lead">A person's (or the whole tenant's) data, exported as a file behind a signed link that expires, or erased after a grace period. Each request is a job and is audited.</p>
      {message.error ? <ErrorNote error={message.error} /> : null}
      {message.ok ? <p className="state ok" role="status">{message.ok}</p> : null}
      <div className="two">
        <form className="card stack" aria-labelledby="export-h" onSubmit={async (e) => {
          e.preventDefault();
          setMessage({});
          try {
            await api.send('POST', '/api/v1/privacy/export', { ...about(exp.scope, exp.subject), format: exp.format });
            setMessage({ ok: 'Export requested. The file appears below when the job has finished.' });
            exports.reload();
          } catch (error) { setMessage({ error }); }
        }}>
          <h2 id="export-h">Export</h2>
          <ScopeFields name="export" scope={exp.scope} setScope={(scope) => setExp({ ...exp, scope })} subject={exp.subject} setSubject={(subject) => setExp({ ...exp, subject })} />
          <label>Format <select value={exp.format} onChange={(e) => setExp({ ...exp, format: e.target.value })}><option value="json">JSON</option><option value="csv">CSV</option><option value="both">JSON and CSV</option></select></label>
          <button type="submit">Request export</button>
        </form>
        <form className="card stack" aria-labelledby="erase-h" onSubmit={(e) => { e.preventDefault(); setConfirmText(''); setMessage({}); dialog.current?.showModal(); }}>
          <h2 id="erase-h">Erasure</h2>
          <ScopeFields name="erase" scope={era.scope} setScope={(scope) => setEra({ ...era, scope })} subject={era.subject} setSubject={(subject) => setEra({ ...era, subject })} />
          <label>Grace period (days, cancellable until it ends) <input type="number" min={0} max={30} required value={era.grace} onChange={(e) => setEra({ ...era, grace: e.target.value })} /></label>
          <button type="submit" className="danger">Request erasure…</button>
        </form>
      </div>
      <dialog ref={dialog} aria-labelledby="confirm-h" className="card">
        <form method="dialog" className="stack" onSubmit={async (e) => {
          e.preventDefault();
          try {
            await api.send('POST', '/api/v1/privacy/delete', { ...about(era.scope, era.subject), confirm: confirmText.trim(), grace_period_days: Number(era.grace) });
            dialog.current?.close();
            setMessage({ ok: `Erasure requested. It runs when the grace period of ${era.grace} day(s) ends, unless cancelled.` });
            erasures.reload();
          } catch (error) {
            dialog.current?.close();
            setMessage({ error });
          }
        }}>
          <h2 id="confirm-h">Confirm erasure</h2>
          <p>This erases {era.scope === 'tenant' ? <strong>every person and event of this tenant</strong> : <>everything Ebb holds about <strong>{era.subject}</strong></>} after {era.grace} day(s). It cannot be undone once it has run.</p>
          <label>{expected === null ? <>Type the tenant's name to confirm</> : <>Type <code>{expected}</code> to confirm</>} <input name="confirm" autoComplete="off" value={confirmText} onChange={(e) => setConfirmText(e.target.value)} /></label>
          <div className="actions">
            <button type="submit" className="danger" disabled={expected === null ? confirmText.trim() === '' : confirmText.trim() !== expected}>Erase</button>
            <button type="button" className="secondary" onClick={() => dialog.current?.close()}>Keep the data</button>
          </div>
        </form>
      </dialog>
      <div className="card">
        <h2>Erasures</h2>
        <JobTable loaded={erasures} caption="Erasure jobs" onCancel={(j) => void cancel(j)} />
      </div>
      <div className="card">
        <h2>Exports</h2>
        <JobTable loaded={exports} caption="Export jobs" />
      </div>
    </section>
  );
}
