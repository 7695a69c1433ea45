import type { ApiKeyKind } from '../store/ports.ts';
import { ALLOW, deny, type Decision } from './decision.ts';
import type { Principal } from './principal.ts';
import { refusal } from './roles.ts';

function ingestWith(kind: ApiKeyKind, p: Principal, tenantId: string | null): Decision {
  if (p.kind === 'api-key' && tenantId !== null && p.tenantId === tenantId && p.key.kind === kind) return ALLOW;
  if (p.kind === 'api-key') return deny(`A ${p.key.kind} key may not send events here; use a ${kind} key.`, 'EBB_WRONG_KEY_KIND');
  return deny(refusal(p, `send events; use a ${kind} key`));
}

/** Server-to-server ingest: a server key of the tenant, nothing else. Ingest keys can only write. */
export const canIngestFromServer = (p: Principal, tenantId: string | null): Decision => ingestWith('server', p, tenantId);

/** Browser ingest: a browser key of the tenant (its origin allow-list is checked by the route). */
export const canIngestFromBrowser = (p: Principal, tenantId: string | null): Decision => ingestWith('browser', p, tenantId);
