import i18next, { type i18n } from "i18next";
import { en } from "./en";
import { nb, type MessageKey } from "./nb";
import { nn } from "./nn";

export type { MessageKey };
export const LOCALES = ["nb", "nn", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "nb";

const catalogue: i18n = i18next.createInstance();
void catalogue.init({
  initImmediate: false,
  showSupportNotice: false,
  lng: DEFAULT_LOCALE,
  fallbackLng: DEFAULT_LOCALE,
  keySeparator: false,
  nsSeparator: false,
  interpolation: { escapeValue: false },
  resources: { nb: { translation: nb }, nn: { translation: nn }, en: { translation: en } },
});

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** Picks a supported locale from what Teams or the environment says (nb-NO, nn, en-US, no ...). */
export function toLocale(value: string | undefined): Locale {
  const language = (value ?? "").toLowerCase().split(/[-_]/)[0];
  if (language === "nn") return "nn";
  if (language === "en") return "en";
  return DEFAULT_LOCALE;
}

export function translator(locale: Locale): Translate {
  const fixed = catalogue.getFixedT(locale);
  return (key, params) => fixed(key, params ?? {});
}

const DATE_LOCALE: Record<Locale, string> = { nb: "nb-NO", nn: "nn-NO", en: "en-GB" };

/** A number as the reader writes it (36,4 in Norwegian). */
export function formatNumber(locale: Locale, value: number): string {
  return value.toLocaleString(DATE_LOCALE[locale], { maximumFractionDigits: 1 });
}

/** A date as the reader writes it (20.11.2026 in Norwegian). */
export function formatDate(locale: Locale, isoDate: string): string {
  return new Intl.DateTimeFormat(DATE_LOCALE[locale], { day: "2-digit", month: "2-digit", year: "numeric", timeZone: "UTC" }).format(
    new Date(`${isoDate}T00:00:00Z`),
  );
}

export function formatDateTime(locale: Locale, instant: string, timeZone: string): string {
  return new Intl.DateTimeFormat(DATE_LOCALE[locale], { dateStyle: "short", timeStyle: "short", timeZone }).format(new Date(instant));
}
