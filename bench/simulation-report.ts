// Markdown tables of a `workbench simulate` run (its results.json), for bench/RESULTS.md:
//   node --import tsx bench/simulation-report.ts [bench/simulation/results.json]
import { readFileSync } from 'node:fs';

interface Round { round: number; labeled: number; dev: { p: number; r: number; f1: number }; editsPerSentence: number | null; fineTuneSeconds: number; rankSeconds: number }
interface Results {
  devSentences: number;
  poolSentences: number;
  runs: { name: string; rounds: Round[] }[];
  summary: { name: string; meanEditsPerSentence: number | null; reachesRandomFinal?: { f1: number; atLabeled: number; labeledNeeded: number | null } }[];
}

const path = process.argv[2] ?? 'bench/simulation/results.json';
const results = JSON.parse(readFileSync(path, 'utf8')) as Results;
const names = results.runs.map((r) => r.name);
const labeled = [...new Set(results.runs.flatMap((r) => r.rounds.map((x) => x.labeled)))].sort((a, b) => a - b);
const cell = (name: string, n: number, pick: (r: Round) => string) => {
  const round = results.runs.find((r) => r.name === name)!.rounds.find((x) => x.labeled === n);
  return round ? pick(round) : '';
};

console.log(`Dev micro-F1 (strict spans, ${results.devSentences} dev sentences) by sentences annotated; pool ${results.poolSentences} training sentences.\n`);
console.log(`| sentences | ${names.join(' | ')} |`);
console.log(`| ---: | ${names.map(() => '---:').join(' | ')} |`);
for (const n of labeled) console.log(`| ${n} | ${names.map((name) => cell(name, n, (r) => r.dev.f1.toFixed(4))).join(' | ')} |`);
console.log(`\nSpan edits per sentence the current model's suggestions needed on the sentences each round picked:\n`);
console.log(`| sentences after the round | ${names.join(' | ')} |`);
console.log(`| ---: | ${names.map(() => '---:').join(' | ')} |`);
for (const n of labeled.slice(1)) console.log(`| ${n} | ${names.map((name) => cell(name, n, (r) => r.editsPerSentence?.toFixed(2) ?? '')).join(' | ')} |`);
console.log(`\nFine-tune seconds per round (train + export; 3 strategies in parallel, 1 thread each):\n`);
console.log(`| sentences | ${names.join(' | ')} |`);
console.log(`| ---: | ${names.map(() => '---:').join(' | ')} |`);
for (const n of labeled) console.log(`| ${n} | ${names.map((name) => cell(name, n, (r) => r.fineTuneSeconds.toFixed(0))).join(' | ')} |`);
console.log('\n| strategy | mean edits / sentence | reaches random\'s final F1 at |');
console.log('| --- | ---: | ---: |');
for (const s of results.summary) {
  const reach = s.reachesRandomFinal ? `${s.reachesRandomFinal.labeledNeeded ?? 'not within the budget'} (target ${s.reachesRandomFinal.f1.toFixed(4)} at ${s.reachesRandomFinal.atLabeled})` : '';
  console.log(`| ${s.name} | ${s.meanEditsPerSentence?.toFixed(2) ?? ''} | ${reach} |`);
}
