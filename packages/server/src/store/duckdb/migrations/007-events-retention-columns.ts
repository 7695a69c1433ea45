/**
 * Two columns on `events` so that anonymising a row is a plain UPDATE of columns, with no join
 * and no look into JSON:
 *
 * - `data_category`: the data category whose retention policy governs the row: `errors` when the
 *   event has an `error_events` row, `learning_events` when it has a `learning_events` row (an
 *   event with both is an error, as ingest decides), else `events`. Ingest writes it with the
 *   rows that share the event; here it is filled in from those rows. (The `category` column is
 *   the app's own taxonomy, which a client may set to anything: it cannot decide retention.)
 * - `identifying_props`: the top-level property keys that name a person (the pattern below, the
 *   inventory's `IDENTIFYING_PROP_KEY` when this migration was written), with their pseudonymised
 *   values. Ingest keeps them out of `props`; here they are moved out of the stored `props`,
 *   however the JSON spells them. Anonymisation clears the column.
 *
 * A later change of `IDENTIFYING_PROP_KEY` needs a migration like this one for the keys it adds
 * (a test holds the two together).
 */
export const IDENTIFYING_PROP_KEY_AT_007 = '(?i)^(user|student|learner|recipient|sender|parent|guardian|child|teacher|member|friend|author|owner|target_user|actor)_?id$';

const keys = `list_filter(json_keys(props), lambda k: regexp_matches(k, '${IDENTIFYING_PROP_KEY_AT_007}'))`;

export const sql = `
ALTER TABLE events ADD COLUMN data_category VARCHAR DEFAULT 'events';
ALTER TABLE events ADD COLUMN identifying_props JSON;
UPDATE events SET data_category = 'learning_events' WHERE id IN (SELECT event_id FROM learning_events);
UPDATE events SET data_category = 'errors' WHERE id IN (SELECT event_id FROM error_events);
UPDATE events SET
  identifying_props = to_json(map_from_entries(list_transform(${keys}, lambda k: {'k': k, 'v': json_extract(props, '$."' || k || '"')}))),
  props = json_merge_patch(props, to_json(map_from_entries(list_transform(${keys}, lambda k: {'k': k, 'v': NULL::JSON}))))
WHERE props IS NOT NULL AND json_type(props) = 'OBJECT' AND len(${keys}) > 0;
UPDATE events SET props = NULL WHERE identifying_props IS NOT NULL AND CAST(props AS VARCHAR) = '{}'
`;
