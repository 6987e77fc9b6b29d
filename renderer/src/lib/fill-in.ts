// The one filler of message templates. `{name}` takes a parameter; `{name|one|other}` writes the form that agrees
// with the number `name` under the language's plural rules, so English reads "1 finished document" and "2 finished
// documents". Vietnamese nouns do not change with the number, so its templates need no choice (a choice there still
// works: its rules pick "other"). Plain TS: unit-tested in test/unit/renderer/.
export type Locale = 'vi' | 'en';

const rules = new Map<Locale, Intl.PluralRules>();
function pluralOf(locale: Locale, n: number): Intl.LDMLPluralRule {
  let r = rules.get(locale);
  if (!r) rules.set(locale, (r = new Intl.PluralRules(locale)));
  return r.select(n);
}

const PLACEHOLDER = /\{(\w+)(?:\|([^|{}]*)\|([^|{}]*))?\}/g;

/** `template` with its placeholders filled from `params` (one missing stays as written, so it shows in review). */
export function fillIn(template: string, params: Record<string, string | number>, locale: Locale): string {
  return template.replace(PLACEHOLDER, (whole, name: string, one?: string, other?: string) => {
    if (!(name in params)) return whole;
    if (one === undefined || other === undefined) return String(params[name]);
    return pluralOf(locale, Number(params[name])) === 'one' ? one : other;
  });
}
