import type { AnchorHTMLAttributes, ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { locale, t, type MessageKey } from '../i18n';
import { contrast } from './color';
import { time } from './format';
import { navigate, location } from '../router';
import { signal, useSignal } from '../state';

export function Link(props: { href: string; class?: string; children: ComponentChildren } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const { href, children, ...rest } = props;
  const cur = useSignal(location);
  const current = cur.path === href;
  return (
    <a
      {...rest}
      href={href}
      aria-current={current ? 'page' : rest['aria-current']}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}

/** The lead sentence for a refusal of the API, by HTTP status. */
function statusMessage(status: number): string {
  if (status === 400) return t('errors.badRequest');
  if (status === 401) return t('errors.unauthorized');
  if (status === 403) return t('errors.forbidden');
  if (status === 404) return t('errors.notFound');
  if (status === 409) return t('errors.conflict');
  if (status === 412) return t('errors.precondition');
  if (status === 413) return t('errors.tooLarge');
  if (status === 429) return t('errors.tooMany');
  if (status >= 500) return t('errors.server');
  return t('errors.generic');
}

/**
 * What to tell the user about a failure. The API's messages are English: in English they are shown
 * as they are; in another language the user reads a translated sentence for the kind of refusal,
 * with the server's own words after it for whoever helps them.
 */
export function messageOf(e: unknown): string {
  if (e instanceof ApiError) {
    if (locale.get() === 'en') return e.message;
    return e.message ? t('errors.withDetail', { message: statusMessage(e.status), detail: e.message }) : statusMessage(e.status);
  }
  // fetch() rejects with a TypeError when the server cannot be reached at all
  if (e instanceof TypeError && /fetch|network/i.test(e.message)) return t('errors.network');
  if (e instanceof Error) return e.message;
  return String(e);
}

export function ErrorBanner({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <div class="banner error" role="alert">
      {messageOf(error)}
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <div class="empty">{children}</div>;
}

export function Spinner({ label }: { label?: string }) {
  return (
    <div class="spinner" role="status" aria-live="polite">
      <span class="dot" aria-hidden="true" />
      {label ?? t('common.loading')}
    </div>
  );
}

/** A labelled control; its hint has the id `${id}-hint`, for the control's aria-describedby. */
export function Field(props: {
  label: string;
  hint?: string;
  children: (id: string) => ComponentChildren;
}) {
  const id = useRef(`f${Math.random().toString(36).slice(2, 9)}`).current;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.children(id)}
      {props.hint && (
        <small class="hint" id={`${id}-hint`}>
          {props.hint}
        </small>
      )}
    </div>
  );
}

/**
 * A text input bound to a pattern whose rule is said in words: the browser's refusal states the rule
 * (not "Please match the requested format"), and the field is marked invalid while it breaks it.
 * Use inside a Field whose hint is the rule.
 */
export function PatternInput(props: {
  id: string;
  name: string;
  pattern: string;
  rule: string;
  value: string;
  onValue: (value: string) => void;
  required?: boolean;
  maxLength?: number;
}) {
  const ref = useRef<HTMLInputElement>(null);
  const invalid = props.value !== '' && !new RegExp(`^(?:${props.pattern})$`).test(props.value);
  useEffect(() => {
    ref.current?.setCustomValidity(invalid ? props.rule : '');
  }, [invalid, props.rule]);
  return (
    <input
      ref={ref}
      id={props.id}
      name={props.name}
      required={props.required}
      maxLength={props.maxLength}
      pattern={props.pattern}
      aria-invalid={invalid ? 'true' : undefined}
      aria-describedby={`${props.id}-hint`}
      value={props.value}
      onInput={(e) => props.onValue((e.target as HTMLInputElement).value)}
    />
  );
}

/** A point in time, formatted for the reader, kept on one line, with the exact value for machines. */
export function Time({ iso }: { iso?: string | null }) {
  const shown = time(iso);
  if (!iso || shown === '—') return <>{shown}</>;
  return (
    <time dateTime={iso} title={iso}>
      {shown}
    </time>
  );
}

/** The row under a form with its submit button: "Save" unless told otherwise. */
export function SubmitRow({ label }: { label?: string }) {
  return (
    <div class="actions">
      <button type="submit" class="primary">
        {label ?? t('common.save')}
      </button>
    </div>
  );
}

// ---------------------------------------------------------------- modal dialogs

export function Modal(props: {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  footer?: ComponentChildren;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const first = ref.current?.querySelector<HTMLElement>(
      'input:not([type=hidden]),select,textarea,button:not(.close),[tabindex="0"]',
    );
    (first ?? ref.current)?.focus();
    return () => previous?.focus?.();
  }, []);
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      props.onClose();
      return;
    }
    if (e.key !== 'Tab' || !ref.current) return;
    // keep the focus inside the dialog
    const items = [...ref.current.querySelectorAll<HTMLElement>('a[href],button,input,select,textarea,[tabindex="0"]')].filter(
      (el) => !(el as HTMLButtonElement).disabled,
    );
    if (!items.length) return;
    const first = items[0];
    const last = items[items.length - 1];
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };
  const titleId = useRef(`m${Math.random().toString(36).slice(2, 9)}`).current;
  return (
    <div class="backdrop" onMouseDown={(e) => e.target === e.currentTarget && props.onClose()}>
      <div
        class={props.wide ? 'modal wide' : 'modal'}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        ref={ref}
        onKeyDown={onKey}
      >
        <header>
          <h2 id={titleId}>{props.title}</h2>
          <button type="button" class="close" aria-label={t('common.close')} onClick={props.onClose}>
            ×
          </button>
        </header>
        <div class="modal-body">{props.children}</div>
        {props.footer && <footer>{props.footer}</footer>}
      </div>
    </div>
  );
}

