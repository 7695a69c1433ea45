import { useState } from 'react';
import { useApi } from '../../api/use-api.ts';
import { useSession } from '../../auth/session.tsx';
import { DataTable } from '../../components/data-table.tsx';
import { ErrorNote, Show } from '../../components/states.tsx';

interface Entry { seq: number; at: string; actor: string; action: string; target: string | null; details: unknown; hash: string }
interface Verification { ok: boolean; checked: number; entries: number; problems: Array<{ seq: number; problem: string }>; problemsElsewhere: number }

const PATH = '/api/v1/audit';
const FAMILIES = ['', 'retention', 'privacy', 'export', 'erase', 'key', 'member', 'auth', 'hold', 'consent', 'etl', 'budget'];

/** The tenant's audit log, newest first, with paging and verification of the hash chain. */
export function AuditView() {
  const { api } = useSession();
  const [action, setAction] = useState('');
  const [before, setBefore] = useState<number[]>([]);
  const loaded = useApi<{ entries: Entry[]; nextBeforeSeq: number | null }>(PATH, { limit: 50, action: action || undefined, before: before[before.length - 1] });
  const [verify, setVerify] = useState<{ busy?: boolean; result?: Verification; error?: unknown }>({});

  return (
    <section>
      <h1 tabIndex={-1}>Audit log</h1>
      <p className="lead">Every policy change, retention run, export, erasure, key and role change and budget spend, in a hash chain: each entry's hash covers the one before, so a changed or removed entry shows.</p>
      <div className="card actions">
        <button type="button" disabled={verify.busy} onClick={async () => {
          setVerify({ busy: true });
          try { setVerify({ result: await api.get<Verification>(`${PATH}/verify`) }); } catch (error) { setVerify({ error }); }
        }}>{verify.busy ? 'Verifying…' : 'Verify the chain'}</button>
        {verify.result ? (
          <p className={`state ${verify.result.ok ? 'ok' : 'error'}`} role="status" data-testid="audit-verify">
            {verify.result.ok
              ? `The chain verifies: ${verify.result.checked} entries checked, ${verify.result.entries} of this tenant.`
              : `The chain is broken: ${verify.result.problems.length} problem(s) at this tenant's entries${verify.result.problemsElsewhere ? `, ${verify.result.problemsElsewhere} elsewhere` : ''}.`}
          </p>
        ) : null}
        {verify.error ? <ErrorNote error={verify.error} /> : null}
      </div>
      {verify.result && verify.result.problems.length > 0 ? <ul className="problems">{verify.result.problems.map((p) => <li key={p.seq}>Entry {p.seq}: {p.problem}</li>)}</ul> : null}
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>Actions <select value={action} onChange={(e) => { setAction(e.target.value); setBefore([]); }}>{FAMILIES.map((f) => <option key={f} value={f}>{f || 'all'}</option>)}</select></label>
      </form>
      <Show loaded={loaded} path={PATH} what="the audit log">
        {({ entries, nextBeforeSeq }) => (
          <>
            <DataTable<Entry>
              caption="Audit entries, newest first"
              rows={entries}
              rowKey={(e) => String(e.seq)}
              empty="No entries."
              columns={[
                { key: 'seq', header: '#', numeric: true, render: (e) => e.seq },
                { key: 'at', header: 'When', render: (e) => <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time> },
                { key: 'actor', header: 'Who', render: (e) => <code>{e.actor}</code> },
                { key: 'action', header: 'What', render: (e) => <strong>{e.action}</strong> },
                { key: 'target', header: 'On', render: (e) => (e.target ? <code>{e.target}</code> : '—') },
                { key: 'details', header: 'Details', render: (e) => (e.details ? <code className="small wrap">{JSON.stringify(e.details)}</code> : '—') },
                { key: 'hash', header: 'Hash', render: (e) => <code className="small" title={e.hash}>{e.hash.slice(0, 10)}…</code> },
              ]}
            />
            <div className="actions">
              <button type="button" className="secondary" disabled={before.length === 0} onClick={() => setBefore(before.slice(0, -1))}>Newer</button>
              <button type="button" className="secondary" disabled={nextBeforeSeq === null} onClick={() => nextBeforeSeq !== null && setBefore([...before, nextBeforeSeq])}>Older</button>
            </div>
          </>
        )}
      </Show>
    </section>
  );
}
