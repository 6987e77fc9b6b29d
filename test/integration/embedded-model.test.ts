// Regression test of the shipped model, through the user's path: `workbench annotate` (the TypeScript engine with the
// package's default fast settings) on the first 300 PhoNER_COVID19 dev sentences, then `workbench eval`.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { dataFolder, repoRoot, workbench } from './cli-run.js';

const DEV = join(repoRoot, '..', 'shared', 'data', 'phoner_covid19', 'dev_syllable.jsonl');
const MODEL = join(repoRoot, 'assets', 'model', 'manifest.json');
// Measured on the shipped package with this very procedure (bench/RESULTS.md, "Embedded model"); the test allows
// two points below it, so a real regression fails and thread-count noise does not.
const MEASURED_MICRO_F1 = 0.892;

const skip = !existsSync(DEV)
  ? `PhoNER_COVID19 not found at ${DEV}`
  : !existsSync(MODEL)
    ? 'the embedded model is not built (assets/model)'
    : false;

test('the embedded model keeps its micro-F1 on 300 dev sentences', { skip, timeout: 300_000 }, () => {
  const folder = dataFolder();
  const gold = join(folder, 'dev300.jsonl');
  const pred = join(folder, 'pred300.jsonl');
  writeFileSync(gold, readFileSync(DEV, 'utf8').split('\n').slice(0, 300).join('\n') + '\n');
  const annotated = workbench(['annotate', gold, pred, '--format', 'phoner', '--device', 'cpu', '--threads', '2']);
  assert.equal(annotated.status, 0, annotated.stderr);
  const scored = workbench(['eval', '--gold', gold, '--pred', pred, '--format', 'phoner', '--json']);
  assert.equal(scored.status, 0, scored.stderr);
  const report = JSON.parse(scored.stdout) as { documents: number; micro: { f1: number } };
  assert.equal(report.documents, 300);
  assert.ok(
    report.micro.f1 >= MEASURED_MICRO_F1 - 0.02,
    `micro-F1 ${report.micro.f1.toFixed(4)} fell below ${MEASURED_MICRO_F1} - 0.02`,
  );
});
