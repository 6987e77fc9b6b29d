// A package's word prior in the engine: a crf.json named by the manifest steers the decode; one at fault, or one
// beside an output format it cannot weigh, is refused with the file and field named.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DiffusionEngine } from '../../main/engine/engine.js';
import { packageProblems, tinyPackageCopy } from '../support/tiny-package.js';

const TEXT = 'Bệnh nhân ở Hà Nội bị sốt và ho 😷 từ ngày 3/4 .';

/** A copy of the embedded model whose manifest names crf.json (written as `crf`) with `weight`. */
function embeddedWithPrior(crf: unknown, weight: number): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'dnw-prior-')), 'package');
  cpSync('assets/model', dir, { recursive: true });
  writeFileSync(join(dir, 'crf.json'), JSON.stringify(crf));
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  manifest.prior = { file: 'crf.json', weight };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

// A CRF sure that every word is O rather than the first word of a LOCATION.
const NOTHING = {
  format: 'dnw-crf/1',
  labels: ['O', 'B-LOCATION'],
  transitions: [
    [0, 0],
    [0, 0],
  ],
  attributes: { bias: [0, 50] },
};

async function entitiesOf(dir: string): Promise<string[]> {
  const engine = await DiffusionEngine.open(dir, { device: 'cpu', intraOpThreads: 1 });
  try {
    const [result] = await engine.annotate([{ id: '1', text: TEXT }]);
    return result.entities.map((e) => `${e.label} ${[...TEXT].slice(e.start, e.end).join('')}`);
  } finally {
    await engine.release();
  }
}

test('the word prior steers the decode: a CRF sure that no word is a LOCATION takes Hà Nội away, and only it', async () => {
  const plain = await entitiesOf('assets/model');
  assert.ok(plain.includes('LOCATION Hà Nội') && plain.length > 1, plain.join(', '));
  // The CRF knows O and B-LOCATION only: the model's other tags, which it never saw, keep the model's probability.
  const guided = await entitiesOf(embeddedWithPrior(NOTHING, 0.9));
  assert.deepEqual(
    guided,
    plain.filter((e) => !e.startsWith('LOCATION')),
  );
});

test('a prior whose tags are none of the model’s has no opinion, and changes nothing', async () => {
  const unknown = { ...NOTHING, labels: ['B-OTHER', 'I-OTHER'] };
  assert.deepEqual(await entitiesOf(embeddedWithPrior(unknown, 0.5)), await entitiesOf('assets/model'));
});

test('a crf.json at fault is refused, naming the file, the field and the manifest field that names it', () => {
  const problems = packageProblems(embeddedWithPrior({ ...NOTHING, transitions: [[0]] }, 0.5));
  assert.ok(
    problems.some((p) =>
      /^crf\.json: transitions: must be 2 rows of 2 numbers \(named by manifest\.json prior\)/.test(p),
    ),
    problems.join('\n'),
  );
});

test('a prior beside an output format it cannot weigh, or with a weight outside (0, 1), is refused', () => {
  const inline = tinyPackageCopy((m) => (m.prior = { file: 'crf.json', weight: 0.5 }));
  writeFileSync(join(inline, 'crf.json'), JSON.stringify(NOTHING));
  assert.ok(packageProblems(inline).some((p) => /prior: a word prior needs the aligned-bio output format/.test(p)));
  const heavy = packageProblems(embeddedWithPrior(NOTHING, 1));
  assert.ok(
    heavy.some((p) => /prior\.weight: must lie between 0 and 1/.test(p)),
    heavy.join('\n'),
  );
});
