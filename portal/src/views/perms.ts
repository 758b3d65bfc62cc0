import { api, seg } from '../api';
import { isAdmin } from '../session';
import type { Perms } from '../types';

/** The caller's permissions in a project (Harbor's /users/current/permissions, relative). */
export async function projectPerms(projectId: number): Promise<Perms> {
  if (isAdmin()) return { has: () => true, admin: true };
  const list = await api.get<{ resource: string; action: string }[]>('/users/current/permissions', {
    scope: `/project/${seg(projectId)}`,
    relative: true,
  });
  const set = new Set(list.map((p) => `${p.resource}:${p.action}`));
  return {
    has: (resource, action) => set.has(`${resource}:${action}`),
    admin: set.has('member:create'),
  };
}
