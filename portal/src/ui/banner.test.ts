import { describe, expect, it } from 'vitest';
import { bannerActive, parseBanner } from './banner';

describe('banner_message', () => {
  it("reads Harbor's stringified object", () => {
    const b = parseBanner('{"closable":true,"message":"Maintenance tonight","type":"warning","fromDate":"06/19/2023","toDate":"06/21/2023"}');
    expect(b).toMatchObject({ message: 'Maintenance tonight', type: 'warning', closable: true });
    expect(bannerActive(b!, new Date(2023, 5, 19, 8))).toBe(true);
    expect(bannerActive(b!, new Date(2023, 5, 21, 23))).toBe(true);
    expect(bannerActive(b!, new Date(2023, 5, 22, 0, 1))).toBe(false);
    expect(bannerActive(b!, new Date(2023, 5, 18, 23))).toBe(false);
  });

  it('shows plain text as an information banner, and nothing for empty values', () => {
    expect(parseBanner('Hello')).toEqual({ message: 'Hello', type: 'info', closable: false });
    expect(parseBanner('')).toBeNull();
    expect(parseBanner('{"message":""}')).toBeNull();
    expect(parseBanner('{"message":"x","type":"bogus"}')?.type).toBe('info');
  });
});

describe('banner editing', () => {
  it("writes Harbor's format, and an empty message clears the banner", async () => {
    const { formatBanner, toInputDate } = await import('./banner');
    const raw = formatBanner({ message: 'Upgrade tonight', type: 'danger', closable: true, fromDate: '2026-12-07', toDate: '2026-12-08' });
    expect(JSON.parse(raw)).toEqual({ closable: true, message: 'Upgrade tonight', type: 'danger', fromDate: '12/07/2026', toDate: '12/08/2026' });
    const back = parseBanner(raw)!;
    expect(toInputDate(back.fromDate)).toBe('2026-12-07');
    expect(toInputDate(back.toDate)).toBe('2026-12-08');
    expect(formatBanner({ message: '  ', type: 'info', closable: false, fromDate: '', toDate: '' })).toBe('');
  });
});