/** A form in a modal: runs submit, shows the API's error, closes on success. */
export function FormModal(props: {
  title: string;
  submitLabel: string;
  onClose: () => void;
  onSubmit: () => Promise<void>;
  children: ComponentChildren;
  danger?: boolean;
  wide?: boolean;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await props.onSubmit();
    } catch (err) {
      setError(err);
      setBusy(false);
      return;
    }
    setBusy(false);
  };
  return (
    <Modal title={props.title} onClose={props.onClose} wide={props.wide}>
      <form onSubmit={submit}>
        {props.children}
        <ErrorBanner error={error} />
        <div class="actions">
          <button type="button" onClick={props.onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" class={props.danger ? 'danger' : 'primary'} disabled={busy}>
            {busy ? t('common.working') : props.submitLabel}
          </button>
        </div>
      </form>
    </Modal>
  );
}

interface ConfirmRequest {
  message: string;
  confirmLabel: string;
  resolve: (ok: boolean) => void;
}
const confirmState = signal<ConfirmRequest | null>(null);

/** Asks before a destructive action; resolves true when confirmed. */
export function confirmAction(message: string, confirmLabel = t('common.delete')): Promise<boolean> {
  return new Promise((resolve) => confirmState.set({ message, confirmLabel, resolve }));
}

export function ConfirmHost() {
  const req = useSignal(confirmState);
  if (!req) return null;
  const done = (ok: boolean) => {
    confirmState.set(null);
    req.resolve(ok);
  };
  return (
    <Modal title={t('common.confirm')} onClose={() => done(false)}>
      <p>{req.message}</p>
      <div class="actions">
        <button type="button" onClick={() => done(false)}>
          {t('common.cancel')}
        </button>
        <button type="button" class="danger" onClick={() => done(true)}>
          {req.confirmLabel}
        </button>
      </div>
    </Modal>
  );
}

// ---------------------------------------------------------------- notifications

interface Toast {
  id: number;
  text: string;
  kind: 'ok' | 'error';
}
const toasts = signal<Toast[]>([]);
let toastId = 0;

export function notify(text: string, kind: 'ok' | 'error' = 'ok') {
  const toast = { id: ++toastId, text, kind };
  toasts.set([...toasts.get(), toast]);
  setTimeout(() => toasts.set(toasts.get().filter((x) => x.id !== toast.id)), kind === 'error' ? 8000 : 4000);
}

/** Takes every notification away (signing out: what the last user was told is not for the next). */
export function clearNotifications() {
  toasts.set([]);
}

