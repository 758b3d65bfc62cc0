import { afterEach, vi } from 'vitest';
import { unmount } from './harness';
import { session } from '../session';
import { setLocale } from '../i18n';
import { location } from '../router';
import { clearNotifications } from '../ui/components';

const START = '/test-start';

afterEach(() => {
  unmount();
  vi.unstubAllGlobals();
  session.set({ user: undefined, expired: false, info: {} });
  setLocale('en');
  document.cookie = '__csrf=; Max-Age=0; Path=/';
  // the next test starts on a page that fetches nothing and redirects nowhere (the root would
  // redirect to /projects after the test's own navigate), and with no notification of this one
  history.replaceState(null, '', START);
  location.set({ path: START, search: '' });
  clearNotifications();
});
