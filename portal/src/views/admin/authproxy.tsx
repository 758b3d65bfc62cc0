// HTTP auth proxy: the authentication settings of `http_auth` (inside Configuration → Authentication).
import { t } from '../../i18n';
import { Field } from '../../ui/components';

type Ctl = { value: (k: string) => unknown; set: (k: string, v: unknown) => void; editable: (k: string) => boolean };

/** The auth proxy items of /configurations, in Harbor's order. */
export const AUTHPROXY_ITEMS = [
  'http_authproxy_endpoint',
  'http_authproxy_tokenreview_endpoint',
  'http_authproxy_admin_groups',
  'http_authproxy_admin_usernames',
  'http_authproxy_verify_cert',
  'http_authproxy_skip_search',
  'http_authproxy_server_certificate',
] as const;

type Key = 'endpoint' | 'tokenReview' | 'adminGroups' | 'adminUsernames';

const TEXT_ITEMS: [string, Key][] = [
  ['http_authproxy_endpoint', 'endpoint'],
  ['http_authproxy_tokenreview_endpoint', 'tokenReview'],
  ['http_authproxy_admin_groups', 'adminGroups'],
  ['http_authproxy_admin_usernames', 'adminUsernames'],
];

/** The auth proxy settings form: the login and TokenReview endpoints and who is an administrator. */
export function AuthProxyFields({ ctl }: { ctl: Ctl }) {
  const check = (k: string, label: string, fallback: boolean) => (
    <label class="inline">
      <input type="checkbox" name={k} disabled={!ctl.editable(k)} checked={ctl.value(k) === undefined ? fallback : ctl.value(k) === true} onChange={(e) => ctl.set(k, (e.target as HTMLInputElement).checked)} />
      {label}
    </label>
  );
  return (
    <fieldset class="authproxy">
      <legend>{t('authproxy.settings')}</legend>
      {TEXT_ITEMS.map(([k, key]) => (
        <Field key={k} label={t(`authproxy.${key}`)} hint={t(`authproxy.${key}Hint`)}>
          {(id) => <input id={id} name={k} disabled={!ctl.editable(k)} value={String(ctl.value(k) ?? '')} onInput={(e) => ctl.set(k, (e.target as HTMLInputElement).value)} />}
        </Field>
      ))}
      <Field label={t('authproxy.serverCertificate')} hint={t('authproxy.serverCertificateHint')}>
        {(id) => (
          <textarea id={id} name="http_authproxy_server_certificate" rows={4} disabled={!ctl.editable('http_authproxy_server_certificate')} value={String(ctl.value('http_authproxy_server_certificate') ?? '')} onInput={(e) => ctl.set('http_authproxy_server_certificate', (e.target as HTMLTextAreaElement).value)} />
        )}
      </Field>
      {check('http_authproxy_verify_cert', t('authproxy.verifyCert'), true)}
      {check('http_authproxy_skip_search', t('authproxy.skipSearch'), false)}
    </fieldset>
  );
}
