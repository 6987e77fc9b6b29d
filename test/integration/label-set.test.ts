// Label set changes through the services (issue 12): a rename or merge rewrites the current annotations as new
// revisions and keeps the old ones readable; a delete is refused while annotations use the label unless forced;
// suggestions are stored through the project's model label mapping, and ones stored before a rename are shown and
// accepted under the new name; refusals name their field.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ContractError, validationError } from '../../core/contract/errors.js';
import { paramSchemas, type MethodName, type Params } from '../../core/contract/methods.js';
import { openWorkspace } from '../../main/hosts/workspace.js';
import { WorkbenchService } from '../../main/services/workbench-service.js';
import { engine as lexiconEngine } from '../e2e/support/lexicon-engine.js';

const TEXT = 'Bệnh nhân được chuyển đến Bệnh viện Đà Nẵng ngày 12/3 vì sốt cao ở Hà Nội.';

/** Code-point range of `phrase` in TEXT. */
function at(phrase: string): { start: number; end: number } {
  const start = Array.from(TEXT.slice(0, TEXT.indexOf(phrase))).length;
  return { start, end: start + Array.from(phrase).length };
}

async function workbench() {
  const dir = mkdtempSync(join(tmpdir(), 'wb-labels-'));
  const workspace = await openWorkspace(dir, { samples: false });
  const service = new WorkbenchService({
    store: workspace.store,
    dataDir: dir,
    host: 'browser',
    engine: lexiconEngine,
    version: 'test',
    actor: 'lan',
  });
  return {
    service,
    store: workspace.store,
    /** Calls a method as the hosts do: the parameters validated by the contract first. */
    async call<M extends MethodName>(method: M, params: Params<M>) {
      const parsed = paramSchemas[method].safeParse(params);
      if (!parsed.success) throw validationError(method, parsed.error);
      return (service[method] as (p: unknown) => Promise<unknown>)(parsed.data);
    },
    async close() {
      await service.close();
      workspace.store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

type Wb = Awaited<ReturnType<typeof workbench>>;

let files = 0;

async function importAnnotated(wb: Wb, entities: [string, string][]): Promise<number> {
  const line = JSON.stringify({
    text: TEXT,
    label: entities.map(([label, phrase]) => [at(phrase).start, at(phrase).end, label]),
  });
  await wb.service['documents.import']({
    projectId: 1,
    name: `doccano-${++files}.jsonl`,
    contentBase64: Buffer.from(`${line}\n`).toString('base64'),
    format: 'doccano',
  });
  return wb.store.documents.lastId(1);
}

async function refusal(
  promise: Promise<unknown>,
  code: string,
  field: string,
  message?: RegExp,
): Promise<ContractError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ContractError, `a ContractError, not ${error}`);
    assert.equal(error.code, code, error.message);
    assert.equal(error.field, field, error.message);
    if (message) assert.match(error.message, message);
    return error;
  }
  assert.fail('expected a refusal');
}

test('a rename appends a revision per document with the label replaced; the old revision stays readable', async () => {
  const wb = await workbench();
  try {
    const id = await importAnnotated(wb, [
      ['LOCATION', 'Hà Nội'],
      ['DATE', '12/3'],
      ['LOCATION', 'Đà Nẵng'],
    ]);
    const untouched = await importAnnotated(wb, [['DATE', '12/3']]);
    const change = await wb.service['labels.rename']({ projectId: 1, from: 'LOCATION', to: 'ĐỊA_ĐIỂM' });
    assert.deepEqual([change.documents, change.entities], [1, 2]);
    assert.ok(change.labels.some((l) => l.name === 'ĐỊA_ĐIỂM' && l.entities === 2));
    assert.ok(!change.labels.some((l) => l.name === 'LOCATION'));
    // The label keeps its place, colour and shortcut.
    const project = (await wb.service['projects.list']())[0];
    assert.equal(project.labels[5].name, 'ĐỊA_ĐIỂM');

    const history = await wb.service['annotations.history']({ documentId: id });
    assert.equal(history.length, 2);
    assert.deepEqual([history[1].author, history[1].note], ['lan', 'rename LOCATION → ĐỊA_ĐIỂM']);
    const old = await wb.service['annotations.revision']({ documentId: id, revisionId: history[0].id });
    assert.deepEqual(old.entities.map((e) => e.label).sort(), ['DATE', 'LOCATION', 'LOCATION']);
    const doc = await wb.service['documents.get']({ documentId: id });
    assert.equal(doc.revisionId, history[1].id);
    assert.deepEqual(doc.entities.map((e) => e.label).sort(), ['DATE', 'ĐỊA_ĐIỂM', 'ĐỊA_ĐIỂM']);
    assert.equal(
      (await wb.service['annotations.history']({ documentId: untouched })).length,
      1,
      'a document without the label gets no revision',
    );

    // Summaries and totals follow in the same transaction.
    const progress = await wb.service['documents.progress']({ projectId: 1 });
    assert.equal(progress.byLabel['ĐỊA_ĐIỂM'], 2);
    assert.equal(progress.byLabel.LOCATION, undefined);
    assert.equal((await wb.service['documents.list']({ projectId: 1, label: 'ĐỊA_ĐIỂM' })).total, 1);
    assert.equal((await wb.service['documents.list']({ projectId: 1, label: 'LOCATION' })).total, 0);
    // The log says who did it.
    const [event] = wb.store.events.recent({ type: 'labels', projectId: 1, limit: 1 });
    assert.deepEqual(event.payload, { action: 'rename', from: 'LOCATION', to: 'ĐỊA_ĐIỂM', documents: 1, entities: 2 });
  } finally {
    await wb.close();
  }
});

