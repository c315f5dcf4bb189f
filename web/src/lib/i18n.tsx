import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { en, nl, type Catalogue, type MessageKey } from './messages';
import * as f from './format';
import type { Locale } from './format';

const catalogues: Record<Locale, Catalogue> = { nl, en };
const STORAGE_KEY = 'woonzorg.locale';

export interface I18n {
  locale: Locale;
  setLocale: (locale: Locale) => void;
  t: (key: MessageKey, params?: Record<string, string | number>) => string;
  /** Look up a key built at run time (e.g. `status${status}`); falls back to the raw value. */
  tx: (key: string, fallback?: string) => string;
  number: (value: string | number | null | undefined, maxFraction?: number) => string;
  percent: (value: string | number | null | undefined) => string;
  date: (value: string | null | undefined) => string;
  dateTime: (value: string | null | undefined) => string;
  period: (value: string | null | undefined) => string;
  /** "2025-07" → "juli 2025". */
  month: (value: string) => string;
  /** The Dutch or English name of a vocabulary entry. */
  name: (entry: { nameNl: string; nameEn: string } | null | undefined) => string;
}

export function translate(locale: Locale, key: MessageKey, params?: Record<string, string | number>): string {
  let text: string = catalogues[locale][key] ?? nl[key];
  if (params) for (const [k, v] of Object.entries(params)) text = text.replaceAll(`{${k}}`, String(v));
  return text;
}

function initialLocale(): Locale {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === 'en' || stored === 'nl') return stored;
  } catch {
    /* storage unavailable: Dutch */
  }
  return 'nl';
}

const I18nContext = createContext<I18n | null>(null);

export function makeI18n(locale: Locale, setLocale: (l: Locale) => void = () => {}): I18n {
  return {
    locale,
    setLocale,
    t: (key, params) => translate(locale, key, params),
    tx: (key, fallback) => (key in nl ? translate(locale, key as MessageKey) : (fallback ?? key)),
    number: (v, m) => f.formatNumber(v, locale, m),
    percent: (v) => f.formatPercent(v, locale),
    date: (v) => f.formatDate(v, locale),
    dateTime: (v) => f.formatDateTime(v, locale),
    period: (v) => f.formatPeriod(v, locale),
    month: (v) => f.formatMonth(v, locale),
    name: (e) => (e ? (locale === 'nl' ? e.nameNl : e.nameEn) : '–'),
  };
}

export function I18nProvider({ children, locale: forced }: { children: ReactNode; locale?: Locale }) {
  const [locale, setLocaleState] = useState<Locale>(forced ?? initialLocale);
  const setLocale = useCallback((l: Locale) => {
    setLocaleState(l);
    try {
      localStorage.setItem(STORAGE_KEY, l);
    } catch {
      /* ignore */
    }
    document.documentElement.lang = l;
  }, []);
  const value = useMemo(() => makeI18n(locale, setLocale), [locale, setLocale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
