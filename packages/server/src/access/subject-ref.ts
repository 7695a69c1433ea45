/**
 * A subject a request is about. The pseudonym is always known (computed from the app's user id);
 * the id is null when Ebb has no row for the person yet.
 */
export interface SubjectRef {
  pseudonym: string;
  id: string | null;
}
