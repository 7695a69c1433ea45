import type { ReactNode } from 'react';
import { errorText } from '../api/api-error.ts';
import type { Loaded } from '../api/use-api.ts';

export function Loading({ what }: { what?: string }) {
  return <p className="state loading" role="status" aria-live="polite"><span className="spinner" aria-hidden="true" />Loading{what ? ` ${what}` : ''}…</p>;
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="state empty">{children}</p>;
}

/** The API's own message, in words. */
export function ErrorNote({ error }: { error: unknown }) {
  return <p className="state error" role="alert">{errorText(error)}</p>;
}

/** The server has no such endpoint: said plainly, with the address it was looked for at. */
export function Unavailable({ path }: { path: string }) {
  return (
    <p className="state unavailable" role="status">
      Not available on this server: it has no <code>{path}</code> endpoint yet. This view fills in once the server provides it.
    </p>
  );
}

/** Renders a loaded value, or its loading, error or unavailable state. */
export function Show<T>({ loaded, path, children, what }: { loaded: Loaded<T>; path: string; what?: string; children: (data: T) => ReactNode }) {
  switch (loaded.status) {
    case 'loading': return <Loading what={what} />;
    case 'error': return <ErrorNote error={loaded.error} />;
    case 'unavailable': return <Unavailable path={path} />;
    case 'ok': return <>{children(loaded.data)}</>;
  }
}
