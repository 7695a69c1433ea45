import { useState } from 'react';
import { useApi } from '../../api/use-api.ts';
import { useSession } from '../../auth/session.tsx';
import { DataTable } from '../../components/data-table.tsx';
import { ErrorNote, Show } from '../../components/states.tsx';

interface Hold {
  id: string;
  scope: 'tenant' | 'subject';
  subjectId: string | null;
  reason: string;
  placedBy: string;
  placedAt: string;
  releasedAt: string | null;
  active: boolean;
}

const PATH = '/api/v1/privacy/holds';

/** Legal holds: while one is active, retention neither anonymises nor deletes what it holds. */
export function HoldsView({ canChange }: { canChange: boolean }) {
  const { api } = useSession();
  const loaded = useApi<{ holds: Hold[] }>(PATH);
  const [userId, setUserId] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);

  const act = async (what: () => Promise<unknown>, message: string) => {
    setError(null);
    setDone(null);
    try {
      await what();
      setDone(message);
      loaded.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section>
      <h1 tabIndex={-1}>Legal holds</h1>
      <p className="lead">A hold keeps data past its retention period (litigation, an investigation): on one person, or on the whole tenant. Erasure of a held person waits until the hold is released.</p>
      {canChange ? (
        <form className="card stack narrow-form" onSubmit={(e) => { e.preventDefault(); void act(() => api.send('POST', PATH, { reason, ...(userId.trim() ? { userId: userId.trim() } : {}) }), 'Hold placed.').then(() => { setReason(''); setUserId(''); }); }}>
          <h2>Place a hold</h2>
          <label>Person (the app's user id; empty for the whole tenant) <input value={userId} onChange={(e) => setUserId(e.target.value)} /></label>
          <label>Reason <input required maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} /></label>
          <button type="submit">Place hold</button>
        </form>
      ) : <p className="state note">Only owners place and release holds.</p>}
      {error ? <ErrorNote error={error} /> : null}
      {done ? <p className="state ok" role="status">{done}</p> : null}
      <Show loaded={loaded} path={PATH} what="holds">
        {({ holds }) => (
          <DataTable<Hold>
            caption="Legal holds"
            rows={holds}
            rowKey={(h) => h.id}
            empty="No legal holds."
            columns={[
              { key: 'scope', header: 'Holds', render: (h) => (h.scope === 'tenant' ? 'the whole tenant' : <>person <code>{h.subjectId ?? '(no data yet)'}</code></>) },
              { key: 'reason', header: 'Reason', render: (h) => h.reason },
              { key: 'placed', header: 'Placed', sortBy: (h) => h.placedAt, render: (h) => <time dateTime={h.placedAt}>{new Date(h.placedAt).toLocaleString()}</time> },
              { key: 'state', header: 'State', render: (h) => (h.active ? <span className="badge warn">active</span> : <span className="muted">released {h.releasedAt ? new Date(h.releasedAt).toLocaleDateString() : ''}</span>) },
              { key: 'act', header: 'Actions', render: (h) => (canChange && h.active ? <button type="button" className="link" onClick={() => void act(() => api.send('POST', `${PATH}/${encodeURIComponent(h.id)}/release`), 'Hold released; the next retention run catches up.')}>Release</button> : null) },
            ]}
          />
        )}
      </Show>
    </section>
  );
}
