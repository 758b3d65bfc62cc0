import { t, type MessageKey } from '../i18n';

export const ROLE_PROJECT_ADMIN = 1;

/** Harbor's project roles, by id. */
export const ROLES: { id: number; key: MessageKey }[] = [
  { id: 1, key: 'role.projectAdmin' },
  { id: 4, key: 'role.maintainer' },
  { id: 2, key: 'role.developer' },
  { id: 3, key: 'role.guest' },
  { id: 5, key: 'role.limitedGuest' },
];

export function roleName(id: number): string {
  const r = ROLES.find((x) => x.id === id);
  return r ? t(r.key) : String(id);
}
