// The page the OIDC callback sends a new user to: they choose the name Berth will know them by
// (POST /c/oidc/onboard, which signs them in), then go on where they were going.
import { useState } from 'preact/hooks';
import { csrfToken } from '../api';
import { t } from '../i18n';
import { location, navigate, registerRoute } from '../router';
import { checkSession } from '../session';
import { useSignal } from '../state';
import { ErrorBanner, Field } from '../ui/components';

/** Where to go after onboarding: a path on this site only. */
export function localTarget(raw: string | null): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/';
  return raw;
}

export function OidcOnboardView() {
  const loc = useSignal(location);
  const params = new URLSearchParams(loc.search);
  const [username, setUsername] = useState(params.get('username') ?? '');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await fetch('/c/oidc/onboard', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-Harbor-CSRF-Token': csrfToken() },
        body: JSON.stringify({ username }),
      });
      if (!r.ok) {
        const body = await r.json().catch(() => null);
        const message = body?.errors?.[0]?.message;
        throw new Error(r.status === 409 ? t('oidc.onboardTaken') : message || `HTTP ${r.status}`);
      }
      await checkSession();
      navigate(localTarget(params.get('redirect_url')), true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="onboard-title">
      <h1 id="onboard-title">{t('oidc.onboardTitle')}</h1>
      <p class="hint">{t('oidc.onboardHint')}</p>
      <Field label={t('login.username')}>
        {(id) => <input id={id} name="username" required autoFocus value={username} onInput={(e) => setUsername((e.target as HTMLInputElement).value)} />}
      </Field>
      <ErrorBanner error={error} />
      <button type="submit" class="primary" disabled={busy}>
        {busy ? t('common.working') : t('oidc.onboardSubmit')}
      </button>
    </form>
  );
}

registerRoute({ path: '/oidc-onboard', view: OidcOnboardView, title: 'oidc.onboardTitle', anonymous: true });
