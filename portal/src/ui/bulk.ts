// Bulk actions over selected rows: one request per item, in turn (the API has no batch endpoints),
// and one notification for the whole run that names what failed and why.
import type { MessageKey } from '../i18n';
import { t } from '../i18n';
import { messageOf, notify } from './components';

export async function runBulk<T>(
  items: readonly T[],
  action: (item: T) => Promise<unknown>,
  name: (item: T) => string,
  done: MessageKey,
): Promise<{ ok: number; failed: number }> {
  let ok = 0;
  const failures: string[] = [];
  for (const item of items) {
    try {
      await action(item);
      ok++;
    } catch (e) {
      failures.push(`${name(item)}: ${messageOf(e)}`);
    }
  }
  if (!failures.length) notify(t(done, { n: ok }));
  else notify(t('bulk.partial', { ok, total: items.length, failures: failures.join('; ') }), 'error');
  return { ok, failed: failures.length };
}
