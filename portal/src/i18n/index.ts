// Message catalogs: every string the portal shows comes from here. English is the reference
// catalog; the others must have exactly its keys (checked by the compiler).
import { en, type MessageKey } from './en';
import { zhCN } from './zh-CN';
import { signal } from '../state';

export type { MessageKey };
export const catalogs = { en, 'zh-CN': zhCN } as const;
export type Locale = keyof typeof catalogs;
export const localeNames: Record<Locale, string> = { en: 'English', 'zh-CN': '简体中文' };

const STORAGE_KEY = 'berth.locale';

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved && saved in catalogs) return saved as Locale;
  } catch {
    // storage unavailable
  }
  const nav = typeof navigator !== 'undefined' ? navigator.language : 'en';
  return nav.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export const locale = signal<Locale>(initialLocale());

export function setLocale(l: Locale) {
  locale.set(l);
  try {
    // Only the language preference is kept in the browser: never a secret.
    localStorage.setItem(STORAGE_KEY, l);
  } catch {
    // storage unavailable
  }
  document.documentElement.lang = l;
}

export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const text: string = catalogs[locale.get()][key] ?? en[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}
