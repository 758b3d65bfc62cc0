import { useState } from 'preact/hooks';
import { t } from '../i18n';
import { login, session } from '../session';
import { useSignal } from '../state';
import { ErrorBanner, Field } from '../ui/components';
import { ApiError } from '../api';

export function LoginView({ expired }: { expired?: boolean }) {
  const s = useSignal(session);
  const [principal, setPrincipal] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(principal, password);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setError(new Error(t('login.invalid')));
      else if (err instanceof ApiError && err.status === 429) setError(new Error(t('login.throttled')));
      else setError(err);
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="login">
      <form class="card" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">{t('login.title')}</h1>
        {expired && (
          <p class="banner warn" role="status">
            {t('login.expired')}
          </p>
        )}
        <Field label={t('login.username')}>
          {(id) => (
            <input
              id={id}
              name="principal"
              autoComplete="username"
              required
              autoFocus
              value={principal}
              onInput={(e) => setPrincipal((e.target as HTMLInputElement).value)}
            />
          )}
        </Field>
        <Field label={t('login.password')}>
          {(id) => (
            <input
              id={id}
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
            />
          )}
        </Field>
        <ErrorBanner error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t('common.working') : t('login.submit')}
        </button>
        {s.info.self_registration && <p class="hint">{t('login.selfRegistration')}</p>}
      </form>
    </main>
  );
}
