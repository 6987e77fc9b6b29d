// Every string a user can see exists in both languages: the message tables are complete and really translated, and
// no component writes English (or Vietnamese) straight into its template or into a visible attribute. The template
// scan is pragmatic: scripts, styles, comments and `{...}` expressions are dropped, and what text is left must be
// punctuation, numbers or symbols.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { en, vi, type MessageKey } from '../../../renderer/src/lib/messages.js';

const RENDERER = join(import.meta.dirname, '..', '..', '..', 'renderer', 'src');

// Words that read the same in both languages (names, units, codes): a Vietnamese string may equal the English one.
const SAME_IN_BOTH = new Set<string>([
  'Email',
  'F1',
  'ONNX Runtime',
  'PyTorch',
  'CPU',
  'GPU',
  'OK',
  'JSONL',
  'brat',
  'CoNLL',
]);
// Text a template may show as it is: each language's own name in the language picker.
const LITERAL_OK = new Set(['Tiếng Việt', 'English']);

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('both tables have the same keys, none empty, with the same placeholders', () => {
  const viKeys = Object.keys(vi).sort();
  const enKeys = Object.keys(en).sort();
  assert.deepEqual(
    viKeys.filter((k) => !(k in en)),
    [],
    'keys with no English',
  );
  assert.deepEqual(
    enKeys.filter((k) => !(k in vi)),
    [],
    'keys with no Vietnamese',
  );
  for (const key of viKeys as MessageKey[]) {
    assert.ok(vi[key].trim() !== '' && en[key].trim() !== '', `empty message ${key}`);
    assert.deepEqual(
      placeholders(vi[key]),
      placeholders(en[key]),
      `placeholders of ${key} differ between the languages`,
    );
  }
});

test('no Vietnamese message is the English one left untranslated', () => {
  const untranslated = (Object.keys(vi) as MessageKey[]).filter((k) => {
    if (vi[k] !== en[k] || SAME_IN_BOTH.has(en[k])) return false;
    // Pure symbols, numbers and placeholders need no translation.
    return /\p{L}{2,}/u.test(en[k].replace(/\{\w+\}/g, ''));
  });
  assert.deepEqual(untranslated, [], 'Vietnamese messages identical to the English ones');
  // English strings written with Vietnamese letters: a copy-paste into the wrong table.
  const vietnameseInEnglish = (Object.keys(en) as MessageKey[]).filter((k) =>
    /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/iu.test(en[k]),
  );
  assert.deepEqual(vietnameseInEnglish, [], 'English messages in Vietnamese');
});

function svelteFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? svelteFiles(join(dir, e.name)) : e.name.endsWith('.svelte') ? [join(dir, e.name)] : [],
  );
}

/** Drops `{...}` expressions (balanced, quotes respected) from a template. */
function dropExpressions(source: string): string {
  let out = '';
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (depth === 0) {
      if (c === '{') depth = 1;
      else out += c;
      continue;
    }
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) out += ' ';
  }
  return out;
}

/** Visible text a template writes literally: text nodes and literal visible attributes. */
export function literalTexts(svelte: string): string[] {
  const template = svelte
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<!--[\s\S]*?-->/g, '');
  const found: string[] = [];
  // Visible attributes written as plain strings (an expression inside the quotes is dropped first).
  for (const m of template.matchAll(
    /\s(aria-label|aria-description|aria-valuetext|title|placeholder|alt|label)="([^"]*)"/g,
  )) {
    const literal = dropExpressions(m[2]).trim();
    if (/\p{L}{2,}/u.test(literal)) found.push(`${m[1]}="${m[2]}"`);
  }
  const text = dropExpressions(template).replace(/<[^>]*>/g, '\n');
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t && /\p{L}{2,}/u.test(t) && !LITERAL_OK.has(t)) found.push(t);
  }
  return found;
}

test('the scan finds literal text and literal visible attributes', () => {
  assert.deepEqual(literalTexts('<script>const x = "Hello";</script><p>{i18n.t("a")} bytes</p>'), ['bytes']);
  assert.deepEqual(literalTexts('<button aria-label="OK" title={i18n.t("b")}>×</button>'), ['aria-label="OK"']);
  assert.deepEqual(literalTexts('<span>{n} ({i18n.t("files")})</span><option>English</option>'), []);
  assert.deepEqual(literalTexts('<input placeholder="/path/to/model" />'), ['placeholder="/path/to/model"']);
});

test('no component writes visible text outside the translation function', () => {
  const offenders = svelteFiles(RENDERER).flatMap((file) =>
    literalTexts(readFileSync(file, 'utf8')).map((t) => `${file.slice(RENDERER.length + 1)}: ${t}`),
  );
  assert.deepEqual(offenders, []);
});
