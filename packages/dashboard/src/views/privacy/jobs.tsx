import { useState } from 'react';
import { errorText } from '../../api/api-error.ts';
import { useApi } from '../../api/use-api.ts';
import { useSession } from '../../auth/session.tsx';
import { JOBS_PATH, JobTable, jobId } from '../../components/job-table.tsx';
import { ErrorNote } from '../../components/states.tsx';

const KINDS = ['', 'export', 'erase'];
const STATES = ['', 'pending', 'scheduled', 'running', 'succeeded', 'failed', 'cancelled'];

/** Every privacy job of the tenant (exports, erasures, retention runs, ETL), filterable. */
export function JobsView() {
  const { api } = useSession();
  const [kind, setKind] = useState('');
  const [status, setStatus] = useState('');
  const loaded = useApi<unknown>(JOBS_PATH, { kind: kind || undefined, status: status || undefined, limit: 100 });
  const [error, setError] = useState<unknown>(null);
  return (
    <section>
      <h1 tabIndex={-1}>Jobs</h1>
      <p className="lead">Export and erasure jobs with their state, grace period and outcome. Export files download through signed links that expire.</p>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>Kind <select value={kind} onChange={(e) => setKind(e.target.value)}>{KINDS.map((k) => <option key={k} value={k}>{k || 'all'}</option>)}</select></label>
        <label>State <select value={status} onChange={(e) => setStatus(e.target.value)}>{STATES.map((k) => <option key={k} value={k}>{k || 'all'}</option>)}</select></label>
        <button type="button" className="secondary" onClick={loaded.reload}>Refresh</button>
      </form>
      {error ? <ErrorNote error={error} /> : null}
      <JobTable loaded={loaded} caption="Privacy jobs" onCancel={async (j) => {
        setError(null);
        try { await api.send('POST', `${JOBS_PATH}/${encodeURIComponent(jobId(j))}/cancel`); loaded.reload(); } catch (e) { setError(new Error(errorText(e))); }
      }} />
    </section>
  );
}
