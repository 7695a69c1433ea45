import { useCallback, useEffect, useRef, useState } from 'react';
import { isUnavailable } from './api-error.ts';
import type { Query } from './client.ts';
import { useSession } from '../auth/session.tsx';

export type Loaded<T> =
  | { status: 'loading'; data?: undefined; error?: undefined }
  | { status: 'ok'; data: T; error?: undefined }
  | { status: 'error'; data?: undefined; error: unknown }
  | { status: 'unavailable'; data?: undefined; error: unknown };

/**
 * Loads `path` with `query` whenever either changes (null: load nothing). An endpoint the
 * server does not have is `unavailable`, so views can say so instead of failing.
 */
export function useApi<T>(path: string | null, query: Query = {}): Loaded<T> & { reload: () => void } {
  const { api } = useSession();
  const [state, setState] = useState<Loaded<T>>({ status: 'loading' });
  const [nonce, setNonce] = useState(0);
  const key = path === null ? null : JSON.stringify([path, query]);
  const seq = useRef(0);

  useEffect(() => {
    if (path === null) return;
    const mine = ++seq.current;
    setState({ status: 'loading' });
    api.get<T>(path, query).then(
      (data) => { if (seq.current === mine) setState({ status: 'ok', data }); },
      (error: unknown) => { if (seq.current === mine) setState(isUnavailable(error) ? { status: 'unavailable', error } : { status: 'error', error }); },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, nonce, api]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { ...state, reload };
}
