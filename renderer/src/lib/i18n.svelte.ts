// The UI language: Vietnamese unless the user picked English (remembered) or the URL says ?lang=en.
import { en, vi, type MessageKey } from './messages.js';

export type Locale = 'vi' | 'en';
const KEY = 'workbench-locale';

function initialLocale(): Locale {
  const fromUrl = new URLSearchParams(location.search).get('lang');
  if (fromUrl === 'en' || fromUrl === 'vi') return fromUrl;
  return localStorage.getItem(KEY) === 'en' ? 'en' : 'vi';
}

class I18n {
  locale = $state<Locale>(initialLocale());

  set(locale: Locale): void {
    this.locale = locale;
    localStorage.setItem(KEY, locale);
    document.documentElement.lang = locale;
  }

  /** The visible string. */
  t(key: MessageKey): string {
    return this.locale === 'vi' ? vi[key] : en[key];
  }

  /**
   * The accessible name of a control. In Vietnamese it also carries the English word, so English-speaking staff
   * using a screen reader, and scripts written against the English names, find the same control.
   */
  name(key: MessageKey, params: Record<string, string | number> = {}): string {
    const v = fillIn(vi[key], params);
    const e = fillIn(en[key], params);
    return this.locale === 'vi' && v !== e ? `${v} (${e})` : e;
  }

  /** The visible string with `{name}` placeholders filled in. */
  fill(key: MessageKey, params: Record<string, string | number>): string {
    return fillIn(this.t(key), params);
  }
}

function fillIn(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export const i18n = new I18n();
