// `workbench annotate IN OUT --db DB [--project P]` (issue 12 point 6): pre-annotates with the project's active model
// (no version of its own yet: the embedded model) and writes the project's labels: the model's read through the
// project's label mapping, labels the project lacks dropped.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { dataFolder, workbench } from './cli-run.js';

test("annotate --db writes the project's labels through its mapping", { timeout: 200_000 }, () => {
  const dir = dataFolder();
  const db = join(dir, 'clinic.db');
  const ok = (args: string[]) => {
    const r = workbench(args);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    return r;
  };
  ok(['init', db, '--name', 'Phòng khám', '--labels', 'Triệu_chứng,Nơi|chốn']);
  ok(['labels', db, 'map', 'SYMPTOM_AND_DISEASE', 'Triệu_chứng']);
  ok(['labels', db, 'map', 'LOCATION', 'Nơi|chốn']);
  const input = join(dir, 'in.jsonl');
  writeFileSync(
    input,
    JSON.stringify({ text: 'Bệnh nhân BN 123 , 45 tuổi , bị sốt và ho , trú tại Đà Nẵng .', label: [] }) + '\n',
  );
  const out = join(dir, 'out.jsonl');
  const r = ok(['annotate', input, out, '--format', 'doccano', '--db', db, '--threads', '1']);
  assert.match(r.stderr, /project Phòng khám: no active model of its own; the embedded model/);
  const labels = new Set((JSON.parse(readFileSync(out, 'utf8')).label as [number, number, string][]).map((s) => s[2]));
  assert.ok(labels.has('Triệu_chứng') && labels.has('Nơi|chốn'), [...labels].join(', '));
  assert.deepEqual(
    [...labels].filter((l) => l !== 'Triệu_chứng' && l !== 'Nơi|chốn'),
    [],
    "PATIENT_ID and AGE are not the project's: dropped",
  );

  const usage = workbench(['annotate', input, out, '--format', 'doccano', '--project', 'x']);
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /--project needs --db/);
});

test('workbench train says what it needs before training', { timeout: 120_000 }, () => {
  const dir = dataFolder();
  const db = join(dir, 'clinic.db');
  assert.equal(workbench(['init', db, '--labels', 'Triệu_chứng']).status, 0);
  const unknown = workbench(['train', db, '--from', 'no-such-version']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /--from: no registered model "no-such-version"/);
  const few = workbench(['train', db]);
  assert.equal(few.status, 1, few.stderr);
  assert.match(few.stderr, /training needs at least 10 finished \(done or reviewed\) documents; this project has 0/);
});
