// The UI language: Vietnamese unless the user picked English (remembered) or the URL says ?lang=en.
import { fillIn, type Locale } from './fill-in.js';
import { en, vi, type MessageKey } from './messages.js';

export type { Locale };
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
    const v = fillIn(vi[key], params, 'vi');
    const e = fillIn(en[key], params, 'en');
    return this.locale === 'vi' && v !== e ? `${v} (${e})` : e;
  }

  /** The visible string with `{name}` placeholders filled in. */
  fill(key: MessageKey, params: Record<string, string | number>): string {
    return fillIn(this.t(key), params, this.locale);
  }
}

export const i18n = new I18n();
