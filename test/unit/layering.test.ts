// The layering rule of docs/architecture.md ("Layers"): each layer imports only what sits below it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Which top-level folders a layer may import from, and which bare packages. */
const rules: Record<string, { layers: string[]; packages: RegExp }> = {
  core: { layers: ['core'], packages: /^zod$/ },
  db: { layers: ['core', 'db'], packages: /^(node:.*|better-sqlite3)$/ },
  preload: { layers: ['core', 'preload'], packages: /^electron$/ },
  renderer: { layers: ['core', 'renderer'], packages: /^(svelte(\/.*)?|@sveltejs\/.*|chart\.js.*)$/ },
  main: { layers: ['core', 'db', 'main'], packages: /.*/ },
};

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|svelte)$/.test(entry.name) ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(
      /(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm,
    ),
  ];
  return specifiers.map((m) => m[1] ?? m[2] ?? m[3]);
}

for (const [layer, rule] of Object.entries(rules)) {
  test(`${layer}/ imports only ${rule.layers.join(', ')}`, () => {
    const violations: string[] = [];
    for (const file of sourceFiles(join(root, layer))) {
      for (const spec of importsOf(file)) {
        if (spec.startsWith('.')) {
          const target = relative(root, resolve(dirname(file), spec)).split(/[\\/]/)[0];
          if (!rule.layers.includes(target)) violations.push(`${relative(root, file)} imports ${spec} (${target}/)`);
        } else if (!rule.packages.test(spec)) {
          violations.push(`${relative(root, file)} imports package ${spec}`);
        }
      }
    }
    assert.deepEqual(violations, []);
  });
}

test('the layering check itself catches a violation', () => {
  const spec = importsOf(fileURLToPath(import.meta.url)).find((s) => s === 'node:fs');
  assert.equal(spec, 'node:fs');
});
