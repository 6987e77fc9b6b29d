// Components change the editor's state only through its methods: no component assigns (or binds) a field of the
// editor's state singletons (state/editor*.svelte.ts, state/shortcuts-help.svelte.ts). Their fields are private
// behind getters, so the compiler refuses most writes; this also catches a `bind:` that would write through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const renderer = resolve(dirname(fileURLToPath(import.meta.url)), '../../../renderer/src');
const EDITOR_STATE = /^\.\.?\/(?:\.\.\/)?state\/(editor[\w-]*|shortcuts-help)\.svelte\.js$/;

/** The local names a component gives the editor's state singletons it imports. */
function editorStateNames(source: string): string[] {
  const names: string[] = [];
  for (const m of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]/g)) {
    if (!EDITOR_STATE.test(m[2])) continue;
    for (const part of m[1].split(',')) {
      const local = part
        .trim()
        .split(/\s+as\s+/)
        .pop();
      if (local && !part.trim().startsWith('type ')) names.push(local);
    }
  }
  return names;
}

/** Each assignment, update or binding of a field of those singletons, as "name.field". */
function fieldWrites(source: string): string[] {
  const writes: string[] = [];
  for (const name of editorStateNames(source)) {
    const field = `\\b${name}\\.([\\w.]+)`;
    for (const m of source.matchAll(new RegExp(`${field}\\s*(?:[-+*/]?=(?![=>])|\\+\\+|--)`, 'g')))
      writes.push(`${name}.${m[1]}`);
    for (const m of source.matchAll(new RegExp(`bind:\\w+=\\{\\s*${field}\\s*\\}`, 'g')))
      writes.push(`${name}.${m[1]}`);
  }
  return writes;
}

function svelteFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? svelteFiles(join(dir, e.name)) : e.name.endsWith('.svelte') ? [join(dir, e.name)] : [],
  );
}

test('no component writes a field of the editor state', () => {
  const found = svelteFiles(renderer).flatMap((file) =>
    fieldWrites(readFileSync(file, 'utf8')).map((w) => `${file.slice(renderer.length + 1)}: ${w}`),
  );
  assert.deepEqual(found, []);
});

test('the check sees assignments, updates and bindings, and leaves reads, comparisons and calls alone', () => {
  const source = `<script lang="ts">
    import { editor } from '../state/editor.svelte.js';
    import { editorDocument as text } from '../state/editor-document.svelte.js';
    import { selection } from '../state/editor-selection.svelte.js';
    editor.threshold = 0.5;
    selection.pickerIndex++;
    const same = selection.key === 'x' || text.length >= 2;
    const f = () => editor.undo();
  </script>
  <input bind:value={text.doc} />`;
  assert.deepEqual(fieldWrites(source).sort(), ['editor.threshold', 'selection.pickerIndex', 'text.doc']);
});
