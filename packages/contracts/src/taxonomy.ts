/**
 * The default event taxonomy: event type -> category. Events of other types are accepted
 * too; their category is whatever the client sends, or "custom".
 */
export const DEFAULT_TAXONOMY: Readonly<Record<string, string>> = Object.freeze({
  page_view: 'navigation',
  route_change: 'navigation',
  page_exit: 'navigation',
  quest_viewed: 'quest',
  quest_started: 'quest',
  quest_abandoned: 'quest',
  quest_completed: 'quest',
  task_viewed: 'quest',
  task_completed: 'quest',
  evidence_uploaded: 'quest',
  badge_viewed: 'badge',
  badge_claimed: 'badge',
  badge_earned: 'badge',
  tutor_opened: 'tutor',
  tutor_message_sent: 'tutor',
  tutor_safety_flag: 'tutor',
  connection_request_sent: 'community',
  connection_accepted: 'community',
  profile_viewed: 'community',
  login_success: 'auth',
  login_failed: 'auth',
  logout: 'auth',
  session_expired: 'auth',
  parent_dashboard_opened: 'parent',
  parent_evidence_uploaded: 'parent',
  javascript_error: 'error',
  api_error: 'error',
  network_error: 'error',
  assessment_submitted: 'learning',
  activity_completed: 'learning',
  goal_progress: 'learning',
});

export const DEFAULT_CATEGORY = 'custom';

export function categoryFor(type: string, given?: string): string {
  return given ?? DEFAULT_TAXONOMY[type] ?? DEFAULT_CATEGORY;
}
