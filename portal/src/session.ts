// Who is signed in, and what the system says about itself. Nothing here is persisted: the
// session itself is an HttpOnly cookie the page never sees.
import { api, setUnauthorizedHandler, signIn, signOut, ApiError } from './api';
import { signal } from './state';
import type { SystemInfo, User } from './types';

export interface SessionState {
  /** undefined while the first check runs. */
  user: User | null | undefined;
  expired: boolean;
  /** The user signed out in this tab: the sign-in page says so. */
  signedOut?: boolean;
  info: SystemInfo;
}

export const session = signal<SessionState>({ user: undefined, expired: false, info: {} });

function update(patch: Partial<SessionState>) {
  session.set({ ...session.get(), ...patch });
}

setUnauthorizedHandler(() => {
  if (session.get().user) update({ user: null, expired: true });
});

/** Reads /systeminfo again (read-only mode, self-registration, external URL). */
export async function refreshInfo() {
  try {
    update({ info: await api.get<SystemInfo>('/systeminfo') });
  } catch {
    // the page still works without it
  }
}

export async function checkSession(): Promise<void> {
  try {
    const user = await api.get<User>('/users/current', undefined, { quiet401: true });
    update({ user, expired: false, signedOut: false });
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) throw e;
    update({ user: null });
  }
  await refreshInfo();
}

/**
 * Checks that the signed-in session still lives. Public pages answer anonymous callers too, so a
 * session that ended (idle timeout, sign-out elsewhere) would otherwise go unnoticed there.
 */
export async function verifySession(): Promise<void> {
  if (!session.get().user) return;
  try {
    await api.get<User>('/users/current', undefined, { quiet401: true });
  } catch (e) {
    if (e instanceof ApiError && e.status === 401 && session.get().user) update({ user: null, expired: true });
  }
}

export async function login(principal: string, password: string): Promise<void> {
  await signIn(principal, password);
  await checkSession();
}

/** Leaving the app for a server page (kept in an object so tests can watch it). */
export const browser = { assign: (url: string) => window.location.assign(url) };

export async function logout(): Promise<void> {
  const provider = await signOut();
  update({ user: null, expired: false, signedOut: true });
  if (provider) {
    // An OIDC user: the session ends at /c/oidc/logout, which may go on to the provider. The page is
    // being left: never settle, so that no caller moves the app on (a pushState now would cancel
    // the navigation in Chromium).
    browser.assign(provider);
    return new Promise<void>(() => {});
  }
  await refreshInfo();
}

export function isAdmin(): boolean {
  const user = session.get().user;
  return !!(user?.sysadmin_flag || user?.admin_role_in_auth);
}
