// Dutch (or English) number and date formatting through Intl: 1.080 · 38,5 % · 1 juli 2025.
export type Locale = 'nl' | 'en';

const tags: Record<Locale, string> = { nl: 'nl-NL', en: 'en-GB' };
const NBSP = '\u00a0';

const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: Locale, maxFraction: number): Intl.NumberFormat {
  const key = `${locale}:${maxFraction}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(tags[locale], { maximumFractionDigits: maxFraction });
    numberFormats.set(key, format);
  }
  return format;
}

/** A decimal from the API (a JSON number; older APIs sent a string) as a number; null for missing or not numeric. */
export function toNumber(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

/** 1080 → "1.080"; 12.5 → "12,5". Missing values are an en dash. */
export function formatNumber(value: string | number | null | undefined, locale: Locale = 'nl', maxFraction = 1): string {
  const n = toNumber(value);
  return n === null ? '–' : numberFormat(locale, maxFraction).format(n);
}

/** 38.5 (already a percentage) → "38,5 %"; never capped at 100. */
export function formatPercent(value: string | number | null | undefined, locale: Locale = 'nl'): string {
  const n = toNumber(value);
  if (n === null) return '–';
  return locale === 'nl' ? `${numberFormat(locale, 1).format(n)}${NBSP}%` : `${numberFormat(locale, 1).format(n)}%`;
}

const dateFormats: Record<Locale, Intl.DateTimeFormat> = {
  nl: new Intl.DateTimeFormat('nl-NL', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
  en: new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
};
const dateTimeFormats: Record<Locale, Intl.DateTimeFormat> = {
  nl: new Intl.DateTimeFormat('nl-NL', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Amsterdam' }),
  en: new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Amsterdam' }),
};

/** "2025-07-01" → "1 juli 2025". */
export function formatDate(value: string | null | undefined, locale: Locale = 'nl'): string {
  if (!value) return '–';
  const d = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
  return Number.isNaN(d.getTime()) ? value : dateFormats[locale].format(d);
}

const monthFormats: Record<Locale, Intl.DateTimeFormat> = {
  nl: new Intl.DateTimeFormat('nl-NL', { month: 'long', year: 'numeric', timeZone: 'UTC' }),
  en: new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }),
};

/** "2025-07" → "juli 2025". */
export function formatMonth(value: string, locale: Locale = 'nl'): string {
  const d = new Date(`${value}-01T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? value : monthFormats[locale].format(d);
}

/** An ISO date-time → "1 juli 2025 om 14:05" (Amsterdam time). */
export function formatDateTime(value: string | null | undefined, locale: Locale = 'nl'): string {
  if (!value) return '–';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : dateTimeFormats[locale].format(d);
}

/** A Period scalar for people: 2025-Q3 → "3e kwartaal 2025" / "Q3 2025"; others as they are. */
export function formatPeriod(value: string | null | undefined, locale: Locale = 'nl'): string {
  if (!value) return '–';
  const quarter = /^(\d{4})-Q([1-4])$/.exec(value);
  if (quarter) return locale === 'nl' ? `${quarter[2]}e kwartaal ${quarter[1]}` : `Q${quarter[2]} ${quarter[1]}`;
  const half = /^(\d{4})-H([12])$/.exec(value);
  if (half) return locale === 'nl' ? `${half[2]}e halfjaar ${half[1]}` : `H${half[2]} ${half[1]}`;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDate(value, locale);
  return value.replace('/', '–');
}

/** The last day of a Period, for comparisons ("is it overdue?"). */
export function periodEnd(value: string): Date | null {
  let m = /^(\d{4})$/.exec(value);
  if (m) return new Date(Date.UTC(Number(m[1]), 11, 31));
  m = /^(\d{4})-Q([1-4])$/.exec(value);
  if (m) return new Date(Date.UTC(Number(m[1]), Number(m[2]) * 3, 0));
  m = /^(\d{4})-H([12])$/.exec(value);
  if (m) return new Date(Date.UTC(Number(m[1]), Number(m[2]) * 6, 0));
  m = /^(\d{4})-(\d{2})$/.exec(value);
  if (m) return new Date(Date.UTC(Number(m[1]), Number(m[2]), 0));
  m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (m) return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  m = /^\d{4}\/(\d{4})$/.exec(value);
  if (m) return new Date(Date.UTC(Number(m[1]), 11, 31));
  return null;
}

/** The first day of a Period. */
export function periodStart(value: string): Date | null {
  let m = /^(\d{4})/.exec(value);
  if (!m) return null;
  const year = Number(m[1]);
  if ((m = /^\d{4}-Q([1-4])$/.exec(value))) return new Date(Date.UTC(year, (Number(m[1]) - 1) * 3, 1));
  if ((m = /^\d{4}-H([12])$/.exec(value))) return new Date(Date.UTC(year, (Number(m[1]) - 1) * 6, 1));
  if ((m = /^\d{4}-(\d{2})$/.exec(value))) return new Date(Date.UTC(year, Number(m[1]) - 1, 1));
  if ((m = /^\d{4}-(\d{2})-(\d{2})$/.exec(value))) return new Date(Date.UTC(year, Number(m[1]) - 1, Number(m[2])));
  return new Date(Date.UTC(year, 0, 1));
}
