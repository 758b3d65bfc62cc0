import { useState } from 'preact/hooks';
import { t } from '../i18n';
import { login, session } from '../session';
import { useSignal } from '../state';
import { ErrorBanner, Field, FormModal, notify } from '../ui/components';
import { api, ApiError } from '../api';

export function LoginView({ expired, signedOut }: { expired?: boolean; signedOut?: boolean }) {
  const s = useSignal(session);
  const [principal, setPrincipal] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [signingUp, setSigningUp] = useState(false);

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
        {signedOut && !expired && (
          <p class="banner ok" role="status">
            {t('login.signedOut')}
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
        {s.info.auth_mode === 'oidc_auth' && (
          <a class="button" href={`/c/oidc/login?redirect_url=${encodeURIComponent(location.pathname + location.search)}`}>
            {t('oidc.loginVia', { name: s.info.oidc_provider_name || 'OIDC' })}
          </a>
        )}
        {s.info.self_registration && (
          <p class="hint">
            {t('login.selfRegistration')}{' '}
            <button type="button" class="link" onClick={() => setSigningUp(true)}>
              {t('login.signUp')}
            </button>
          </p>
        )}
      </form>
      {signingUp && (
        <SignUp
          onClose={() => setSigningUp(false)}
          onDone={(name) => {
            setSigningUp(false);
            setPrincipal(name);
            notify(t('login.signedUp', { name }));
          }}
        />
      )}
    </main>
  );
}

/** Self-registration (when the system allows it): an anonymous POST /users. */
function SignUp({ onClose, onDone }: { onClose: () => void; onDone: (name: string) => void }) {
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [realname, setRealname] = useState('');
  const [password, setPassword] = useState('');
  const v = (set: (x: string) => void) => (e: Event) => set((e.target as HTMLInputElement).value);
  return (
    <FormModal
      title={t('login.signUp')}
      submitLabel={t('login.signUp')}
      onClose={onClose}
      onSubmit={async () => {
        await api.create('/users', { username, email, realname, password });
        onDone(username);
      }}
    >
      <Field label={t('users.username')}>{(id) => <input id={id} required autoComplete="username" value={username} onInput={v(setUsername)} />}</Field>
      <Field label={t('users.email')}>{(id) => <input id={id} type="email" required value={email} onInput={v(setEmail)} />}</Field>
      <Field label={t('users.realname')}>{(id) => <input id={id} required value={realname} onInput={v(setRealname)} />}</Field>
      <Field label={t('users.password')} hint={t('users.passwordRule')}>
        {(id) => <input id={id} type="password" required autoComplete="new-password" value={password} onInput={v(setPassword)} />}
      </Field>
    </FormModal>
  );
}
