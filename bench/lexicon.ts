// Lexicon suggestions at project scale (issue 12, point 4: "lexicon suggestions appear ≤ 1 s after a document is
// marked done"). Builds a project of ~10,000 documents (PhoNER_COVID19 train+dev+test from ../shared/data when it is
// there, read in place and never copied; otherwise synthetic sentences), `done` of them finished with their gold
// entities, the rest unannotated. Then, as an annotator would, saves the gold entities of an unfinished document and
// marks it done through the service, and measures from `documents.setStatus` to the first lexicon suggestion stored
// on another document (its `document.changed` event follows the commit) and to the end of the re-suggestion pass,
// with the event loop's worst delay meanwhile. Before the rounds, a document is marked done while the first sweep
// (every unfinished document matched once, after the lexicon is built on the project's first edit) runs.
//   node --import tsx bench/lexicon.ts [done=1000] [rounds=30]
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Entity } from '../core/document.js';
import { Lexicon } from '../core/lexicon/lexicon.js';
import { openWorkspace, repoRoot } from '../main/hosts/workspace.js';
import { unavailableEngine } from '../main/services/engine-port.js';
import { WorkbenchService } from '../main/services/workbench-service.js';

const doneCount = Number(process.argv[2] ?? 1000);
const rounds = Number(process.argv[3] ?? 30);
const phoner = join(repoRoot, '..', 'shared', 'data', 'phoner_covid19');

// PhoNER syllable records: words joined by spaces, BIO tags to code-point entities.
function phonerDocs(): { text: string; entities: Entity[] }[] {
  const out: { text: string; entities: Entity[] }[] = [];
  for (const split of ['train', 'dev', 'test']) {
    for (const line of readFileSync(join(phoner, `${split}_syllable.jsonl`), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const record = JSON.parse(line) as { words: string[]; tags: string[] };
      const words = record.words.map((w) => w.normalize('NFC')); // a few PhoNER words are NFD
      const tags = record.tags;
      const entities: Entity[] = [];
      let at = 0;
      let open: Entity | undefined;
      words.forEach((w, i) => {
        const tag = tags[i];
        const length = Array.from(w).length;
        if (tag.startsWith('I-') && open && open.label === tag.slice(2)) open.end = at + length;
        else {
          open = tag === 'O' ? undefined : { label: tag.slice(2), start: at, end: at + length };
          if (open) entities.push(open);
        }
        at += length + 1;
      });
      out.push({ text: words.join(' '), entities });
    }
  }
  return out;
}

function syntheticDocs(n: number): { text: string; entities: Entity[] }[] {
  const places = Array.from({ length: 400 }, (_, i) => `Phường ${i + 1}`);
  const symptoms = ['sốt', 'ho khan', 'khó thở', 'đau họng', 'mất vị giác'];
  return Array.from({ length: n }, (_, i) => {
    const place = places[(i * 7) % places.length];
    const symptom = symptoms[i % symptoms.length];
    const text = `Bệnh nhân ${i} ở ${place} có triệu chứng ${symptom} từ ngày ${(i % 28) + 1}/7.`;
    const p = text.indexOf(place);
    const s = text.indexOf(symptom);
    return {
      text,
      entities: [
        { label: 'LOCATION', start: p, end: p + place.length },
        { label: 'SYMPTOM_AND_DISEASE', start: s, end: s + symptom.length },
      ],
    };
  });
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))];
const ms = (v: number) => `${v.toFixed(1)} ms`;

