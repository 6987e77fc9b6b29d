// preannotate.trace with the real embedded model: the replay's last step is what the model suggests for the text,
// its first step is all masks, tokens only fill in; limits and conflicts are refused with a reason.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ContractError } from '../../core/contract/errors.js';
import { DiffusionEnginePort } from '../../main/engine/engine-port-adapter.js';
import { openWorkspace, repoRoot, type Workspace } from '../../main/hosts/workspace.js';
import { TRACE_MAX_CHARACTERS } from '../../main/services/denoising-trace.js';
import { WorkbenchService } from '../../main/services/workbench-service.js';

const EMBEDDED = join(repoRoot, 'assets', 'model');
const skip = existsSync(join(EMBEDDED, 'manifest.json')) ? false : 'the embedded model is not built (assets/model)';
const TEXT = 'Bệnh nhân 35 tuổi ở Hà Nội có triệu chứng sốt.\nBà Hoa ở Huế đã âm tính.';

let dir: string;
let workspace: Workspace;
let service: WorkbenchService;

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'wb-trace-'));
  workspace = await openWorkspace(dir, { samples: false });
  const engine = new DiffusionEnginePort({
    embeddedDir: EMBEDDED,
    engine: { device: 'cpu', intraOpThreads: 1, interOpThreads: 1 },
  });
  service = new WorkbenchService({ store: workspace.store, dataDir: dir, host: 'browser', engine, version: 'test' });
  await service['documents.import']({
    projectId: 1,
    name: 'ca-benh.txt',
    contentBase64: Buffer.from(TEXT).toString('base64'),
    format: 'text',
    variant: 'file',
  });
});

after(async () => {
  if (skip) return;
  await service.close();
  workspace.store.close();
  rmSync(dir, { recursive: true, force: true });
});

test(
  'the replay starts all masked, only fills in, and ends on the suggestions a job stores',
  { skip, timeout: 60_000 },
  async () => {
    const { items: documents } = await service['documents.list']({ projectId: 1 });
    const id = documents[0].id;
    const trace = await service['preannotate.trace']({ documentId: id, model: { kind: 'embedded' } });
    assert.equal(trace.documentId, id);
    assert.ok(trace.segments.length >= 1);
    for (const segment of trace.segments) {
      assert.equal(segment.aligned, true);
      const first = segment.steps[0];
      const last = segment.steps.at(-1)!;
      assert.equal(first.length, segment.tokens.length, 'an aligned canvas has one position per text token');
      assert.ok(
        first.some((token) => token === null),
        'the first step leaves masks',
      );
      assert.ok(
        last.every((token) => token !== null),
        'the last step has committed every position',
      );
      for (let s = 1; s < segment.steps.length; s++) {
        segment.steps[s - 1].forEach(
          (token, i) =>
            token !== null && assert.equal(segment.steps[s][i], token, `step ${s + 1} changed position ${i}`),
        );
      }
    }
    // The labels of the last step spell the entities a pre-annotation job stores for the same text.
    const labelled = trace.segments.flatMap((segment) =>
      segment.tokens.filter((_, i) => segment.steps.at(-1)![i] !== 'O'),
    );
    const job = await service['preannotate.start']({
      projectId: 1,
      scope: 'selected',
      documentIds: [id],
      model: { kind: 'embedded' },
    });
    await service.jobs.settled(job.id);
    const view = await service['documents.get']({ documentId: id });
    assert.ok(labelled.length > 0 && view.suggestions.length > 0);
    for (const s of view.suggestions)
      assert.ok(
        labelled.some((t) => t.start === s.start),
        `a suggestion at ${s.start} starts on a labelled token`,
      );
  },
);

test('a replay is refused for a document over the limit and while a job runs', { skip, timeout: 60_000 }, async () => {
  await service['documents.import']({
    projectId: 1,
    name: 'dai.txt',
    contentBase64: Buffer.from('Hà Nội. '.repeat(TRACE_MAX_CHARACTERS / 4)).toString('base64'),
    format: 'text',
    variant: 'file',
  });
  const { items: documents } = await service['documents.list']({ projectId: 1 });
  const longId = documents.find((d) => d.name.startsWith('dai'))?.id;
  assert.ok(longId, JSON.stringify(documents.map((d) => d.name)));
  await assert.rejects(
    service['preannotate.trace']({ documentId: longId, model: { kind: 'embedded' } }),
    (e: ContractError) => e.code === 'invalid' && /up to 5,000 characters; this one has 10,000/.test(e.message),
  );
  const job = await service['preannotate.start']({ projectId: 1, scope: 'unfinished', model: { kind: 'embedded' } });
  await assert.rejects(
    service['preannotate.trace']({ documentId: documents[0].id, model: { kind: 'embedded' } }),
    (e: ContractError) => e.code === 'conflict',
  );
  // The job is not what this test is about: the 10,000-character document would keep it busy for most of a minute.
  await service['jobs.cancel']({ jobId: job.id });
  await service.jobs.settled(job.id);
});
