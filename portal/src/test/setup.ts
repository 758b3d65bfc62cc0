import { afterEach, vi } from 'vitest';
import { unmount } from './harness';
import { session } from '../session';
import { setLocale } from '../i18n';

afterEach(() => {
  unmount();
  vi.unstubAllGlobals();
  session.set({ user: undefined, expired: false, info: {} });
  setLocale('en');
  document.cookie = '__csrf=; Max-Age=0; Path=/';
  history.replaceState(null, '', '/');
});
