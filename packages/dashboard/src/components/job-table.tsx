import { useEffect } from 'react';
import { humanize, isObj, listOf, pick, type Obj } from '../api/envelope.ts';
import type { Loaded } from '../api/use-api.ts';
import { Countdown } from './countdown.tsx';
import { DataTable } from './data-table.tsx';
import { Show } from './states.tsx';

export const JOBS_PATH = '/api/v1/privacy/jobs';

export const jobId = (j: Obj) => String(pick(j, 'id', 'jobId') ?? '');
export const jobState = (j: Obj) => String(pick(j, 'state', 'status') ?? '');
const graceOf = (j: Obj) => pick(j, 'graceDeadline', 'grace_deadline', 'graceUntil');
/** A signed download link the job carries when its file is ready. */
export const downloadOf = (j: Obj): string | null => {
  const d = pick(j, 'downloadUrl', 'download_url', 'download');
  if (typeof d === 'string') return d;
  if (isObj(d) && typeof d.url === 'string') return d.url;
  return null;
};
/** Jobs still moving on their own (a scheduled erasure waits out its grace period). */
const MOVING = new Set(['pending', 'running']);
const CANCELLABLE = new Set(['pending', 'scheduled']);

/** Counts and outcome a job recorded, in words. */
function resultText(j: Obj): string {
  const r = pick(j, 'result', 'counts');
  if (!isObj(r)) return '';
  return Object.entries(r).filter(([, v]) => typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean').slice(0, 6).map(([k, v]) => `${humanize(k)}: ${String(v)}`).join(', ');
}

/** Privacy jobs with state, grace countdown, cancel, download link; reloads while any is in progress. */
export function JobTable({ loaded, onCancel, caption }: { loaded: Loaded<unknown> & { reload: () => void }; onCancel?: (job: Obj) => void; caption: string }) {
  const jobs = loaded.status === 'ok' ? listOf(loaded.data, 'jobs', 'items') : [];
  const busy = jobs.some((j) => MOVING.has(jobState(j)));
  useEffect(() => {
    if (!busy) return;
    const t = setTimeout(loaded.reload, 1500);
    return () => clearTimeout(t);
  }, [busy, loaded]);
  return (
    <Show loaded={loaded} path={JOBS_PATH} what="jobs">
      {() => (
        <DataTable<Obj>
          caption={caption}
          rows={jobs}
          rowKey={jobId}
          empty="No jobs."
          columns={[
            { key: 'kind', header: 'Kind', render: (j) => String(pick(j, 'kind', 'type') ?? '') },
            { key: 'about', header: 'About', render: (j) => { const s = pick(j, 'subjectId', 'subject'); return s ? <code>{String(s)}</code> : 'the whole tenant'; } },
            { key: 'state', header: 'State', sortBy: jobState, render: (j) => <span className={`badge job-${jobState(j)}`} data-testid={`job-state-${jobId(j)}`}>{jobState(j)}</span> },
            { key: 'created', header: 'Requested', sortBy: (j) => String(pick(j, 'createdAt') ?? ''), render: (j) => { const c = pick(j, 'createdAt'); return typeof c === 'string' ? <time dateTime={c}>{new Date(c).toLocaleString()}</time> : '—'; } },
            { key: 'grace', header: 'Grace period', render: (j) => { const g = graceOf(j); return jobState(j) === 'scheduled' && typeof g === 'string' ? <Countdown until={g} /> : '—'; } },
            { key: 'result', header: 'Outcome', render: (j) => <>{resultText(j)}{pick(j, 'error') ? <span className="state error"> {String(pick(j, 'error'))}</span> : null}</> },
            {
              key: 'act', header: 'Actions', render: (j) => {
                const url = downloadOf(j);
                return (
                  <span className="row-actions">
                    {url ? <a href={url} download data-testid={`download-${jobId(j)}`}>Download</a> : null}
                    {onCancel && CANCELLABLE.has(jobState(j)) ? <button type="button" className="link danger" onClick={() => onCancel(j)}>Cancel</button> : null}
                  </span>
                );
              },
            },
          ]}
        />
      )}
    </Show>
  );
}