test('a merge turns several labels into one, once per span, as new revisions', async () => {
  const wb = await workbench();
  try {
    const id = await importAnnotated(wb, [
      ['LOCATION', 'Hà Nội'],
      ['ORGANIZATION', 'Hà Nội'],
      ['ORGANIZATION', 'Bệnh viện Đà Nẵng'],
      ['DATE', '12/3'],
    ]);
    const change = await wb.service['labels.merge']({ projectId: 1, from: ['LOCATION', 'ORGANIZATION'], into: 'NAME' });
    assert.deepEqual([change.documents, change.entities], [1, 3]);
    assert.ok(!change.labels.some((l) => l.name === 'LOCATION' || l.name === 'ORGANIZATION'));
    const doc = await wb.service['documents.get']({ documentId: id });
    assert.deepEqual(doc.entities, [
      { label: 'NAME', ...at('Bệnh viện Đà Nẵng') },
      { label: 'DATE', ...at('12/3') },
      { label: 'NAME', ...at('Hà Nội') },
    ]);
    const history = await wb.service['annotations.history']({ documentId: id });
    assert.deepEqual(
      history.map((h) => h.note),
      [null, 'merge LOCATION, ORGANIZATION → NAME'],
    );
    assert.equal(history[0].entityCount, 4);
    assert.equal((await wb.service['documents.progress']({ projectId: 1 })).byLabel.NAME, 2);
  } finally {
    await wb.close();
  }
});

test('a delete is refused while annotations use the label, and with force appends revisions without those entities', async () => {
  const wb = await workbench();
  try {
    const id = await importAnnotated(wb, [
      ['LOCATION', 'Hà Nội'],
      ['DATE', '12/3'],
    ]);
    await importAnnotated(wb, [['LOCATION', 'Đà Nẵng']]);
    const error = await refusal(
      wb.service['labels.delete']({ projectId: 1, name: 'LOCATION' }),
      'conflict',
      'name',
      /2 entities in 2 documents/,
    );
    assert.deepEqual(error.detail, { entities: 2, documents: 2 });
    assert.equal((await wb.service['annotations.history']({ documentId: id })).length, 1, 'nothing changed');
    assert.ok((await wb.service['labels.list']({ projectId: 1 })).labels.some((l) => l.name === 'LOCATION'));

    const change = await wb.service['labels.delete']({ projectId: 1, name: 'LOCATION', force: true });
    assert.deepEqual([change.documents, change.entities], [2, 2]);
    assert.ok(!change.labels.some((l) => l.name === 'LOCATION'));
    const doc = await wb.service['documents.get']({ documentId: id });
    assert.deepEqual(doc.entities, [{ label: 'DATE', ...at('12/3') }]);
    const history = await wb.service['annotations.history']({ documentId: id });
    assert.deepEqual(
      history.map((h) => [h.note, h.entityCount]),
      [
        [null, 2],
        ['delete LOCATION', 1],
      ],
    );
    // An unused label goes without force.
    await wb.service['labels.delete']({ projectId: 1, name: 'JOB' });
    assert.equal((await wb.service['documents.progress']({ projectId: 1 })).byLabel.LOCATION, undefined);
  } finally {
    await wb.close();
  }
});

