-- The seeds' design, for comparison: seed 001's user_activity_events with its indexes.
DROP TABLE IF EXISTS user_activity_events;
CREATE TABLE user_activity_events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id text,
  session_id text,
  event_type text NOT NULL,
  event_category text,
  event_data jsonb DEFAULT '{}'::jsonb,
  page_url text,
  referrer_url text,
  user_agent text,
  ip_address text,
  duration_ms integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  anonymized_at timestamptz
);
CREATE INDEX idx_activity_events_created_brin ON user_activity_events USING brin (created_at);
CREATE INDEX idx_activity_events_user ON user_activity_events (user_id, created_at DESC);
CREATE INDEX idx_activity_events_type ON user_activity_events (event_type, created_at DESC);
CREATE INDEX idx_activity_events_data ON user_activity_events USING gin (event_data);
