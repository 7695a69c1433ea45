import type { Clock } from '../core/clock.ts';
import { EbbError } from '../core/errors.ts';
import { uuidv7 } from '../core/ids.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { DEFAULT_TENANT_SETTINGS, type ControlStore, type Tenant, type TenantSettings } from '../store/ports.ts';
import type { ApiKeyService } from './api-keys.ts';

export interface CreatedTenant {
  tenantId: string;
  name: string;
  /** Shown once; only hashes are stored. */
  keys: { server: string; browser: string; admin: string };
}

export interface TenantService {
  create(input: { name: string; browserOrigins?: string[]; actor: string }): Promise<CreatedTenant>;
  get(id: string): Promise<Tenant>;
  list(): Promise<Tenant[]>;
  /** Changes the settings named in `changes`, audits old and new values, and returns the tenant. */
  updateSettings(input: { tenantId: string; changes: SettingsChange; actor: string }): Promise<{ tenant: Tenant; changed: Array<keyof TenantSettings> }>;
}

/** Settings a tenant's owners may change through the API (the scrubbing lists are set by operators). */
export type SettingsChange = Partial<Pick<TenantSettings, 'privacySignals' | 'parentalConsentUnder' | 'withoutParentalConsent' | 'minGroupSize'>>;

export const TENANT_NAME = /^[\p{L}\p{N}][\p{L}\p{N} _.'-]{0,99}$/u;

export function createTenantService(deps: { store: ControlStore; keys: ApiKeyService; audit: AuditLog; clock: Clock }): TenantService {
  const { store, keys, audit, clock } = deps;
  const settingsCache = new Map<string, Tenant>();
  return {
    async create({ name, browserOrigins, actor }) {
      const trimmed = name.trim();
      if (!TENANT_NAME.test(trimmed)) {
        throw new EbbError('EBB_VALIDATION_FAILED', 'A tenant name is 1-100 characters of letters, digits, spaces and _ . \' -, starting with a letter or digit.');
      }
      if (await store.findTenantByName(trimmed)) throw new EbbError('EBB_CONFLICT', `A tenant named "${trimmed}" exists already. Pick another name.`);
      const tenant: Tenant = { id: `t_${uuidv7(clock.now().getTime()).replaceAll('-', '').slice(0, 20)}`, name: trimmed, createdAt: clock.now(), settings: { ...DEFAULT_TENANT_SETTINGS } };
      await store.createTenant(tenant);
      await audit.record({ tenantId: tenant.id, actor, action: 'tenant.created', target: tenant.id, details: { name: trimmed } });
      const server = await keys.create({ tenantId: tenant.id, kind: 'server', name: 'first server key', actor });
      const browser = await keys.create({ tenantId: tenant.id, kind: 'browser', name: 'first browser key', allowedOrigins: browserOrigins, actor });
      const admin = await keys.create({ tenantId: tenant.id, kind: 'admin', name: 'first admin key', actor });
      return { tenantId: tenant.id, name: trimmed, keys: { server: server.key, browser: browser.key, admin: admin.key } };
    },
    async get(id) {
      const cached = settingsCache.get(id);
      if (cached) return cached;
      const t = await store.getTenant(id);
      if (!t) throw new EbbError('EBB_TENANT_NOT_FOUND', `No tenant has the id "${id}".`);
      settingsCache.set(id, t);
      return t;
    },
    list: () => store.listTenants(),

    async updateSettings({ tenantId, changes, actor }) {
      const t = await store.getTenant(tenantId);
      if (!t) throw new EbbError('EBB_TENANT_NOT_FOUND', `No tenant has the id "${tenantId}".`);
      const changed = (Object.keys(changes) as Array<keyof SettingsChange>).filter((k) => changes[k] !== undefined && changes[k] !== t.settings[k]);
      if (changed.length === 0) return { tenant: t, changed: [] };
      const settings: TenantSettings = { ...t.settings, ...Object.fromEntries(changed.map((k) => [k, changes[k]])) };
      await store.updateTenantSettings(tenantId, settings);
      settingsCache.delete(tenantId);
      await audit.record({
        tenantId, actor, action: 'tenant.settings_changed', target: tenantId,
        details: { from: Object.fromEntries(changed.map((k) => [k, t.settings[k]])), to: Object.fromEntries(changed.map((k) => [k, settings[k]])) },
      });
      return { tenant: { ...t, settings }, changed };
    },
  };
}
