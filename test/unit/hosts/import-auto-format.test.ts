// documents.import with the format left to the service ("Detect" in the UI): a doccano file whose name cannot tell
// is read by its first record; a file nothing recognises is refused with the field at fault, nothing imported.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ContractError } from '../../../core/contract/errors.js';
import { tempService } from './helpers.js';

const DOCCANO = [
  '{"id": 1, "text": "Bệnh nhân 91 ở Hà Nội", "label": [[10, 12, "PATIENT_ID"], [15, 21, "LOCATION"]]}',
  '{"id": 2, "text": "Sốt, ho khan", "label": [[0, 3, "SYMPTOM_AND_DISEASE"]]}',
].join('\n');

test('an import with no format reads a doccano JSONL by its content', async () => {
  const env = await tempService();
  try {
    const s = env.service;
    const summary = await s['documents.import']({
      projectId: 1,
      name: 'held-out.jsonl',
      contentBase64: Buffer.from(DOCCANO).toString('base64'),
    });
    assert.deepEqual([summary.imported, summary.entities], [2, 3]);
    const refused = await s['documents.import']({
      projectId: 1,
      name: 'odd.jsonl',
      contentBase64: Buffer.from('{"foo": 1}\n').toString('base64'),
    }).catch((e: unknown) => e);
    assert.ok(refused instanceof ContractError && refused.field === 'format', String(refused));
  } finally {
    await env.close();
  }
});
