import { useEffect, useState } from 'preact/hooks';
import { clearNotifications, ErrorBanner, Link, ConfirmHost, ToastHost, Spinner } from './ui/components';
import { localeNames, locale, setLocale, t, type Locale, catalogs } from './i18n';
import { allRoutes, location, match, navigate } from './router';
import { checkSession, isAdmin, logout, refreshInfo, session, verifySession } from './session';
import { useSignal } from './state';
import { LoginView } from './views/login';
import { bannerActive, parseBanner } from './ui/banner';

export function App() {
  const s = useSignal(session);
  const loc = useSignal(location);
  useSignal(locale);
  const [bootError, setBootError] = useState<unknown>(null);

  useEffect(() => {
    checkSession().catch(setBootError);
  }, []);

  useEffect(() => {
    if (loc.path === '/' || loc.path === '') navigate('/projects', true);
    else verifySession();
  }, [loc.path]);

  useEffect(() => {
    // coming back to the tab: the session may have ended and the system may have changed mode
    const onVisible = () => {
      if (document.visibilityState !== 'visible') return;
      verifySession();
      refreshInfo();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, []);

  const m = match(loc.path);
  useEffect(() => {
    document.title = m ? `${t(m.route.title)} · Berth` : 'Berth';
  }, [m?.route, locale.get()]);

  if (bootError) return <ErrorBanner error={bootError} />;
  if (s.user === undefined) return <Spinner />;

  let content;
  if (!m) {
    content = <p class="empty">{t('app.notFound')}</p>;
  } else if (!m.route.anonymous && !s.user) {
    return (
      <Shell>
        <LoginView expired={s.expired} signedOut={s.signedOut} />
      </Shell>
    );
  } else if (m.route.admin && !isAdmin()) {
    content = <p class="banner error">{t('app.adminOnly')}</p>;
  } else {
    const View = m.route.view;
    content = <View key={loc.path} params={m.params} />;
  }

  return (
    <Shell>
      <div class="layout">
        <SideNav admin={isAdmin()} current={loc.path} />
        <main id="main" tabIndex={-1}>
          {content}
        </main>
      </div>
    </Shell>
  );
}

function SideNav({ admin, current }: { admin: boolean; current: string }) {
  const entries = allRoutes().filter((r) => r.nav && (!r.admin || admin));
  const section = (name: 'main' | 'admin') =>
    entries
      .filter((r) => r.nav!.section === name)
      .sort((a, b) => a.nav!.order - b.nav!.order)
      .map((r) => (
        <li key={r.path}>
          <Link href={r.path} class={current === r.path || current.startsWith(r.path + '/') ? 'active' : ''}>
            {t(r.title)}
          </Link>
        </li>
      ));
  return (
    <nav class="sidenav" aria-label={t('app.navigation')}>
      <ul>{section('main')}</ul>
      {admin && (
        <>
          <h2>{t('app.administration')}</h2>
          <ul>{section('admin')}</ul>
        </>
      )}
    </nav>
  );
}

function Shell({ children }: { children: preact.ComponentChildren }) {
  const s = useSignal(session);
  const l = useSignal(locale);
  return (
    <>
      <a class="skip" href="#main">
        {t('app.skipToContent')}
      </a>
      <header class="topbar">
        <Link href="/projects" class="brand">
          <span aria-hidden="true">⚓</span> Berth
        </Link>
        <div class="spacer" />
        <label class="lang">
          <span class="sr-only">{t('app.language')}</span>
          <select value={l} onChange={(e) => setLocale((e.target as HTMLSelectElement).value as Locale)}>
            {(Object.keys(catalogs) as Locale[]).map((k) => (
              <option key={k} value={k}>
                {localeNames[k]}
              </option>
            ))}
          </select>
        </label>
        {s.user && (
          <>
            <Link href="/account" class="user" data-testid="current-user">
              {s.user.username}
              {isAdmin() ? ` (${t('app.sysadmin')})` : ''}
            </Link>
            <button
              type="button"
              class="link"
              onClick={() => {
                // what the signed-in user was told is not for whoever signs in next
                clearNotifications();
                logout().then(() => navigate('/projects'));
              }}
            >
              {t('app.logout')}
            </button>
          </>
        )}
      </header>
      <AdminBanner raw={s.info.banner_message} />
      {s.info.read_only && (
        <div class="banner warn read-only" role="status" data-testid="read-only">
          {t('app.readOnly')}
        </div>
      )}
      {children}
      <ConfirmHost />
      <ToastHost />
    </>
  );
}

/** The administrator's banner_message, shown to everyone while it is in force. */
function AdminBanner({ raw }: { raw?: string }) {
  const [closed, setClosed] = useState<string | null>(() => sessionStorage.getItem('berth.banner.closed'));
  const banner = parseBanner(raw);
  if (!banner || !bannerActive(banner, new Date()) || (banner.closable && closed === raw)) return null;
  const kind = banner.type === 'danger' ? 'error' : banner.type === 'success' ? 'ok' : banner.type === 'warning' ? 'warn' : 'info';
  return (
    <div class={`banner ${kind} admin-banner`} role="status" data-testid="admin-banner">
      <span>{banner.message}</span>
      {banner.closable && (
        <button
          type="button"
          class="link"
          aria-label={t('app.bannerClose')}
          onClick={() => {
            sessionStorage.setItem('berth.banner.closed', raw ?? '');
            setClosed(raw ?? '');
          }}
        >
          ×
        </button>
      )}
    </div>
  );
}
