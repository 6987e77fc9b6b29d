// What the model-training e2e tests share: a trainable copy of the tiny fixture package, the stand-in trainer found
// through $WORKBENCH_PYTHON like a real environment (fake-trainer.mjs), and contract calls for test setup.
import { chmodSync, copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Workbench } from './fixture.js';
import { repoRoot } from './server.js';

/** A copy of the tiny fixture package whose manifest says it can be fine-tuned. */
export function trainablePackage(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wb-e2e-pkg-'));
  const from = join(repoRoot, 'test/fixtures/tiny-model/package');
  for (const file of readdirSync(from)) copyFileSync(join(from, file), join(dir, file));
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  manifest.training = { checkpoint: 'checkpoint.pt', format: 'dnw' };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return dir;
}

/** A folder holding a `python` that runs the stand-in trainer; its control files (gate, compare) go beside it. */
export function fakePython(): { bin: string; python: string } {
  const bin = mkdtempSync(join(tmpdir(), 'wb-e2e-trainer-'));
  const python = join(bin, 'python');
  writeFileSync(
    python,
    `#!/bin/sh\nexec "${process.execPath}" "${join(repoRoot, 'test/e2e/support/fake-trainer.mjs')}" "$@"\n`,
  );
  chmodSync(python, 0o755);
  return { bin, python };
}

/** Calls a contract method on the test's server, as the UI would (test setup that is not what the test is about). */
export async function api(wb: Workbench, method: string, params: unknown): Promise<unknown> {
  const response = await fetch(`${wb.server.origin}/api/call/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${wb.server.token}` },
    body: JSON.stringify(params),
  });
  const outcome = (await response.json()) as { ok: boolean; result?: unknown; error?: { message: string } };
  if (!outcome.ok) throw new Error(`${method}: ${outcome.error?.message}`);
  return outcome.result;
}
