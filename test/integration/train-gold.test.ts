// Training learns from the gold standard (issue 15): a curator's gold wins over the shared line, a document one
// annotator finished on their own line counts, and a document nobody finished does not. The trainer is a stand-in
// that keeps the files it was given (the real one: train-project.test.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import type { CallContext } from '../../core/contract/roles.js';
import type { EnginePort, EngineSession } from '../../main/services/engine-port.js';
import type { FineTuneArgs, FineTuneResult } from '../../main/training/fine-tune-process.js';
import { tinyPackageCopy } from '../support/tiny-package.js';
import { tempService } from '../unit/hosts/helpers.js';

const LABELS = ['Triệu chứng', 'Nơi'];

function engineOver(embedded: string): EnginePort {
  return {
    device: () => ({ device: 'cpu', reason: 'stand-in' }),
    models: () => [{ id: 'embedded', name: 'tiny', kind: 'embedded', path: embedded, available: true }],
    async open(choice) {
      const path = choice.kind === 'package' ? choice.path : embedded;
      const manifest = JSON.parse(readFileSync(join(path, 'manifest.json'), 'utf8'));
      const session: EngineSession = {
        modelName: manifest.name,
        modelVersion: manifest.version,
        package: { path: resolve(path), manifest },
        device: { device: 'cpu', reason: 'stand-in' },
        annotateMany: async (texts) => texts.map(() => ({ entities: [] })),
        close: async () => {},
      };
      return session;
    },
  };
}

const line = (i: number) => {
  const text = `Bệnh nhân ${100 + i} bị sốt ở Huế .`;
  const s = [...`Bệnh nhân ${100 + i} bị `].length;
  return JSON.stringify({ text, label: [[s, s + 3, LABELS[0]]] });
};

test('project training reads the gold standard: gold over the shared line, one finished annotator line', async () => {
  const given: string[] = [];
  const trainer = async (args: FineTuneArgs): Promise<FineTuneResult> => {
    given.push(readFileSync(args.train, 'utf8') + (args.heldout ? readFileSync(args.heldout, 'utf8') : ''));
    throw new Error('stand-in: the files are all this test needs');
  };
  const env = await tempService(engineOver(tinyPackageCopy()), { trainer });
  try {
    const s = env.service;
    const project = env.store.projects.create('Phòng khám');
    for (const name of LABELS) await s['labels.add']({ projectId: project.id, name });
    env.store.users.add('cur', 'curator', 'scrypt$test');
    env.store.users.add('hoa', 'annotator', 'scrypt$test');
    const content = Array.from({ length: 12 }, (_, i) => line(i)).join('\n') + '\n';
    await s['documents.import']({
      projectId: project.id,
      name: 'notes.jsonl',
      contentBase64: Buffer.from(content).toString('base64'),
      format: 'doccano',
    });
    await s['documents.import']({
      projectId: project.id,
      name: 'more.txt',
      contentBase64: Buffer.from('Chị Lan ở Vinh .\nAnh Tú ở Huế .\nÔng Ba ở Hà Tĩnh .\n').toString('base64'),
      format: 'text',
      variant: 'lines',
    });
    const docs = (await s['documents.list']({ projectId: project.id, limit: 100 })).items.sort((a, b) => a.id - b.id);
    const cur: CallContext = { actor: 'cur', role: 'curator' };
    const hoa: CallContext = { actor: 'hoa', role: 'annotator' };
    // Gold for document 0 (the place too) and 13 (new on the shared line: only gold makes it count). Document 12:
    // hoa's finished line. Document 14: nobody finished it.
    const first = await s['documents.get']({ documentId: docs[0].id }, cur);
    const place = [...'Bệnh nhân 100 bị sốt ở '].length;
    await s['annotations.save'](
      {
        documentId: docs[0].id,
        parentRevisionId: first.revisionId,
        entities: [...first.entities, { label: LABELS[1], start: place, end: place + 3 }],
      },
      cur,
    );
    const lan = await s['documents.get']({ documentId: docs[12].id }, hoa);
    await s['annotations.save'](
      {
        documentId: docs[12].id,
        parentRevisionId: lan.revisionId,
        entities: [{ label: LABELS[1], start: 10, end: 14 }],
      },
      hoa,
    );
    await s['documents.setStatus']({ documentId: docs[12].id, status: 'done' }, hoa);
    await s['annotations.save'](
      { documentId: docs[13].id, parentRevisionId: null, entities: [{ label: LABELS[1], start: 9, end: 12 }] },
      cur,
    );

    const job = await s['models.train']({ projectId: project.id, from: 'embedded' });
    await s.training.settled(job.id);
    assert.equal(given.length, 1, 'the stand-in trainer ran');
    const files = given[0];
    assert.equal(files.trim().split('\n').length, 14, '12 imported answers, the finished line, the gold document');
    assert.match(files, /Bệnh nhân 100 bị <_0>sốt<\/_0> ở <_1>Huế<\/_1>/, "document 0 as the curator's gold");
    assert.match(files, /Chị Lan ở <_1>Vinh<\/_1>/, "document 12 as hoa's finished line");
    assert.match(files, /Anh Tú ở <_1>Huế<\/_1>/, "document 13 as the curator's gold");
    assert.doesNotMatch(files, /Ông Ba/, 'document 14 was finished by nobody');
  } finally {
    await env.close();
  }
});
