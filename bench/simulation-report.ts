// Markdown tables of a `workbench simulate` run (its results.json), for bench/RESULTS.md:
//   node --import tsx bench/simulation-report.ts [RESULTS]   (default: the reference run, assets/simulations/phoner-covid19/results.json)
import { readFileSync } from 'node:fs';

interface Round {
  round: number;
  labeled: number;
  dev: { p: number; r: number; f1: number };
  editsPerSentence: number | null;
  fineTuneSeconds: number;
  rankSeconds: number;
}
interface Results {
  devSentences: number;
  poolSentences: number;
  runs: { name: string; rounds: Round[] }[];
  summary: {
    name: string;
    meanEditsPerSentence: number | null;
    reachesRandomFinal?: { f1: number; atLabeled: number; labeledNeeded: number | null };
  }[];
}

const path = process.argv[2] ?? 'assets/simulations/phoner-covid19/results.json';
const results = JSON.parse(readFileSync(path, 'utf8')) as Results;
const names = results.runs.map((r) => r.name);
const labeled = [...new Set(results.runs.flatMap((r) => r.rounds.map((x) => x.labeled)))].sort((a, b) => a - b);
const cell = (name: string, n: number, pick: (r: Round) => string) => {
  const round = results.runs.find((r) => r.name === name)!.rounds.find((x) => x.labeled === n);
  return round ? pick(round) : '';
};

console.log(
  `Dev micro-F1 (strict spans, ${results.devSentences} dev sentences) by sentences annotated; pool ${results.poolSentences} training sentences.\n`,
);
console.log(`| sentences | ${names.join(' | ')} |`);
console.log(`| ---: | ${names.map(() => '---:').join(' | ')} |`);
for (const n of labeled)
  console.log(`| ${n} | ${names.map((name) => cell(name, n, (r) => r.dev.f1.toFixed(4))).join(' | ')} |`);
console.log(`\nSpan edits per sentence the current model's suggestions needed on the sentences each round picked:\n`);
console.log(`| sentences after the round | ${names.join(' | ')} |`);
console.log(`| ---: | ${names.map(() => '---:').join(' | ')} |`);
for (const n of labeled.slice(1))
  console.log(
    `| ${n} | ${names.map((name) => cell(name, n, (r) => r.editsPerSentence?.toFixed(2) ?? '')).join(' | ')} |`,
  );
console.log(`\nFine-tune seconds per round (train + export; 3 strategies in parallel, 1 thread each):\n`);
console.log(`| sentences | ${names.join(' | ')} |`);
console.log(`| ---: | ${names.map(() => '---:').join(' | ')} |`);
for (const n of labeled)
  console.log(`| ${n} | ${names.map((name) => cell(name, n, (r) => r.fineTuneSeconds.toFixed(0))).join(' | ')} |`);
// Span edits the annotator made up to `labeled` sentences (the seed's are not counted: no model suggested them).
const editsUpTo = (name: string, labeled: number) => {
  const rounds = results.runs.find((r) => r.name === name)!.rounds;
  let total = 0;
  for (let i = 1; i < rounds.length && rounds[i].labeled <= labeled; i++)
    total += (rounds[i].editsPerSentence ?? 0) * (rounds[i].labeled - rounds[i - 1].labeled);
  return Math.round(total);
};
console.log(
  "\n| strategy | mean edits / sentence | reaches random's final F1 at (sentences) | span edits made by then |",
);
console.log('| --- | ---: | ---: | ---: |');
for (const s of results.summary) {
  const reach = s.reachesRandomFinal;
  const at = reach
    ? reach.labeledNeeded === null
      ? 'not within the budget'
      : `${reach.labeledNeeded} (target ${reach.f1.toFixed(4)} at ${reach.atLabeled})`
    : '';
  const edits = reach?.labeledNeeded ? String(editsUpTo(s.name, reach.labeledNeeded)) : '';
  console.log(`| ${s.name} | ${s.meanEditsPerSentence?.toFixed(2) ?? ''} | ${at} | ${edits} |`);
}
