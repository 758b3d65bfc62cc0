// Harbor's banner_message: the administrator's notice shown at the top of every page. Harbor stores
// it as a stringified object, {"message","type","closable","fromDate","toDate"} with dates as
// MM/DD/YYYY; a value that is not such an object is shown as it is, as an information banner.

export type BannerType = 'info' | 'warning' | 'danger' | 'success';

export interface Banner {
  message: string;
  type: BannerType;
  closable: boolean;
  fromDate?: Date;
  toDate?: Date;
}

const TYPES: BannerType[] = ['info', 'warning', 'danger', 'success'];

function parseDate(value: unknown): Date | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value.trim());
  if (m) return new Date(Number(m[3]), Number(m[1]) - 1, Number(m[2]));
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** The banner a stored value describes; null when there is nothing to show. */
export function parseBanner(raw: string | undefined | null): Banner | null {
  if (!raw || raw.trim() === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { message: raw, type: 'info', closable: false };
  }
  if (typeof parsed !== 'object' || parsed === null) return { message: raw, type: 'info', closable: false };
  const o = parsed as Record<string, unknown>;
  const message = typeof o.message === 'string' ? o.message : '';
  if (message.trim() === '') return null;
  const type = TYPES.includes(o.type as BannerType) ? (o.type as BannerType) : 'info';
  return { message, type, closable: o.closable === true, fromDate: parseDate(o.fromDate), toDate: parseDate(o.toDate) };
}

/** Whether the banner is in force on `now`'s day (both dates included, as in Harbor's portal). */
export function bannerActive(banner: Banner, now: Date): boolean {
  const day = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  if (banner.fromDate && day < banner.fromDate) return false;
  if (banner.toDate && day > banner.toDate) return false;
  return true;
}

/** `YYYY-MM-DD` (a date input's value) as Harbor's `MM/DD/YYYY`; empty stays empty. */
export function toHarborDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[2]}/${m[3]}/${m[1]}` : '';
}

/** A date as a date input's value. */
export function toInputDate(d: Date | undefined): string {
  if (!d) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The stored value for a banner, in Harbor's format; empty when there is no message. */
export function formatBanner(b: { message: string; type: BannerType; closable: boolean; fromDate: string; toDate: string }): string {
  if (b.message.trim() === '') return '';
  return JSON.stringify({
    closable: b.closable,
    message: b.message,
    type: b.type,
    fromDate: toHarborDate(b.fromDate),
    toDate: toHarborDate(b.toDate),
  });
}