export function ToastHost() {
  const list = useSignal(toasts);
  const dismiss = (id: number) => {
    toasts.set(toasts.get().filter((x) => x.id !== id));
    // The focused button is gone: an open dialog takes the focus back, so Escape and Tab work in it again.
    const dialogs = document.querySelectorAll<HTMLElement>('[role="dialog"]');
    dialogs[dialogs.length - 1]?.focus();
  };
  return (
    <div class="toasts" aria-live="polite">
      {list.map((x) => (
        <div key={x.id} class={`toast ${x.kind}`} role={x.kind === 'error' ? 'alert' : 'status'}>
          <span>{x.text}</span>
          <button type="button" class="close" aria-label={t('common.dismiss')} onClick={() => dismiss(x.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

/** Runs an action, tells the outcome in a notification; returns whether it succeeded. */
export async function attempt(action: () => Promise<unknown>, success?: string): Promise<boolean> {
  try {
    await action();
    if (success) notify(success);
    return true;
  } catch (e) {
    notify(messageOf(e), 'error');
    return false;
  }
}

// ---------------------------------------------------------------- small pieces

export function CopyField({ label, value, onCopied }: { label: string; value: string; onCopied?: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      onCopied?.();
      setTimeout(() => setCopied(false), 2000);
    } catch {
      // clipboard refused (not a secure context): select the text so the user can copy it
      const el = document.getElementById(id) as HTMLInputElement | null;
      el?.select();
    }
  };
  const id = useRef(`c${Math.random().toString(36).slice(2, 9)}`).current;
  return (
    <div class="copy-field">
      <label for={id}>{label}</label>
      <div class="row">
        <input id={id} readOnly value={value} onFocus={(e) => (e.target as HTMLInputElement).select()} onCopy={() => onCopied?.()} />
        <button type="button" onClick={copy}>
          {copied ? t('common.copied') : t('common.copy')}
        </button>
      </div>
    </div>
  );
}

/** A small button that copies a value (a command) without showing it in a field. */
export function CopyButton({ value, label, text }: { value: string; label: string; text: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      notify(value);
    }
  };
  return (
    <button type="button" class="small" aria-label={label} title={value} onClick={copy}>
      {copied ? t('common.copied') : text}
    </button>
  );
}

export function Tabs(props: { items: { href: string; label: string }[]; current: string }) {
  return (
    <nav class="tabs" aria-label={t('common.sections')}>
      {props.items.map((i) => (
        // the tab shown is the current page also where the address names no tab (/projects/3)
        <Link key={i.href} href={i.href} class={i.href === props.current ? 'tab active' : 'tab'} aria-current={i.href === props.current ? 'page' : undefined}>
          {i.label}
        </Link>
      ))}
    </nav>
  );
}

export function Badge({ children, tone }: { children: ComponentChildren; tone?: string }) {
  return <span class={`badge ${tone ?? ''}`}>{children}</span>;
}

const RING = '#5b6576';

/**
 * A label with its colour dot. A pale colour (lavender, light yellow) would vanish on a white page,
 * so a dot below 3:1 against white gets a darker ring; the chip's own border stays neutral.
 */
export function LabelChip({ name, color }: { name: string; color?: string }) {
  const fill = color || '#888888';
  const ring = contrast(fill, '#ffffff') >= 3 ? fill : RING;
  return (
    <span class="label-chip">
      <span class="swatch" style={{ background: fill, borderColor: ring }} aria-hidden="true" />
      {name}
    </span>
  );
}

export function PageHeader(props: { title: string; children?: ComponentChildren; crumbs?: { href: string; label: string }[] }) {
  return (
    <div class="page-header">
      {props.crumbs && (
        <nav aria-label={t('common.breadcrumb')} class="crumbs">
          {props.crumbs.map((c) => (
            <span key={c.href}>
              <Link href={c.href}>{c.label}</Link> /{' '}
            </span>
          ))}
        </nav>
      )}
      <div class="title-row">
        <h1>{props.title}</h1>
        <div class="header-actions">{props.children}</div>
      </div>
    </div>
  );
}

/** "1 item", "2 items". */
export function totalItems(total: number): string {
  return total === 1 ? t('common.oneItem') : t('common.totalItems', { total });
}

export function Pager(props: { page: number; pageSize: number; total: number; onPage: (p: number) => void }) {
  const pages = Math.max(1, Math.ceil(props.total / props.pageSize));
  return (
    <div class="pager">
      <span>{totalItems(props.total)}</span>
      <button type="button" disabled={props.page <= 1} onClick={() => props.onPage(props.page - 1)} aria-label={t('common.previousPage')}>
        ‹
      </button>
      <span aria-live="polite">{t('common.pageOf', { page: props.page, pages })}</span>
      <button type="button" disabled={props.page >= pages} onClick={() => props.onPage(props.page + 1)} aria-label={t('common.nextPage')}>
        ›
      </button>
    </div>
  );
}

export type Msg = MessageKey;
