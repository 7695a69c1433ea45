import type { ClassificationRule } from './classify.ts';

const OK = [200, 399] as const;

/**
 * Request classification for a learning platform, after the default taxonomy: server failures
 * first, then the actions that change a learner's journey. Only successful requests count as the
 * action; a refused `POST /quests/:id/start` did not start a quest.
 */
export const DEFAULT_RULES: ReadonlyArray<ClassificationRule> = Object.freeze([
  { status: [500, 599], type: 'api_error' },
  { method: 'POST', route: '/auth/login', status: OK, type: 'login_success' },
  { method: 'POST', route: '/auth/login', status: [400, 499], type: 'login_failed' },
  { method: 'POST', route: '/auth/logout', status: OK, type: 'logout' },
  { method: 'POST', route: '/quests/:id/start', status: OK, type: 'quest_started' },
  { method: 'POST', route: '/quests/:id/complete', status: OK, type: 'quest_completed' },
  { method: ['POST', 'DELETE'], route: '/quests/:id/abandon', status: OK, type: 'quest_abandoned' },
  { method: 'GET', route: '/quests/:id', status: OK, type: 'quest_viewed' },
  { method: 'POST', route: '/tasks/:id/complete', status: OK, type: 'task_completed' },
  { method: 'POST', route: '/tasks/:id/evidence', status: OK, type: 'evidence_uploaded' },
  { method: 'GET', route: '/tasks/:id', status: OK, type: 'task_viewed' },
  { method: 'POST', route: '/badges/:id/claim', status: OK, type: 'badge_claimed' },
  { method: 'GET', route: '/badges/:id', status: OK, type: 'badge_viewed' },
  { method: 'POST', route: '/tutor/messages', status: OK, type: 'tutor_message_sent' },
  { method: 'POST', route: '/tutor/conversations/:id/messages', status: OK, type: 'tutor_message_sent' },
  { method: 'POST', route: '/tutor/conversations', status: OK, type: 'tutor_opened' },
  { method: 'POST', route: '/connections/:id/accept', status: OK, type: 'connection_accepted' },
  { method: 'POST', route: '/connections', status: OK, type: 'connection_request_sent' },
  { method: 'GET', route: '/users/:id/profile', status: OK, type: 'profile_viewed' },
  { method: 'GET', route: '/profiles/:id', status: OK, type: 'profile_viewed' },
  { method: 'POST', route: '/parent/evidence', status: OK, type: 'parent_evidence_uploaded' },
  { method: 'GET', route: '/parent/dashboard', status: OK, type: 'parent_dashboard_opened' },
] satisfies ClassificationRule[]);