test("a model's labels are stored through the project's mapping; suggestions from before a rename read under the new name", async () => {
  const wb = await workbench();
  try {
    await wb.service['labels.add']({ projectId: 1, name: 'NƠI_CHỐN', colour: '#123ABC', shortcut: 'z' });
    await wb.service['labels.map']({
      projectId: 1,
      model: 'lexicon',
      modelLabel: 'LOCATION',
      projectLabel: 'NƠI_CHỐN',
    });
    await wb.service['labels.map']({
      projectId: 1,
      model: 'another-model',
      modelLabel: 'DATE',
      projectLabel: 'NƠI_CHỐN',
    });
    const id = await importAnnotated(wb, []);
    const job = await wb.service['preannotate.start']({
      projectId: 1,
      scope: 'selected',
      documentIds: [id],
      model: { kind: 'embedded' },
    });
    assert.equal((await wb.service.jobs.settled(job.id))?.state, 'done');
    const stored = wb.store.suggestions
      .forDocument(id)[0]
      .spans.map((s) => s.label)
      .sort();
    assert.deepEqual(
      stored,
      ['DATE', 'NƠI_CHỐN', 'ORGANIZATION', 'SYMPTOM_AND_DISEASE'],
      "lexicon's LOCATION is stored as NƠI_CHỐN; another model's mapping does not apply",
    );

    // A rename: the stored suggestion stays as the model wrote it (append-only) but reads, and is accepted, as NGÀY.
    await wb.service['labels.rename']({ projectId: 1, from: 'DATE', to: 'NGÀY' });
    assert.equal(
      wb.store.suggestions.forDocument(id)[0].spans.find((s) => s.start === at('12/3').start)?.label,
      'DATE',
    );
    let doc = await wb.service['documents.get']({ documentId: id });
    const date = doc.suggestions.find((s) => s.start === at('12/3').start);
    assert.equal(date?.label, 'NGÀY');
    assert.equal(
      (await wb.service['documents.list']({ projectId: 1, label: 'NGÀY' })).total,
      1,
      'the summary reads it so too',
    );
    assert.equal((await wb.service['documents.list']({ projectId: 1, label: 'DATE' })).total, 0);
    await wb.service['annotations.save']({
      documentId: id,
      parentRevisionId: doc.revisionId,
      entities: [{ label: date!.label, start: date!.start, end: date!.end }],
      outcomes: [{ suggestedSpanId: date!.id, outcome: 'accepted' }],
      note: 'accept',
    });
    doc = await wb.service['documents.get']({ documentId: id });
    assert.deepEqual(doc.entities, [{ label: 'NGÀY', ...at('12/3') }]);
    assert.ok(!doc.suggestions.some((s) => s.start === at('12/3').start));

    // A later run stores the old name under the new one, and the mapping onto the renamed label follows it.
    await wb.service['labels.rename']({ projectId: 1, from: 'NƠI_CHỐN', to: 'VỊ_TRÍ' });
    const mappings = (await wb.service['labels.list']({ projectId: 1 })).mappings;
    assert.deepEqual(mappings, [
      { model: '*', modelLabel: 'DATE', projectLabel: 'NGÀY' },
      { model: '*', modelLabel: 'NƠI_CHỐN', projectLabel: 'VỊ_TRÍ' },
      { model: 'another-model', modelLabel: 'DATE', projectLabel: 'VỊ_TRÍ' },
      { model: 'lexicon', modelLabel: 'LOCATION', projectLabel: 'VỊ_TRÍ' },
    ]);
    const again = await wb.service['preannotate.start']({
      projectId: 1,
      scope: 'selected',
      documentIds: [id],
      model: { kind: 'embedded' },
    });
    await wb.service.jobs.settled(again.id);
    const latest = wb.store.suggestions
      .forDocument(id)
      .at(-1)!
      .spans.map((s) => s.label)
      .sort();
    assert.deepEqual(latest, ['NGÀY', 'ORGANIZATION', 'SYMPTOM_AND_DISEASE', 'VỊ_TRÍ']);

    // Unmapping: the model's label is stored as it is again.
    await wb.service['labels.map']({ projectId: 1, model: 'lexicon', modelLabel: 'LOCATION', projectLabel: null });
    const third = await wb.service['preannotate.start']({
      projectId: 1,
      scope: 'selected',
      documentIds: [id],
      model: { kind: 'embedded' },
    });
    await wb.service.jobs.settled(third.id);
    assert.ok(
      wb.store.suggestions
        .forDocument(id)
        .at(-1)!
        .spans.some((s) => s.label === 'LOCATION'),
    );
  } finally {
    await wb.close();
  }
});

test('recolour and shortcut changes are plain updates; adding back a renamed name ends its mapping', async () => {
  const wb = await workbench();
  try {
    const id = await importAnnotated(wb, [['DATE', '12/3']]);
    let set = await wb.service['labels.update']({ projectId: 1, name: 'DATE', colour: '#00AA00' });
    assert.equal(set.labels.find((l) => l.name === 'DATE')?.colour, '#00aa00');
    set = await wb.service['labels.update']({ projectId: 1, name: 'DATE', shortcut: 'd' });
    assert.equal(set.labels.find((l) => l.name === 'DATE')?.shortcut, 'd');
    set = await wb.service['labels.update']({ projectId: 1, name: 'DATE', shortcut: null });
    assert.equal(set.labels.find((l) => l.name === 'DATE')?.shortcut, null);
    assert.equal((await wb.service['annotations.history']({ documentId: id })).length, 1, 'no revision for a colour');

    await wb.service['labels.rename']({ projectId: 1, from: 'DATE', to: 'NGÀY' });
    set = await wb.service['labels.add']({ projectId: 1, name: 'DATE' });
    assert.deepEqual(set.mappings, [], 'DATE is a label of the project again');
  } finally {
    await wb.close();
  }
});