async function main(): Promise<void> {
  const source = existsSync(join(phoner, 'train_syllable.jsonl'))
    ? 'PhoNER_COVID19 train+dev+test (syllables)'
    : 'synthetic';
  const docs = source === 'synthetic' ? syntheticDocs(10_000) : phonerDocs();
  const dir = mkdtempSync(join(tmpdir(), 'wb-lexicon-'));
  try {
    const workspace = await openWorkspace(dir, { samples: false });
    const store = workspace.store;
    const projectId = 1;
    store.transaction(() =>
      docs.forEach((d, i) => {
        const id = store.documents.insert({
          projectId,
          name: `d${i}`,
          text: d.text,
          contentHash: createHash('sha256').update(d.text).digest('hex'),
          source: 'bench',
          sourceRef: String(i),
          split: null,
          status: i < doneCount ? 'done' : 'new',
        });
        if (i < doneCount)
          store.revisions.append({ documentId: id, parentId: null, author: 'gold', entities: d.entities });
      }),
    );
    const service = new WorkbenchService({
      store,
      dataDir: dir,
      host: 'browser',
      engine: unavailableEngine,
      version: 'bench',
    });
    await service.index.summariseStale();
    console.log(
      `${source}: ${docs.length} documents, ${doneCount} done; ${cpus()[0]?.model ?? 'cpu'} (${cpus().length} cores), Node ${process.version}`,
    );

    let firstAt: number | undefined;
    let touched = 0;
    service.events.on((e) => {
      if (e.type !== 'document.changed' || e.reason !== 'suggestions') return;
      touched++;
      firstAt ??= performance.now();
    });
    let worstLag = 0;
    let lastTick = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      worstLag = Math.max(worstLag, now - lastTick - 5);
      lastTick = now;
    }, 5);

    let startAt = doneCount + 1;
    // Marked done while the first sweep (every unfinished document matched once) runs: the update goes first.
    {
      const firstEdited = doneCount + docs.slice(doneCount).findIndex((d) => d.entities.length > 0) + 1;
      await service['annotations.save']({
        documentId: firstEdited,
        parentRevisionId: null,
        entities: docs[firstEdited - 1].entities,
      });
      const built = performance.now();
      const lexicon = await service.lexicon.lexiconOf(projectId);
      console.log(
        `the first edit builds the lexicon from ${doneCount} done documents in the background: ${ms(performance.now() - built)}; then every unfinished document is matched once (the sweep)`,
      );
      // Document a and a later document b where a (form, label) pair new to the lexicon, from a's entities, will be suggested.
      const key = (e: Entity) => `${e.label}@${e.start}-${e.end}`;
      let a = firstEdited;
      let target: { id: number; span: string } | undefined;
      for (; a < firstEdited + 200 && !target; a++) {
        if (docs[a - 1].entities.length === 0) continue;
        const own = Lexicon.build([{ text: docs[a - 1].text, entities: docs[a - 1].entities }]);
        for (let b = a + 1; b <= Math.min(docs.length, a + 3000) && !target; b++) {
          const surface = (e: Entity) =>
            Array.from(docs[b - 1].text)
              .slice(e.start, e.end)
              .join(''); // PhoNER text: one space between syllables
          const fresh = own.match(docs[b - 1].text).find((e) => lexicon.counts(surface(e), e.label).annotated === 0);
          if (fresh) target = { id: b, span: key(fresh) };
        }
      }
      a--;
      startAt = Math.max(a, target?.id ?? 0) + 1;
      if (a !== firstEdited)
        await service['annotations.save']({ documentId: a, parentRevisionId: null, entities: docs[a - 1].entities });
      if (target) {
        let seenAt: number | undefined;
        const off = service.events.on((e) => {
          if (seenAt !== undefined || e.type !== 'document.changed' || e.documentId !== target.id) return;
          const runs = store.suggestions.forDocument(target.id);
          if (runs.at(-1)?.spans.some((sp) => key(sp) === target.span)) seenAt = performance.now();
        });
        const start = performance.now();
        await service['documents.setStatus']({ documentId: a, status: 'done' });
        while (seenAt === undefined && performance.now() - start < 30_000) await new Promise((r) => setTimeout(r, 1));
        console.log(
          `marked done during the sweep (document ${a}): its new entry suggested on document ${target.id} after ${seenAt === undefined ? 'more than 30 s' : ms(seenAt - start)}`,
        );
        off();
      }
      const sweep = performance.now();
      await service.lexicon.settled();
      console.log(`the sweep finished ${ms(performance.now() - sweep)} later`);
    }

    const first: number[] = [];
    const all: number[] = [];
    const lags: number[] = [];
    const counts: number[] = [];
    let cold: { first: number; all: number } | undefined;
    worstLag = 0;
    lastTick = performance.now();
    for (let id = startAt, round = 0; round < rounds && id <= docs.length; id++) {
      const gold = docs[id - 1];
      if (gold.entities.length === 0) continue;
      await service['annotations.save']({ documentId: id, parentRevisionId: null, entities: gold.entities });
      await service.lexicon.settled();
      firstAt = undefined;
      touched = 0;
      worstLag = 0;
      lastTick = performance.now();
      const start = performance.now();
      await service['documents.setStatus']({ documentId: id, status: 'done' });
      await service.lexicon.settled();
      const end = performance.now();
      if (firstAt === undefined) continue; // nothing new to suggest elsewhere: not a measurement of this
      if (!cold) {
        cold = { first: firstAt - start, all: end - start };
        console.log(
          `round 1 after the sweep: first suggestion ${ms(cold.first)}, all ${ms(cold.all)} (${touched} documents)`,
        );
      } else {
        first.push(firstAt - start);
        all.push(end - start);
        lags.push(worstLag);
        counts.push(touched);
      }
      round++;
    }
    clearInterval(ticker);
    const lexicon = await service.lexicon.lexiconOf(projectId);
    console.log(`lexicon: ${lexicon.entryCount} entries from ${lexicon.documentCount} documents`);
    console.log(
      `${first.length} warm rounds: setStatus(done) -> first suggestion stored on another document: median ${ms(percentile(first, 50))}, p95 ${ms(percentile(first, 95))}, max ${ms(Math.max(...first))}`,
    );
    console.log(
      `  -> every unfinished document holding the new entries re-suggested: median ${ms(percentile(all, 50))}, p95 ${ms(percentile(all, 95))}, max ${ms(Math.max(...all))}; documents per round median ${percentile(counts, 50)}, max ${Math.max(...counts)}`,
    );
    console.log(
      `  event loop's worst delay during a round: median ${ms(percentile(lags, 50))}, max ${ms(Math.max(...lags))}`,
    );
    await service.close();
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
