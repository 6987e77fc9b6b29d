import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { dataFolder, workbench } from './cli-run.js';

const sentence = (words: string[], tags: string[]) => JSON.stringify({ words, tags });
const GOLD = [
  sentence(['Bệnh', 'nhân', '91', 'ở', 'Hà', 'Nội'], ['O', 'O', 'B-PATIENT_ID', 'O', 'B-LOCATION', 'I-LOCATION']),
  sentence(
    ['Sốt', ',', 'ho', 'khan'],
    ['B-SYMPTOM_AND_DISEASE', 'O', 'B-SYMPTOM_AND_DISEASE', 'I-SYMPTOM_AND_DISEASE'],
  ),
];

function phonerFile(dir: string, name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

test('--help lists the commands; each command has its own help; unknown commands fail with usage', () => {
  const help = workbench(['--help']);
  assert.equal(help.status, 0);
  for (const name of ['init', 'import', 'export', 'stats', 'validate', 'eval', 'agreement'])
    assert.match(help.stdout, new RegExp(`\\b${name}\\b`));
  const importHelp = workbench(['import', '--help']);
  assert.equal(importHelp.status, 0);
  assert.match(importHelp.stdout, /--skip-invalid/);
  const unknown = workbench(['frobnicate']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
});

test('usage errors say what is wrong and exit 2', () => {
  const dir = dataFolder();
  const noFormat = workbench(['validate', join(dir, 'x.jsonl')]);
  assert.equal(noFormat.status, 2);
  assert.match(noFormat.stderr, /--format is required/);
  const badFormat = workbench(['validate', join(dir, 'x.jsonl'), '--format', 'xml']);
  assert.match(badFormat.stderr, /unknown format "xml"/);
  const badOption = workbench(['init', join(dir, 'w.sqlite'), '--colour', 'red']);
  assert.equal(badOption.status, 2);
  assert.match(badOption.stderr, /Unknown option '--colour'/);
  const noDb = workbench(['stats', join(dir, 'missing.sqlite')]);
  assert.equal(noDb.status, 2);
  assert.match(noDb.stderr, /no workbench database at .*missing\.sqlite \(create one with: workbench init/);
});

test('init, import, re-import, stats, export on a fresh data folder', () => {
  const dir = dataFolder();
  const db = join(dir, 'covid.sqlite');
  const init = workbench(['init', db, '--labels', 'PATIENT_ID,LOCATION,SYMPTOM_AND_DISEASE']);
  assert.equal(init.status, 0, init.stderr);
  assert.match(init.stdout, /created project "covid"/);
  const file = phonerFile(dir, 'train_syllable.jsonl', GOLD);
  const imported = workbench(['import', db, file, '--format', 'phoner']);
  assert.equal(imported.status, 0, imported.stderr);
  assert.match(imported.stdout, /imported 2 documents \(4 entities/);
  const again = workbench(['import', db, file, '--format', 'phoner']);
  assert.match(again.stdout, /imported 0 documents .* 2 already there/);
  const stats = workbench(['stats', db, '--json']);
  const numbers = JSON.parse(stats.stdout);
  assert.deepEqual([numbers.documents, numbers.entities, numbers.bySplit], [2, 4, { train: 2 }]);
  const out = join(dir, 'out.jsonl');
  const exported = workbench(['export', db, out, '--format', 'phoner']);
  assert.equal(exported.status, 0, exported.stderr);
  assert.match(exported.stdout, /exported 2 documents \(4 entities\)/);
  assert.deepEqual(
    readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l)),
    GOLD.map((l) => JSON.parse(l)),
  );
  const brat = workbench(['export', db, join(dir, 'brat'), '--format', 'brat']);
  assert.equal(brat.status, 0, brat.stderr);
  assert.ok(readdirSync(join(dir, 'brat')).some((f) => f.endsWith('.ann')));
});

test('a broken file is refused with file:line messages, exit 1, and nothing imported', () => {
  const dir = dataFolder();
  const db = join(dir, 'w.sqlite');
  workbench(['init', db]);
  const file = phonerFile(dir, 'dev_syllable.jsonl', [GOLD[0], '{"words": [', GOLD[1]]);
  const result = workbench(['import', db, file, '--format', 'phoner']);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /dev_syllable\.jsonl:2: error: malformed JSON/);
  assert.equal(JSON.parse(workbench(['stats', db, '--json']).stdout).documents, 0);
  const skipped = workbench(['import', db, file, '--format', 'phoner', '--skip-invalid']);
  assert.equal(skipped.status, 0, skipped.stderr);
  assert.match(skipped.stdout, /imported 2 documents/);
  const report = /issues written to (.*)$/m.exec(skipped.stdout)?.[1];
  assert.ok(report && existsSync(report) && report.startsWith(join(dir, 'reports')), skipped.stdout);
  const issues = readFileSync(report, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    issues.filter((i) => i.severity === 'error').map((i) => [i.file, i.line]),
    [[file, 2]],
  );
});

test('invalid UTF-8 is refused with the file and line', () => {
  const dir = dataFolder();
  const file = join(dir, 'latin1.jsonl');
  writeFileSync(
    file,
    Buffer.concat([Buffer.from(`${GOLD[0]}\n`), Buffer.from('{"words": ["Ph\xf4"], "tags": ["O"]}\n', 'latin1')]),
  );
  const result = workbench(['validate', file, '--format', 'phoner']);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /latin1\.jsonl:2: error: invalid UTF-8/);
});

