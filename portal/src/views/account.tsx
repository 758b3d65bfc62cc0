// The signed-in user's profile and password; and the global search.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { t } from '../i18n';
import { location, navigate, pathOf, registerRoute } from '../router';
import { checkSession, session } from '../session';
import { useSignal } from '../state';
import { attempt, Empty, ErrorBanner, Field, Link, PageHeader, Spinner, SubmitRow } from '../ui/components';

function AccountView() {
  const s = useSignal(session);
  const user = s.user!;
  const [email, setEmail] = useState(user.email);
  const [realname, setRealname] = useState(user.realname);
  const [comment, setComment] = useState(user.comment ?? '');
  const [oldPassword, setOld] = useState('');
  const [newPassword, setNew] = useState('');
  const saveProfile = async (e: Event) => {
    e.preventDefault();
    if (await attempt(() => api.put(`/users/${user.user_id}`, { email, realname, comment }), t('common.saved'))) await checkSession();
  };
  const savePassword = async (e: Event) => {
    e.preventDefault();
    if (await attempt(() => api.put(`/users/${user.user_id}/password`, { old_password: oldPassword, new_password: newPassword }), t('account.passwordChanged'))) {
      setOld('');
      setNew('');
    }
  };
  const v = (set: (x: string) => void) => (e: Event) => set((e.target as HTMLInputElement).value);
  return (
    <section>
      <PageHeader title={t('account.title', { name: user.username })} />
      <div class="panels">
        <form class="card" onSubmit={saveProfile}>
          <h2>{t('account.profile')}</h2>
          <Field label={t('users.email')}>{(id) => <input id={id} type="email" required value={email} onInput={v(setEmail)} />}</Field>
          <Field label={t('users.realname')}>{(id) => <input id={id} required value={realname} onInput={v(setRealname)} />}</Field>
          <Field label={t('users.comment')}>{(id) => <input id={id} maxLength={30} value={comment} onInput={v(setComment)} />}</Field>
          <SubmitRow />
        </form>
        {user.oidc_user_meta && <CliSecret userId={user.user_id} secret={user.oidc_user_meta.secret ?? ''} />}
        {(s.info.auth_mode ?? 'db_auth') === 'db_auth' || user.username === 'admin' ? (
        <form class="card" onSubmit={savePassword}>
          <h2>{t('account.changePassword')}</h2>
          <Field label={t('account.oldPassword')}>{(id) => <input id={id} type="password" autoComplete="current-password" required value={oldPassword} onInput={v(setOld)} />}</Field>
          <Field label={t('users.newPassword')} hint={t('users.passwordRule')}>
            {(id) => <input id={id} type="password" autoComplete="new-password" required value={newPassword} onInput={v(setNew)} />}
          </Field>
          <SubmitRow label={t('account.changePassword')} />
        </form>
        ) : null}
      </div>
    </section>
  );
}

/** The OIDC user's CLI secret (the password for docker, podman, skopeo): shown on demand, regenerated. */
function CliSecret({ userId, secret }: { userId: number; secret: string }) {
  const [shown, setShown] = useState(false);
  const regenerate = async () => {
    if (await attempt(() => api.put(`/users/${userId}/cli_secret`, { secret: '' }), t('account.cliSecretRegenerated'))) await checkSession();
  };
  return (
    <div class="card">
      <h2>{t('account.cliSecret')}</h2>
      <p class="hint">{t('account.cliSecretHint')}</p>
      <Field label={t('account.cliSecret')}>
        {(id) => (shown ? <input id={id} name="cli_secret" readOnly type="text" value={secret} /> : <input id={id} name="cli_secret" readOnly type="password" value={secret} />)}
      </Field>
      <div class="actions">
        <button type="button" onClick={() => setShown(!shown)}>
          {shown ? t('account.cliSecretHide') : t('account.cliSecretShow')}
        </button>
        <button type="button" onClick={regenerate}>
          {t('account.cliSecretRegenerate')}
        </button>
      </div>
    </div>
  );
}

interface SearchResult {
  project?: { project_id: number; name: string }[];
  repository?: { project_id: number; project_name: string; repository_name: string; artifact_count?: number }[];
}

function SearchView() {
  const loc = useSignal(location);
  const initial = new URLSearchParams(loc.search).get('q') ?? '';
  const [term, setTerm] = useState(initial);
  const [result, setResult] = useState<SearchResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const q = term.trim();
    if (!q) return setResult(null);
    setBusy(true);
    const h = setTimeout(() => {
      api
        .get<SearchResult>('/search', { q })
        .then((r) => {
          setResult(r);
          setError(null);
        })
        .catch(setError)
        .finally(() => setBusy(false));
    }, 250);
    return () => clearTimeout(h);
  }, [term]);
  return (
    <section>
      <PageHeader title={t('search.title')} />
      <Field label={t('search.label')}>{(id) => <input id={id} type="search" autoFocus value={term} onInput={(e) => setTerm((e.target as HTMLInputElement).value)} />}</Field>
      <ErrorBanner error={error} />
      {busy && <Spinner />}
      {result && (
        <div class="panels">
          <div class="card">
            <h2>{t('projects.title')}</h2>
            {result.project?.length ? (
              <ul>
                {result.project.map((p) => (
                  <li key={p.project_id}>
                    <Link href={`/projects/${p.project_id}/repositories`}>{p.name}</Link>
                  </li>
                ))}
              </ul>
            ) : (
              <Empty>{t('search.none')}</Empty>
            )}
          </div>
          <div class="card">
            <h2>{t('repositories.title')}</h2>
            {result.repository?.length ? (
              <ul>
                {result.repository.map((r) => (
                  <li key={r.repository_name}>
                    <Link href={pathOf('projects', r.project_id, 'repositories', r.repository_name.slice(r.project_name.length + 1))}>{r.repository_name}</Link>
                  </li>
                ))}
              </ul>
            ) : (
              <Empty>{t('search.none')}</Empty>
            )}
          </div>
        </div>
      )}
    </section>
  );
}

/**
 * Harbor's sign-in page address, where an OIDC provider sends the browser back after signing out
 * (post_logout_redirect_uri): signed out, the app shows its sign-in form; signed in, the projects.
 */
function SignInPage() {
  useEffect(() => navigate('/projects', true), []);
  return <Spinner />;
}

registerRoute({ path: '/account', view: AccountView, title: 'account.nav' });
registerRoute({ path: '/account/sign-in', view: SignInPage, title: 'login.title' });
registerRoute({ path: '/search', view: SearchView, title: 'search.title', nav: { section: 'main', order: 20 } });
