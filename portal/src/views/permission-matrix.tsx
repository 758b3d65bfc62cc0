// Harbor's permission matrix for robot accounts: one row per resource, one column per action, a
// checkbox where the server says the pair may be granted (GET /permissions), nothing elsewhere.
import { t } from '../i18n';
import { word } from '../i18n/words';

export interface Permission {
  resource: string;
  action: string;
}

/** Columns in Harbor's reading order; an action the server adds later goes last. */
const ACTION_ORDER = ['list', 'read', 'create', 'update', 'delete', 'pull', 'push', 'stop'];

export function PermissionMatrix(props: { legend: string; available: Permission[]; chosen: Set<string>; onChange: (chosen: Set<string>) => void }) {
  const resources = [...new Set(props.available.map((p) => p.resource))];
  const present = new Set(props.available.map((p) => p.action));
  const actions = [...ACTION_ORDER.filter((a) => present.has(a)), ...[...present].filter((a) => !ACTION_ORDER.includes(a))];
  const has = new Set(props.available.map((p) => `${p.resource}:${p.action}`));
  const set = (keys: string[], on: boolean) => {
    const next = new Set(props.chosen);
    for (const k of keys) {
      if (on) next.add(k);
      else next.delete(k);
    }
    props.onChange(next);
  };
  const all = [...has];
  return (
    <fieldset class="matrix">
      <legend>{props.legend}</legend>
      <div class="row">
        <button type="button" class="small" onClick={() => set(all, true)}>
          {t('robots.selectAll')}
        </button>
        <button type="button" class="small" onClick={() => set(all, false)}>
          {t('robots.clearAll')}
        </button>
        <span class="hint">{t('robots.chosenOf', { n: all.filter((k) => props.chosen.has(k)).length, total: all.length })}</span>
      </div>
      <div class="matrix-scroll">
        <table>
          <caption class="sr-only">{props.legend}</caption>
          <thead>
            <tr>
              <th scope="col">{t('robots.resource')}</th>
              {actions.map((a) => (
                <th key={a} scope="col">
                  {word('permAction', a)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {resources.map((r) => (
              <tr key={r}>
                <th scope="row">{word('permResource', r)}</th>
                {actions.map((a) => {
                  const k = `${r}:${a}`;
                  return (
                    <td key={a} class="cell">
                      {has.has(k) && (
                        <input
                          type="checkbox"
                          aria-label={t('robots.grant', { resource: word('permResource', r), action: word('permAction', a) })}
                          checked={props.chosen.has(k)}
                          onChange={(e) => set([k], (e.target as HTMLInputElement).checked)}
                        />
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </fieldset>
  );
}
