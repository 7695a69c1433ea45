import { useEffect, useState } from 'react';
import { formatNumber } from '../../api/metric.ts';
import { useApi } from '../../api/use-api.ts';
import { useSession } from '../../auth/session.tsx';
import { ErrorNote, Show } from '../../components/states.tsx';

interface Policy {
  category: string;
  anonymizeAfterDays: number;
  deleteAfterDays: number;
  source: 'default' | 'tenant';
  updatedAt: string | null;
  updatedBy: string | null;
}

interface CategoryPreview {
  category: string;
  current: { anonymizeAfterDays: number; deleteAfterDays: number };
  proposed: { anonymizeAfterDays: number; deleteAfterDays: number };
  changed: boolean;
  now: { anonymize: number; delete: number };
  then: { anonymize: number; delete: number };
}

interface Preview {
  at: string;
  heldByTenantHold: string | null;
  heldSubjects: number;
  categories: CategoryPreview[];
}

type Draft = Record<string, { anonymizeAfterDays: string; deleteAfterDays: string } | null>;

const PATH = '/api/v1/privacy/retention';
const PREVIEW = '/api/v1/privacy/retention/preview';

const CATEGORY_TEXT: Record<string, string> = {
  events: 'Page views and custom events',
  sessions: 'Sessions',
  learning_events: 'Milestones, assessments, goal progress',
  errors: 'Front-end and API errors',
  aggregates: 'Stored aggregates and releases',
  request_logs: 'Request logs',
  export_files: 'Export files for download',
};

/** The body the API takes for the draft: only what differs from the saved policy. */
function changesOf(draft: Draft, policies: Policy[]): Record<string, { anonymizeAfterDays?: number; deleteAfterDays?: number } | null> {
  const out: Record<string, { anonymizeAfterDays?: number; deleteAfterDays?: number } | null> = {};
  for (const p of policies) {
    const d = draft[p.category];
    if (d === undefined) continue;
    if (d === null) { out[p.category] = null; continue; }
    const a = Number(d.anonymizeAfterDays);
    const del = Number(d.deleteAfterDays);
    const change: { anonymizeAfterDays?: number; deleteAfterDays?: number } = {};
    if (a !== p.anonymizeAfterDays) change.anonymizeAfterDays = a;
    if (del !== p.deleteAfterDays) change.deleteAfterDays = del;
    if (Object.keys(change).length > 0) out[p.category] = change;
  }
  return out;
}

/**
 * Retention policies per data category. A change is previewed first (a read-only dry run that
 * counts what a retention run would anonymise and delete now, before and after), then saved.
 */
