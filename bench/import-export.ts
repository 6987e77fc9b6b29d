// Benchmark: PhoNER_COVID19 syllable train+dev+test into a fresh database, then an export to every format, with wall
// time per step and peak RSS; then the round trip through PhoNER and CoNLL (re-import the export, export to PhoNER
// again) must give every sentence's tags back. Targets: import <= 3 s, each export <= 2 s, peak RSS <= 300 MB.
//   node --import tsx bench/import-export.ts [phoner-folder]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FORMAT_IDS, type FormatId } from '../core/codecs/codec.js';
import { openDatabase } from '../db/open-database.js';
import { Store } from '../db/store.js';
import { exportProject } from '../main/services/export-service.js';
import { importPath } from '../main/services/import-service.js';

const folder = resolve(process.argv[2] ?? join(import.meta.dirname, '..', '..', 'shared', 'data', 'phoner_covid19'));
const files = ['train', 'dev', 'test'].map((split) => join(folder, `${split}_syllable.jsonl`));
const work = mkdtempSync(join(tmpdir(), 'wb-bench-'));
const TARGETS = { import: 3000, export: 2000, rssMb: 300 };
const rows: { step: string; ms: number; note: string; target?: number }[] = [];

async function timed<T>(
  step: string,
  target: number | undefined,
  fn: () => Promise<T>,
  note: (value: T) => string,
): Promise<T> {
  const start = performance.now();
  const value = await fn();
  rows.push({ step, ms: performance.now() - start, note: note(value), target });
  return value;
}

function freshStore(name: string): { store: Store; projectId: number } {
  const store = new Store(openDatabase(join(work, `${name}.sqlite`)));
  return { store, projectId: store.projects.create(name).id };
}

const tagsOf = (path: string): string[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.stringify(JSON.parse(l).tags));

async function importAll(store: Store, projectId: number, paths: string[], format: FormatId) {
  let imported = 0;
  let entities = 0;
  for (const path of paths) {
    const result = await importPath(store, path, { projectId, format });
    imported += result.imported;
    entities += result.entities;
  }
  return { imported, entities };
}

const main = freshStore('phoner');
await timed(
  'import train+dev+test',
  TARGETS.import,
  () => importAll(main.store, main.projectId, files, 'phoner'),
  (r) => `${r.imported} docs, ${r.entities} entities`,
);
const outputs = new Map<FormatId, string>();
for (const format of FORMAT_IDS) {
  const dest = join(work, `export.${format}`);
  outputs.set(format, dest);
  await timed(
    `export ${format}`,
    TARGETS.export,
    () => exportProject(main.store, dest, { projectId: main.projectId, format }),
    (s) => `${s.docs} docs, ${s.files} files, ${(s.bytes / 1e6).toFixed(1)} MB, ${s.errors + s.warnings} issues`,
  );
}

const original = files.flatMap(tagsOf);
for (const format of ['phoner', 'conll'] as const) {
  const again = freshStore(`again-${format}`);
  await timed(
    `re-import ${format}`,
    undefined,
    () => importAll(again.store, again.projectId, [outputs.get(format)!], format),
    (r) => `${r.imported} docs, ${r.entities} entities`,
  );
  const back = join(work, `back-${format}.jsonl`);
  await exportProject(again.store, back, { projectId: again.projectId, format: 'phoner' });
  const tags = tagsOf(back);
  const same = original.filter((t, i) => tags[i] === t).length;
  rows.push({
    step: `round trip via ${format}`,
    ms: 0,
    note: `${same}/${original.length} sentences with identical tags${same === original.length && tags.length === original.length ? '' : '  FAIL'}`,
  });
  again.store.close();
}
main.store.close();

const rssMb = process.resourceUsage().maxRSS / 1024;
const width = Math.max(...rows.map((r) => r.step.length));
for (const r of rows) {
  const verdict = r.target === undefined ? '' : r.ms <= r.target ? '  ok' : `  OVER ${r.target} ms`;
  console.log(
    `${r.step.padEnd(width)}  ${r.ms ? `${r.ms.toFixed(0).padStart(6)} ms` : '         '}  ${r.note}${verdict}`,
  );
}
console.log(`peak RSS ${rssMb.toFixed(0)} MB${rssMb <= TARGETS.rssMb ? '  ok' : `  OVER ${TARGETS.rssMb} MB`}`);
rmSync(work, { recursive: true, force: true });
const failed =
  rows.some((r) => r.note.includes('FAIL') || (r.target !== undefined && r.ms > r.target)) || rssMb > TARGETS.rssMb;
process.exitCode = failed ? 1 : 0;