test('validate reports and writes nothing; exit 1 only on errors', () => {
  const dir = dataFolder();
  const good = workbench(['validate', phonerFile(dir, 'good.jsonl', GOLD), '--format', 'phoner']);
  assert.equal(good.status, 0, good.stderr);
  assert.match(good.stdout, /2 documents, 4 entities .*0 errors/);
  const bad = workbench([
    'validate',
    phonerFile(dir, 'bad.jsonl', [GOLD[0], sentence(['a'], ['B-X', 'O'])]),
    '--format',
    'phoner',
  ]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /bad\.jsonl:2: error: tags: 2 tags for 1 words/);
  assert.deepEqual(readdirSync(dir).sort(), ['bad.jsonl', 'good.jsonl']);
});

test('eval on flat BIO follows seqeval strict: a stray I- tag is not an entity', () => {
  const dir = dataFolder();
  const gold = phonerFile(dir, 'gold.jsonl', GOLD);
  const pred = phonerFile(dir, 'pred.jsonl', [
    sentence(['Bệnh', 'nhân', '91', 'ở', 'Hà', 'Nội'], ['O', 'O', 'B-PATIENT_ID', 'O', 'I-LOCATION', 'I-LOCATION']),
    sentence(
      ['Sốt', ',', 'ho', 'khan'],
      ['B-SYMPTOM_AND_DISEASE', 'O', 'B-SYMPTOM_AND_DISEASE', 'I-SYMPTOM_AND_DISEASE'],
    ),
  ]);
  const result = workbench(['eval', '--gold', gold, '--pred', pred, '--format', 'phoner', '--json']);
  assert.equal(result.status, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  assert.equal(report.mode, 'seqeval strict IOB2');
  // Strict: "I-LOCATION I-LOCATION" is no entity (tp 3, fp 0, fn 1). Repair would have made it a correct LOCATION.
  assert.deepEqual([report.micro.tp, report.micro.fp, report.micro.fn], [3, 0, 1]);
  assert.equal(report.perLabel.LOCATION.recall, 0);
  const text = workbench(['eval', '--gold', gold, '--pred', pred, '--format', 'phoner']);
  assert.match(text.stdout, /micro avg\s+1\.0000\s+0\.7500\s+0\.8571\s+4/);
});

test('eval refuses files whose documents do not line up', () => {
  const dir = dataFolder();
  const result = workbench([
    'eval',
    '--gold',
    phonerFile(dir, 'g.jsonl', GOLD),
    '--pred',
    phonerFile(dir, 'p.jsonl', GOLD.slice(0, 1)),
    '--format',
    'phoner',
  ]);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /has 2 documents, .* has 1/);
});

