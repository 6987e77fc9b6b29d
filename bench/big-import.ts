// Bounded memory on import: writes a synthetic PhoNER-style file of about 100 MB (made-up Vietnamese sentences with
// entities; no real data) and imports it into a fresh database in one transaction, reporting time and peak RSS.
// Peak RSS should stay far below the file size: the file is streamed, and documents go to SQLite as they decode.
//   node --import tsx bench/big-import.ts [megabytes=100]
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../db/open-database.js';
import { Store } from '../db/store.js';
import { importPath } from '../main/services/import-service.js';
import { PIECES } from './safety-kit.js';

const megabytes = Number(process.argv[2] ?? 100);
const work = mkdtempSync(join(tmpdir(), 'wb-big-'));
const file = join(work, 'big_syllable.jsonl');

let seed = 42;
const random = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;

function sentence(): string {
  const words: string[] = [];
  const tags: string[] = [];
  const length = 4 + random(10);
  for (let i = 0; i < length; i++) {
    const [piece, label] = PIECES[random(PIECES.length)];
    piece.forEach((w, j) => {
      words.push(w);
      tags.push(label ? `${j === 0 ? 'B' : 'I'}-${label}` : 'O');
    });
  }
  words.push('.');
  tags.push('O');
  return `${JSON.stringify({ words, tags })}\n`;
}

async function generate(): Promise<number> {
  const out = createWriteStream(file);
  let bytes = 0;
  let lines = 0;
  while (bytes < megabytes * 1e6) {
    let chunk = '';
    for (let i = 0; i < 1000; i++, lines++) chunk += sentence();
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return lines;
}

let start = performance.now();
const lines = await generate();
console.log(
  `generated ${lines} sentences, ${(statSync(file).size / 1e6).toFixed(0)} MB in ${((performance.now() - start) / 1000).toFixed(1)} s`,
);
const rssBefore = process.resourceUsage().maxRSS / 1024;

const store = new Store(openDatabase(join(work, 'big.sqlite')));
const projectId = store.projects.create('big').id;
let peakHeap = 0;
const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 50);
start = performance.now();
const result = await importPath(store, file, { projectId, format: 'phoner' });
clearInterval(sampler);
const seconds = (performance.now() - start) / 1000;
store.close();
const rss = process.resourceUsage().maxRSS / 1024;
console.log(
  `imported ${result.imported} documents, ${result.entities} entities in ${seconds.toFixed(1)} s (${(result.imported / seconds).toFixed(0)} docs/s)`,
);
console.log(
  `peak RSS ${rss.toFixed(0)} MB (${rssBefore.toFixed(0)} MB before the import), peak heap used ${(peakHeap / 2 ** 20).toFixed(0)} MB`,
);
rmSync(work, { recursive: true, force: true });
