// Encodes texts with @huggingface/tokenizers (the engine's JS tokenizer) so tests can compare ids with Python.
// Usage: node training/scripts/tokenize_js.mjs TOKENIZER_JSON TEXTS_JSON  -> prints a JSON array of id arrays.
// TEXTS_JSON holds a JSON array of strings.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [tokenizerPath, textsPath] = process.argv.slice(2);
if (!tokenizerPath || !textsPath) {
  console.error('usage: tokenize_js.mjs TOKENIZER_JSON TEXTS_JSON');
  process.exit(2);
}
// Resolve the package from the repository root, wherever this script is run from.
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(repoRoot, 'package.json'));
const entry = require.resolve('@huggingface/tokenizers').replace(/\.cjs$/, '.mjs');
const { Tokenizer } = await import(pathToFileURL(entry).href);

const tokenizerJson = JSON.parse(readFileSync(tokenizerPath, 'utf8'));
const tokenizer = new Tokenizer(tokenizerJson, {});
const texts = JSON.parse(readFileSync(textsPath, 'utf8'));
const out = texts.map((text) => tokenizer.encode(text, { add_special_tokens: false }).ids);
process.stdout.write(JSON.stringify(out));
