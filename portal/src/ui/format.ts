import { locale } from '../i18n';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function bytes(n: number | undefined | null): string {
  if (n === undefined || n === null || Number.isNaN(n)) return '—';
  if (n < 0) return '∞';
  let v = n;
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(v < 10 ? 2 : 1)} ${UNITS[i]}`;
}

const ZERO_TIME = '0001-01-01';

export function time(iso: string | undefined | null): string {
  if (!iso || iso.startsWith(ZERO_TIME)) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(locale.get(), { dateStyle: 'medium', timeStyle: 'short' });
}

export function shortDigest(digest: string): string {
  const [alg, hex] = digest.split(':');
  return hex ? `${alg}:${hex.slice(0, 12)}` : digest;
}

/** Unix seconds, -1 for never. */
export function epoch(seconds: number | undefined): string {
  if (seconds === undefined || seconds < 0) return '—';
  return time(new Date(seconds * 1000).toISOString());
}