test('agreement prints pairwise span F1 and token kappa', () => {
  const dir = dataFolder();
  const a = phonerFile(dir, 'a.jsonl', GOLD);
  const b = phonerFile(dir, 'b.jsonl', [
    GOLD[0],
    sentence(['Sốt', ',', 'ho', 'khan'], ['B-SYMPTOM_AND_DISEASE', 'O', 'O', 'O']),
  ]);
  const result = workbench(['agreement', a, b, a, '--format', 'phoner', '--json']);
  assert.equal(result.status, 0, result.stderr);
  const matrix = JSON.parse(result.stdout);
  assert.equal(matrix.spanF1[0][2], 1);
  assert.ok(Math.abs(matrix.spanF1[0][1] - 6 / 7) < 1e-9); // tp 3, fp 0, fn 1
  assert.ok(matrix.kappa[0][1] > 0 && matrix.kappa[0][1] < 1);
  const text = workbench(['agreement', a, b, '--format', 'phoner']);
  assert.match(text.stdout, /span F1 \(strict\)/);
  assert.match(text.stdout, /Cohen's kappa/);
});

test('eval on CoNLL with one tag column is flat BIO too; with two columns it is nested entity matching', () => {
  const dir = dataFolder();
  const conll = (name: string, rows: string[][]) => {
    const path = join(dir, name);
    writeFileSync(path, `${rows.map((r) => r.join('\t')).join('\n')}\n\n`);
    return path;
  };
  const gold = conll('gold.conll', [
    ['Hà', 'B-LOCATION'],
    ['Nội', 'I-LOCATION'],
    ['sốt', 'B-SYMPTOM_AND_DISEASE'],
  ]);
  const pred = conll('pred.conll', [
    ['Hà', 'I-LOCATION'],
    ['Nội', 'I-LOCATION'],
    ['sốt', 'B-SYMPTOM_AND_DISEASE'],
  ]);
  const flat = JSON.parse(workbench(['eval', '--gold', gold, '--pred', pred, '--format', 'conll', '--json']).stdout);
  assert.equal(flat.mode, 'seqeval strict IOB2');
  assert.deepEqual([flat.micro.tp, flat.micro.fp, flat.micro.fn], [1, 0, 1]);
  const nestedGold = conll('ng.conll', [
    ['Bệnh', 'B-ORGANIZATION', 'O'],
    ['viện', 'I-ORGANIZATION', 'O'],
    ['Hà', 'I-ORGANIZATION', 'B-LOCATION'],
    ['Nội', 'I-ORGANIZATION', 'I-LOCATION'],
  ]);
  const nested = JSON.parse(
    workbench(['eval', '--gold', nestedGold, '--pred', nestedGold, '--format', 'conll', '--json']).stdout,
  );
  assert.equal(nested.mode, 'strict entity match');
  assert.deepEqual([nested.micro.tp, nested.micro.f1], [2, 1]);
});

test('models lists the embedded version as active; finetune refuses a project with too few finished documents and keeps it', () => {
  const dir = dataFolder();
  const db = join(dir, 'db.sqlite');
  assert.equal(workbench(['init', db, '--name', 'p']).status, 0);
  assert.equal(workbench(['import', db, phonerFile(dir, 'done.jsonl', GOLD), '--format', 'phoner']).status, 0);
  const before = workbench(['models', db]);
  assert.equal(before.status, 0, before.stderr);
  assert.match(before.stdout, /^\*\s+1\s+dnw-embedded_v2 /mu);
  const refused = workbench(['finetune', db]);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /at least 10 finished \(done or reviewed\) documents; this project has 2/);
  const after = JSON.parse(workbench(['models', db, '--json']).stdout) as {
    versions: { active: boolean }[];
    fineTunes: unknown[];
  };
  assert.deepEqual(
    after.versions.map((v) => v.active),
    [true],
  );
  assert.deepEqual(after.fineTunes, []);
  assert.equal(workbench(['models', db, '--activate', 'x']).status, 2);
});
