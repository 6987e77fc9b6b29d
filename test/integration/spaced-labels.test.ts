// Label names with spaces (issue 12, "any label names"): a project whose labels are "triệu chứng bệnh" and "nơi điều
// trị" (nested, with a `%` for good measure) exports to every format and re-imports with the same labels. Formats
// where a space would break the syntax write the name escaped (core/labels.ts escapeLabel: `%` → %25, space → %20):
// CoNLL tag columns, brat's `T1<TAB>LABEL START END`, the instruction format's inline tags.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FORMAT_IDS, type FormatId } from '../../core/codecs/codec.js';
import { openDatabase } from '../../db/open-database.js';
import { Store } from '../../db/store.js';
import { exportProject } from '../../main/services/export-service.js';
import { importPath } from '../../main/services/import-service.js';

const SYMPTOM = 'triệu chứng bệnh';
const PLACE = 'nơi điều trị';
const SHARE = 'tỉ lệ %';

function line(text: string, spans: [string, string][]): string {
  const label = spans.map(([phrase, name]) => {
    const start = Array.from(text.slice(0, text.indexOf(phrase))).length;
    return [start, start + Array.from(phrase).length, name];
  });
  return JSON.stringify({ text, label });
}

const SOURCE = [
  line('Bệnh nhân bị sốt cao , điều trị tại Bệnh viện Đà Nẵng .', [
    ['sốt cao', SYMPTOM],
    ['Bệnh viện Đà Nẵng', PLACE],
    ['Đà Nẵng', PLACE],
  ]),
  line('Ho khan 😷 chiếm 30 % ca bệnh .', [
    ['Ho khan', SYMPTOM],
    ['30 %', SHARE],
  ]),
];

function project(dir: string, name: string) {
  const store = new Store(openDatabase(join(dir, `${name}.sqlite`)));
  return { store, projectId: store.projects.create(name).id };
}

const contents = (store: Store, projectId: number) =>
  [...store.documents.current(projectId, ['new', 'pre-annotated', 'in_progress', 'done', 'reviewed', 'skipped'])].map(
    (d) => ({
      text: d.text,
      entities: d.entities
        .map(({ label, start, end }) => ({ label, start, end }))
        .sort((a, b) => a.start - b.start || b.end - a.end || a.label.localeCompare(b.label)),
    }),
  );

/** Everything the export wrote, as one string (a brat export is a folder). */
function written(dest: string, format: FormatId): string {
  if (format !== 'brat') return readFileSync(dest, 'utf8');
  return readdirSync(dest)
    .sort()
    .map((f) => readFileSync(join(dest, f), 'utf8'))
    .join('\n');
}

const ESCAPED: Partial<Record<FormatId, RegExp>> = {
  conll: /^sốt\tB-triệu%20chứng%20bệnh\tO$/mu,
  brat: /^T\d+\tnơi%20điều%20trị \d+ \d+\tBệnh viện Đà Nẵng$/mu,
  instruction: /<triệu%20chứng%20bệnh>sốt cao<\/triệu%20chứng%20bệnh>.*<tỉ%20lệ%20%25>30 %<\/tỉ%20lệ%20%25>/su,
};

for (const format of FORMAT_IDS.filter((f): f is Exclude<FormatId, 'text'> => f !== 'text')) {
  test(`${format}: spaced labels export and re-import unchanged`, async () => {
    const dir = mkdtempSync(join(tmpdir(), `wb-spaced-${format}-`));
    try {
      const source = join(dir, 'source.jsonl');
      writeFileSync(source, `${SOURCE.join('\n')}\n`);
      const original = project(dir, 'original');
      const imported = await importPath(original.store, source, { projectId: original.projectId, format: 'doccano' });
      assert.equal(imported.errors, 0, JSON.stringify(imported.issues));
      const dest = join(dir, format === 'brat' ? 'brat-out' : `out.${format}`);
      const summary = await exportProject(original.store, dest, { projectId: original.projectId, format });
      assert.equal(summary.docs, 2);
      const text = written(dest, format);
      if (ESCAPED[format]) assert.match(text, ESCAPED[format]!);
      const copy = project(dir, 'copy');
      const result = await importPath(copy.store, dest, { projectId: copy.projectId, format });
      assert.equal(result.errors, 0, JSON.stringify(result.issues));
      const expected = contents(original.store, original.projectId);
      assert.ok(expected.flatMap((d) => d.entities).some((e) => e.label === SYMPTOM));
      // CoNLL and PhoNER hold tokens, not characters: their texts are the tokens joined, so compare labels and spans
      // as they read them back; the character formats give the same texts and entities.
      const got = contents(copy.store, copy.projectId);
      const labels = (docs: typeof got) =>
        docs.map((d) => d.entities.map((e) => `${e.label}:${Array.from(d.text).slice(e.start, e.end).join('')}`));
      // PhoNER is flat: the nested "Đà Nẵng" inside the hospital is left out (with a warning), as for any label.
      const flat = (docs: string[][]) =>
        format === 'phoner' ? docs.map((d) => d.filter((e) => e !== `${PLACE}:Đà Nẵng`)) : docs;
      assert.deepEqual(labels(got), flat(labels(expected)));
      original.store.close();
      copy.store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
