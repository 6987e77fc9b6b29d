import { existsSync } from 'node:fs';
import { ioToIob2, isIob1, isIoTagged } from '../../../core/bio.js';
import { InputError, type Issue } from '../../../core/issues.js';
import { entityF1 } from '../../../core/metrics/entity-f1.js';
import { seqevalStrictReport } from '../../../core/metrics/seqeval-strict.js';
import { readDocs, type DecodedDoc } from '../../services/decode-service.js';
import { flatTags } from '../../services/flat-tags.js';
import { formatReport } from '../report-table.js';
import { FORMAT_OPTIONS, UsageError, codecOption, parse, positionals, type Command } from '../cli-support.js';

const usage = `usage: workbench eval --gold FILE --pred FILE --format FORMAT [--variant V] [--json]

Strict entity precision / recall / F1 (exact label and span): micro, macro, weighted and per label.
Documents are paired in order and must have the same text. Flat BIO files (phoner, or conll with one tag
column) are scored exactly as seqeval's strict IOB2 mode scores them; a flat file with I- tags only (IO) is read with
each run of one label as one entity, as import reads it.`;

/** Refuses to pair documents whose texts differ: the scores would be meaningless. */
export function checkPaired(gold: DecodedDoc[], pred: DecodedDoc[], goldName: string, predName: string): void {
  if (gold.length !== pred.length)
    throw new UsageError(`${goldName} has ${gold.length} documents, ${predName} has ${pred.length}`);
  const issues: Issue[] = [];
  gold.forEach((g, i) => {
    if (g.doc.text !== pred[i].doc.text && issues.length < 20) {
      issues.push({
        severity: 'error',
        file: pred[i].file,
        line: pred[i].line,
        field: 'text',
        message: `document ${i + 1} differs from ${g.file}:${g.line}`,
      });
    }
  });
  if (issues.length > 0) throw new InputError(issues);
}

export const evalCommand: Command = {
  name: 'eval',
  summary: 'score predictions against gold (strict entity P/R/F1)',
  usage,
  async run(args) {
    const { values, positionals: rest } = parse(
      args,
      {
        gold: { type: 'string' },
        pred: { type: 'string' },
        ...FORMAT_OPTIONS,
        json: { type: 'boolean' },
      },
      usage,
    );
    positionals(rest, [], usage);
    if (!values.gold || !values.pred) throw new UsageError('--gold and --pred are required', usage);
    for (const path of [values.gold, values.pred])
      if (!existsSync(path)) throw new UsageError(`${path} does not exist`);
    const codec = codecOption(values.format, usage);
    const gold = await readDocs(values.gold, codec, values.variant);
    const pred = await readDocs(values.pred, codec, values.variant);
    checkPaired(gold.docs, pred.docs, values.gold, values.pred);
    // An IO-tagged file (I- tags only) means a run of one label is one entity, and an IOB1 file that an I- tag may
    // start one, as import reads both; strict IOB2 would drop every such entity, so each is read as the IOB2 it
    // stands for.
    const asIob2 = (tags: string[][] | undefined, path: string) => {
      if (!tags) return tags;
      if (isIoTagged(tags))
        console.error(
          `${path}: IO-tagged (I- tags only, no B-): each run of I- tags of one label is read as one entity`,
        );
      else if (isIob1(tags))
        console.error(`${path}: IOB1 (an I- tag starts an entity, B- only where two of one label touch): read as such`);
      else return tags;
      return tags.map(ioToIob2);
    };
    const goldTags = asIob2(await flatTags(values.gold, codec), values.gold);
    const predTags = goldTags && asIob2(await flatTags(values.pred, codec), values.pred);
    const flat = goldTags !== undefined && predTags !== undefined;
    const report = flat
      ? seqevalStrictReport(goldTags, predTags)
      : entityF1(gold.docs.map((g, i) => ({ gold: g.doc.entities, pred: pred.docs[i].doc.entities })));
    // BIOES / BILOU tags (E-, S-, L-, U-) end and make one-token entities; read that way, they are scored as spans.
    const endTags =
      flat && [goldTags, predTags].some((file) => file.some((tags) => tags.some((t) => /^[ESLU]-/.test(t))));
    const mode = !flat ? 'strict entity match' : endTags ? 'strict spans of BIOES / BILOU tags' : 'seqeval strict IOB2';
    if (values.json) console.log(JSON.stringify({ mode, documents: gold.docs.length, ...report }, null, 2));
    else console.log(`${gold.docs.length} documents, ${mode}\n\n${formatReport(report)}`);
    return 0;
  },
};
