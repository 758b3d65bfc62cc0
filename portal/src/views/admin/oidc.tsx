// OIDC: the authentication settings (inside Configuration → Authentication, with a connection test).
import { useState } from 'preact/hooks';
import { api } from '../../api';
import { t } from '../../i18n';
import { Field } from '../../ui/components';

type Ctl = { value: (k: string) => unknown; set: (k: string, v: unknown) => void; editable: (k: string) => boolean };

/** The OIDC items of /configurations, in Harbor's order; the client secret is write-only. */
export const OIDC_ITEMS = [
  'oidc_name',
  'oidc_endpoint',
  'oidc_client_id',
  'oidc_client_secret',
  'oidc_groups_claim',
  'oidc_admin_group',
  'oidc_group_filter',
  'oidc_scope',
  'oidc_verify_cert',
  'oidc_auto_onboard',
  'oidc_logout',
  'oidc_user_claim',
  'oidc_extra_redirect_parms',
] as const;

type Key = 'name' | 'endpoint' | 'clientId' | 'groupsClaim' | 'adminGroup' | 'groupFilter' | 'scope' | 'userClaim' | 'extraParms';

const TEXT_ITEMS: [string, Key][] = [
  ['oidc_name', 'name'],
  ['oidc_endpoint', 'endpoint'],
  ['oidc_client_id', 'clientId'],
  ['oidc_groups_claim', 'groupsClaim'],
  ['oidc_admin_group', 'adminGroup'],
  ['oidc_group_filter', 'groupFilter'],
  ['oidc_scope', 'scope'],
  ['oidc_user_claim', 'userClaim'],
  ['oidc_extra_redirect_parms', 'extraParms'],
];

/** The OIDC settings form and its "Test OIDC server" button (which tests the endpoint on screen). */
export function OidcFields({ ctl }: { ctl: Ctl }) {
  const [ping, setPing] = useState<{ ok: boolean; message?: string } | null>(null);
  const [testing, setTesting] = useState(false);
  const text = ([k, key]: [string, Key]) => (
    <Field key={k} label={t(`oidc.${key}`)}>
      {(id) => <input id={id} name={k} disabled={!ctl.editable(k)} value={String(ctl.value(k) ?? '')} onInput={(e) => ctl.set(k, (e.target as HTMLInputElement).value)} />}
    </Field>
  );
  const check = (k: string, label: string, fallback: boolean) => (
    <label class="inline">
      <input type="checkbox" name={k} disabled={!ctl.editable(k)} checked={ctl.value(k) === undefined ? fallback : ctl.value(k) === true} onChange={(e) => ctl.set(k, (e.target as HTMLInputElement).checked)} />
      {label}
    </label>
  );
  const test = async () => {
    setTesting(true);
    setPing(null);
    try {
      await api.post('/system/oidc/ping', { url: ctl.value('oidc_endpoint'), verify_cert: ctl.value('oidc_verify_cert') !== false });
      setPing({ ok: true });
    } catch (e) {
      setPing({ ok: false, message: e instanceof Error ? e.message : String(e) });
    } finally {
      setTesting(false);
    }
  };
  return (
    <fieldset class="oidc">
      <legend>{t('oidc.settings')}</legend>
      {TEXT_ITEMS.slice(0, 3).map(text)}
      <Field label={t('oidc.clientSecret')} hint={t('oidc.clientSecretHint')}>
        {(id) => (
          <input
            id={id}
            name="oidc_client_secret"
            type="password"
            autoComplete="new-password"
            disabled={!ctl.editable('oidc_endpoint')}
            value={String(ctl.value('oidc_client_secret') ?? '')}
            onInput={(e) => ctl.set('oidc_client_secret', (e.target as HTMLInputElement).value)}
          />
        )}
      </Field>
      {TEXT_ITEMS.slice(3).map(text)}
      {check('oidc_verify_cert', t('oidc.verifyCert'), true)}
      {check('oidc_auto_onboard', t('oidc.autoOnboard'), false)}
      {check('oidc_logout', t('oidc.logout'), false)}
      <div class="actions">
        <button type="button" onClick={test} disabled={testing}>
          {t('oidc.test')}
        </button>
      </div>
      {ping && (
        <p role="status" class={ping.ok ? 'ok' : 'field-error'}>
          {ping.ok ? t('oidc.testOk') : t('oidc.testFailed', { message: ping.message ?? '' })}
        </p>
      )}
    </fieldset>
  );
}
