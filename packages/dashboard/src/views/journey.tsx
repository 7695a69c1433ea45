import { useState } from 'react';
import { analyticsQuery } from '../components/analytics-frame.tsx';
import { FilterBar } from '../components/filters.tsx';
import { LearnerPanel } from '../components/learner-panel.tsx';
import { setParams, type Route } from '../router.ts';

/** One learner's engagement, journey and risk, by the app's user id (owners and admins). */
export function JourneyView({ route }: { route: Route }) {
  const learner = route.params.get('learner') ?? '';
  const [draft, setDraft] = useState(learner);
  return (
    <section>
      <h1 tabIndex={-1}>Learner journey</h1>
      <p className="lead">One learner's rhythm, streak, time on the platform, recent completions and dropout-risk factors. Opening it is recorded; analysts cannot open it.</p>
      <form className="filters" onSubmit={(e) => { e.preventDefault(); setParams(route, { learner: draft.trim() }); }}>
        <label>Learner (the app's user id) <input name="learner" value={draft} onChange={(e) => setDraft(e.target.value)} required /></label>
        <button type="submit">Open</button>
      </form>
      <FilterBar route={route} showLevel={false} />
      {learner ? <LearnerPanel key={learner} userId={learner} withRisk query={analyticsQuery(route, { privacy_level: undefined })} /> : <p className="state empty">Name a learner, or open one from the list of learners at risk.</p>}
    </section>
  );
}
