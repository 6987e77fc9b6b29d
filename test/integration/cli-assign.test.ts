// `workbench assign` on a team server's data folder (issue 15): all, list and auto with overlap, remove, progress;
// refusals name the field and exit 1, command-line mistakes exit 2.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { dataFolder, repoRoot, workbench } from './cli-run.js';

function withStdin(args: string[], input: string) {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'workbench.js'), ...args], { input, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('workbench assign: list, auto with 15 % overlap, remove and progress on a team data folder', () => {
  const data = dataFolder();
  try {
    const db = join(data, 'workbench.sqlite');
    assert.equal(workbench(['init', db, '--name', 'covid']).status, 0);
    const text = join(data, 'notes.txt');
    writeFileSync(text, Array.from({ length: 40 }, (_, i) => `Bệnh nhân ${i + 1} ở Huế.`).join('\n') + '\n');
    const imported = workbench(['import', db, text, '--format', 'text', '--variant', 'lines']);
    assert.equal(imported.status, 0, imported.stderr);
    for (const [name, role] of [
      ['hoa', 'annotator'],
      ['lan', 'annotator'],
      ['minh', 'curator'],
    ])
      assert.equal(
        withStdin(['users', 'add', name, '--role', role, '--data', data], 'a long enough password\n').status,
        0,
      );

    const listed = workbench(['assign', 'list', 'hoa', '--documents', '1-4,9', '--data', data]);
    assert.equal(listed.status, 0, listed.stderr);
    assert.match(listed.stdout, /^5 assignments added over 5 documents: hoa 5$/m);
    const auto = workbench(['assign', 'auto', 'hoa', 'lan', '--overlap', '0.15', '--seed', '7', '--data', data]);
    assert.equal(auto.status, 0, auto.stderr);
    // 35 documents left: round(0.15 × 35) = 5 of them to both.
    assert.match(auto.stdout, /^40 assignments added over 35 documents: hoa \d+, lan \d+$/m);
    const progress = JSON.parse(workbench(['assign', 'progress', '--json', '--data', data]).stdout);
    assert.deepEqual([progress.documents, progress.unassigned, progress.overlapped], [40, 0, 5]);
    assert.deepEqual(
      progress.annotators.map((a: { annotator: string; assigned: number }) => a.annotator),
      ['hoa', 'lan'],
    );
    assert.equal(
      progress.annotators.reduce((n: number, a: { assigned: number }) => n + a.assigned, 0),
      45,
    );
    const removed = workbench(['assign', 'remove', 'hoa', '--documents', '1,2', '--data', data]);
    assert.match(removed.stdout, /^2 documents taken back from hoa$/m);
    assert.match(workbench(['assign', 'progress', '--data', data]).stdout, /^hoa\s+\d+\s+0\s+0\s+0$/m);

    const curator = workbench(['assign', 'all', 'minh', '--data', data]);
    assert.equal(curator.status, 1);
    assert.match(curator.stderr, /invalid annotators\.0: minh is a curator/);
    const overlap = workbench(['assign', 'auto', 'hoa', '--overlap', '2', '--data', data]);
    assert.equal(overlap.status, 1);
    assert.match(overlap.stderr, /assignments\.assign: invalid overlap/);
    assert.equal(workbench(['assign', 'list', 'hoa', '--data', data]).status, 2, 'list needs --documents');
    assert.equal(workbench(['assign', 'list', 'hoa', '--documents', 'x', '--data', data]).status, 2);
    assert.equal(workbench(['assign', 'sometimes', '--data', data]).status, 2);
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
});
