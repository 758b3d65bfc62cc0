import { session } from '../session';
import type { User } from '../types';

export const ADMIN: User = { user_id: 1, username: 'admin', email: 'a@x.io', realname: 'Admin', sysadmin_flag: true };
export const ALICE: User = { user_id: 7, username: 'alice', email: 'alice@x.io', realname: 'Alice', sysadmin_flag: false };

export function signedInAs(user: User, info: Record<string, unknown> = {}) {
  session.set({ user, expired: false, info: { registry_url: 'reg.example:5000', external_url: 'https://reg.example:5000', ...info } });
}
