// Validates a package's manifest.json with the engine's own validator (core/model-package/manifest.ts), so the
// Python exporter cannot drift from the schema. Usage: node --import tsx training/scripts/check_manifest.ts PACKAGE
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifest } from '../../core/model-package/manifest.js';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: check_manifest.ts PACKAGE_DIR');
  process.exit(2);
}
try {
  const manifest = parseManifest(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
  console.log(JSON.stringify({ ok: true, format: manifest.output.format, sampler: manifest.sampler }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, error: (error as Error).message }));
  process.exit(1);
}
