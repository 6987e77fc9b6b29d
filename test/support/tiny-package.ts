// Copies of the tiny fixture package in a fresh temporary folder, optionally edited, for tests that need a
// variant (another output format, a short window) or a broken package.

import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPackage, PackageError } from '../../main/engine/package-loader.js';

export const TINY_PACKAGE = 'test/fixtures/tiny-model/package';

// any: tests rewrite arbitrary parts of the manifest JSON, including into invalid shapes.
export type ManifestEdit = (manifest: Record<string, any>) => void;

/** A temporary copy of the tiny package with `edit` applied to its manifest; returns the folder. */
export function tinyPackageCopy(edit: ManifestEdit = () => {}): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'dnw-package-')), 'package');
  cpSync(TINY_PACKAGE, dir, { recursive: true });
  const path = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  edit(manifest);
  writeFileSync(path, JSON.stringify(manifest, null, 2));
  return dir;
}

/** The problems loadPackage refuses the package in `dir` with; fails the test when it is accepted. */
export function packageProblems(dir: string): string[] {
  try {
    loadPackage(dir);
  } catch (error) {
    assert.ok(error instanceof PackageError, String(error));
    return error.problems;
  }
  return assert.fail('the package was accepted');
}