export function RetentionView({ canChange }: { canChange: boolean }) {
  const { api } = useSession();
  const loaded = useApi<{ policies: Policy[] }>(PATH);
  const [draft, setDraft] = useState<Draft>({});
  const [preview, setPreview] = useState<{ for: string; data: Preview } | null>(null);
  const [busy, setBusy] = useState<'preview' | 'save' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);

  // A new draft needs a new preview; the notice of a save stays until the next change.
  useEffect(() => { setPreview(null); if (Object.keys(draft).length > 0) setSaved(false); }, [JSON.stringify(draft)]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <section>
      <h1 tabIndex={-1}>Retention policies</h1>
      <p className="lead">How long each kind of data keeps full detail, when identifiers are stripped, and when rows are deleted. A scheduled job enforces this at least daily.</p>
      {!canChange ? <p className="state note">Only owners change retention. You can see the policies.</p> : null}
      <Show loaded={loaded} path={PATH} what="policies">
        {({ policies }) => {
          const changes = changesOf(draft, policies);
          const dirty = Object.keys(changes).length > 0;
          const key = JSON.stringify(changes);
          return (
            <>
              <form className="card" onSubmit={(e) => e.preventDefault()} aria-label="Retention policies">
                <div className="table-wrap">
                  <table>
                    <thead>
                      <tr><th scope="col">Category</th><th scope="col" className="num">Full detail (days)</th><th scope="col" className="num">Deleted after (days)</th><th scope="col">Set by</th>{canChange ? <th scope="col"><span className="visually-hidden">Actions</span></th> : null}</tr>
                    </thead>
                    <tbody>
                      {policies.map((p) => {
                        const d = draft[p.category];
                        const a = d ? d.anonymizeAfterDays : String(p.anonymizeAfterDays);
                        const del = d ? d.deleteAfterDays : String(p.deleteAfterDays);
                        const set = (field: 'anonymizeAfterDays' | 'deleteAfterDays', v: string) =>
                          setDraft({ ...draft, [p.category]: { anonymizeAfterDays: field === 'anonymizeAfterDays' ? v : a, deleteAfterDays: field === 'deleteAfterDays' ? v : del } });
                        return (
                          <tr key={p.category}>
                            <th scope="row"><code>{p.category}</code><div className="muted small">{CATEGORY_TEXT[p.category] ?? ''}</div></th>
                            <td className="num">{canChange && d !== null ? <input aria-label={`${p.category}: days of full detail`} type="number" min={1} max={3650} value={a} onChange={(e) => set('anonymizeAfterDays', e.target.value)} /> : d === null ? 'default' : p.anonymizeAfterDays}</td>
                            <td className="num">{canChange && d !== null ? <input aria-label={`${p.category}: days until deletion`} type="number" min={1} max={3650} value={del} onChange={(e) => set('deleteAfterDays', e.target.value)} /> : d === null ? 'default' : p.deleteAfterDays}</td>
                            <td>{p.source === 'default' ? <span className="muted">default</span> : <span title={p.updatedBy ?? ''}>tenant{p.updatedAt ? `, ${p.updatedAt.slice(0, 10)}` : ''}</span>}</td>
                            {canChange ? (
                              <td>
                                {p.source === 'tenant' && d !== null ? <button type="button" className="link" onClick={() => setDraft({ ...draft, [p.category]: null })}>Back to default</button> : null}
                                {d !== undefined ? <button type="button" className="link" onClick={() => { const { [p.category]: _, ...rest } = draft; setDraft(rest); }}>Undo</button> : null}
                              </td>
                            ) : null}
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                </div>
                {canChange ? (
                  <div className="actions">
                    <button
                      type="button"
                      disabled={!dirty || busy !== null}
                      onClick={async () => {
                        setBusy('preview');
                        setError(null);
                        try {
                          setPreview({ for: key, data: await api.send<Preview>('POST', PREVIEW, { policies: changes }) });
                        } catch (e) {
                          setError(e);
                        } finally {
                          setBusy(null);
                        }
                      }}
                    >
                      {busy === 'preview' ? 'Counting…' : 'Preview the effect'}
                    </button>
                    <button
                      type="button"
                      className="danger"
                      disabled={!dirty || preview?.for !== key || busy !== null}
                      title={preview?.for !== key ? 'Preview the effect first' : undefined}
                      onClick={async () => {
                        setBusy('save');
                        setError(null);
                        try {
                          await api.send('PUT', PATH, { policies: changes });
                          setDraft({});
                          setSaved(true);
                          loaded.reload();
                        } catch (e) {
                          setError(e);
                        } finally {
                          setBusy(null);
                        }
                      }}
                    >
                      {busy === 'save' ? 'Saving…' : 'Save policy'}
                    </button>
                    {!dirty ? <span className="muted">Change a period to preview its effect.</span> : preview?.for !== key ? <span className="muted">Preview the effect before saving.</span> : null}
                  </div>
                ) : null}
                {error ? <ErrorNote error={error} /> : null}
                {saved ? <p className="state ok" role="status">Policy saved. The next retention run applies it; the change is in the audit log.</p> : null}
              </form>
              {preview && preview.for === key ? <PreviewTable preview={preview.data} /> : null}
            </>
          );
        }}
      </Show>
    </section>
  );
}

function delta(now: number, then: number) {
  const d = then - now;
  if (d === 0) return <span className="muted">no change</span>;
  return <strong className={d > 0 ? 'up' : 'down'}>{d > 0 ? '+' : '−'}{formatNumber(Math.abs(d))}</strong>;
}

function PreviewTable({ preview }: { preview: Preview }) {
  const rows = preview.categories.filter((c) => c.changed);
  return (
    <section className="card preview" aria-labelledby="preview-h" aria-live="polite">
      <h2 id="preview-h">Effect of this change (dry run)</h2>
      <p className="muted">Rows a retention run would change if it ran now ({new Date(preview.at).toLocaleString()}), under the saved policy and under the proposed one. Nothing has been changed yet.
        {preview.heldSubjects > 0 ? ` ${preview.heldSubjects} people under legal hold are left out.` : ''}
        {preview.heldByTenantHold ? ' The whole tenant is under a legal hold: a run changes nothing until it is released.' : ''}</p>
      <div className="table-wrap">
        <table>
          <thead>
            <tr><th scope="col">Category</th><th scope="col">Policy</th><th scope="col" className="num">Anonymised now → then</th><th scope="col" className="num">Deleted now → then</th></tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr key={c.category}>
                <th scope="row"><code>{c.category}</code></th>
                <td>{c.current.anonymizeAfterDays}/{c.current.deleteAfterDays} → <strong>{c.proposed.anonymizeAfterDays}/{c.proposed.deleteAfterDays}</strong> days</td>
                <td className="num" data-testid={`preview-anonymize-${c.category}`}>{formatNumber(c.now.anonymize)} → {formatNumber(c.then.anonymize)} ({delta(c.now.anonymize, c.then.anonymize)})</td>
                <td className="num" data-testid={`preview-delete-${c.category}`}>{formatNumber(c.now.delete)} → {formatNumber(c.then.delete)} ({delta(c.now.delete, c.then.delete)})</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