test('refusals name their field', async () => {
  const wb = await workbench();
  try {
    await refusal(wb.call('labels.add', { projectId: 1, name: 'hai  từ' }), 'invalid', 'name', /two spaces in a row/);
    await refusal(
      wb.call('labels.add', { projectId: 1, name: 'hai\u00a0từ' }),
      'invalid',
      'name',
      /whitespace other than a plain space/,
    );
    await refusal(wb.call('labels.add', { projectId: 1, name: 'x'.repeat(65) }), 'invalid', 'name', /longer than 64/);
    await refusal(wb.call('labels.add', { projectId: 1, name: 'NEW', colour: 'red' }), 'invalid', 'colour');
    await refusal(wb.call('labels.add', { projectId: 1, name: 'NEW', shortcut: 'ab' }), 'invalid', 'shortcut');
    await refusal(wb.call('labels.add', { projectId: 1, name: 'NEW', shortcut: ']' }), 'invalid', 'shortcut');
    await refusal(
      wb.call('labels.add', { projectId: 1, name: 'DATE' }),
      'conflict',
      'name',
      /already has a label "DATE"/,
    );
    await refusal(
      wb.call('labels.add', { projectId: 1, name: 'NEW', shortcut: '1' }),
      'conflict',
      'shortcut',
      /PATIENT_ID/,
    );
    await refusal(
      wb.call('labels.rename', { projectId: 1, from: 'NOPE', to: 'X' }),
      'not-found',
      'from',
      /no label "NOPE"/,
    );
    await refusal(wb.call('labels.rename', { projectId: 1, from: 'DATE', to: 'AGE' }), 'conflict', 'to', /merge/);
    await refusal(wb.call('labels.rename', { projectId: 1, from: 'DATE', to: 'DATE' }), 'invalid', 'to');
    await refusal(
      wb.call('labels.rename', { projectId: 1, from: 'DATE', to: 'a\u0000b' }),
      'invalid',
      'to',
      /control character/,
    );
    await refusal(wb.call('labels.merge', { projectId: 1, from: ['DATE', 'AGE'], into: 'AGE' }), 'invalid', 'from.1');
    await refusal(
      wb.call('labels.merge', { projectId: 1, from: ['DATE', 'NOPE'], into: 'AGE' }),
      'not-found',
      'from.1',
    );
    await refusal(wb.call('labels.merge', { projectId: 1, from: ['DATE'], into: 'NOPE' }), 'not-found', 'into');
    await refusal(wb.call('labels.merge', { projectId: 1, from: [], into: 'AGE' }), 'invalid', 'from');
    await refusal(wb.call('labels.delete', { projectId: 1, name: 'NOPE' }), 'not-found', 'name');
    await refusal(wb.call('labels.update', { projectId: 1, name: 'DATE' }), 'invalid', 'colour');
    await refusal(
      wb.call('labels.update', { projectId: 1, name: 'DATE', shortcut: '2' }),
      'conflict',
      'shortcut',
      /NAME/,
    );
    await refusal(
      wb.call('labels.map', { projectId: 1, modelLabel: 'PER', projectLabel: 'NOPE' }),
      'not-found',
      'projectLabel',
    );
    await refusal(
      wb.call('labels.map', { projectId: 1, modelLabel: 'PER', projectLabel: null }),
      'not-found',
      'modelLabel',
    );
    await refusal(wb.call('labels.list', { projectId: 9 }), 'not-found', 'projectId');
    // At most 50 labels: the default project has 10.
    for (let i = 0; i < 40; i++) await wb.call('labels.add', { projectId: 1, name: `L${i}`, shortcut: null });
    await refusal(wb.call('labels.add', { projectId: 1, name: 'L50' }), 'invalid', 'name', /at most 50/);
    // Any Unicode, inner single spaces too: emoji and spaced names are names like any other.
    await wb.call('labels.rename', { projectId: 1, from: 'L0', to: '🦠 virus' });
    assert.ok((await wb.service['labels.list']({ projectId: 1 })).labels.some((l) => l.name === '🦠 virus'));
  } finally {
    await wb.close();
  }
});
