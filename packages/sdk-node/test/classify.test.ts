import { describe, expect, it } from 'vitest';
import { DEFAULT_TAXONOMY } from '@ebb/contracts';
import { createClassifier } from '../src/classify.ts';
import { DEFAULT_RULES } from '../src/default-rules.ts';

const classify = createClassifier(DEFAULT_RULES);
const typeOf = (method: string, route: string, status = 200) => classify({ method, route, status })?.type ?? null;

describe('default classification (learning platform)', () => {
  it('names quest actions from route templates, whatever the parameter is called and under any prefix', () => {
    expect(typeOf('POST', '/quests/:id/start')).toBe('quest_started');
    expect(typeOf('POST', '/api/quests/:questId/start')).toBe('quest_started');
    expect(typeOf('POST', '/api/v1/quests/:quest_id/complete')).toBe('quest_completed');
    expect(typeOf('GET', '/api/quests/:questId')).toBe('quest_viewed');
    expect(typeOf('POST', '/api/badges/:badgeId/claim')).toBe('badge_claimed');
    expect(typeOf('POST', '/api/tasks/:taskId/evidence')).toBe('evidence_uploaded');
    expect(typeOf('GET', '/parent/dashboard')).toBe('parent_dashboard_opened');
  });

  it('treats a template parameter, not a literal segment, as an id', () => {
    expect(typeOf('GET', '/api/quests/popular')).toBeNull();
    expect(typeOf('GET', '/api/quests/*')).toBe('quest_viewed');
  });

  it('respects the method and the whole tail of the route', () => {
    expect(typeOf('GET', '/quests/:id/start')).toBeNull();
    expect(typeOf('POST', '/quests/:id/start/now')).toBeNull();
    expect(typeOf('POST', '/myquests/:id/start')).toBeNull();
  });

  it('counts only successful actions, tells login success from failure, and reports server errors', () => {
    expect(typeOf('POST', '/quests/:id/start', 409)).toBeNull();
    expect(typeOf('POST', '/auth/login', 200)).toBe('login_success');
    expect(typeOf('POST', '/auth/login', 401)).toBe('login_failed');
    expect(typeOf('POST', '/quests/:id/start', 500)).toBe('api_error');
    expect(typeOf('GET', '/anything', 503)).toBe('api_error');
  });

  it('uses only types of the default taxonomy', () => {
    for (const rule of DEFAULT_RULES) expect(DEFAULT_TAXONOMY[rule.type], rule.type).toBeDefined();
  });
});

describe('custom rules', () => {
  it('takes the first match, with RegExp routes, method lists, exact statuses and categories', () => {
    const c = createClassifier([
      { method: ['PUT', 'PATCH'], route: '/lessons/:id', type: 'lesson_edited', category: 'authoring' },
      { route: /^\/reports\//, status: 200, type: 'report_viewed' },
      { route: '/lessons/:id', type: 'lesson_touched' },
    ]);
    expect(c({ method: 'PATCH', route: '/lessons/:id', status: 200 })).toEqual({ type: 'lesson_edited', category: 'authoring' });
    expect(c({ method: 'GET', route: '/lessons/:id', status: 200 })).toEqual({ type: 'lesson_touched' });
    expect(c({ method: 'GET', route: '/reports/:id', status: 200 })).toEqual({ type: 'report_viewed' });
    expect(c({ method: 'GET', route: '/reports/:id', status: 404 })).toBeNull();
  });
});
