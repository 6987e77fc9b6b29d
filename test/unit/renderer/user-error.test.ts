// Failures read as translated headlines chosen from the service's codes; its English words are only the detail.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ContractError } from '../../../core/contract/errors.js';
import { describeError, deviceWords, words } from '../../../renderer/src/lib/user-error.js';

const headline = (
  error: unknown,
  ...rest: Parameters<typeof describeError> extends [unknown, ...infer R] ? R : never
) => {
  const m = describeError(error, ...rest);
  return { vi: words('vi', m.key, m.params), en: words('en', m.key, m.params), detail: m.detail };
};

test('an unrecognised import format asks the user to choose one, in both languages', () => {
  const error = new ContractError(
    'invalid',
    'documents.import: invalid format: cannot tell the format of "x.json"; choose one',
    'format',
  );
  const m = headline(error, 'import', { name: 'x.json' });
  assert.equal(
    m.vi,
    'Không nhận ra định dạng của tệp x.json. Hãy chọn định dạng trong danh sách “Định dạng nhập” rồi nhập lại.',
  );
  assert.match(m.en, /format of x\.json could not be recognised/);
  assert.match(m.detail, /cannot tell the format/);
});

test('the fine-tune refusal is translated with its numbers; the trainer reasons by code', () => {
  const tooFew = new ContractError(
    'failed',
    'fine-tuning needs at least 10 finished ...; this project has 7',
    undefined,
    { reason: 'too-few-finished', needed: 10, have: 7 },
  );
  assert.equal(
    headline(tooFew, 'fine-tune').vi,
    'Cần ít nhất 10 tài liệu đã xong (hoặc đã duyệt); dự án này mới có 7.',
  );
  // The same refusal of training reads right too: it names no fine-tune.
  assert.equal(
    headline(tooFew, 'train').en,
    'At least 10 finished (done or reviewed) documents are needed; this project has 7.',
  );
  const noPython = new ContractError('failed', 'fine-tuning needs Python ...', undefined, {
    reason: 'trainer-no-python',
  });
  assert.match(headline(noPython, 'fine-tune').vi, /Chưa cài môi trường Python/);
  const running = new ContractError('conflict', 'a fine-tune is already running', undefined, {
    reason: 'fine-tune-running',
  });
  assert.match(headline(running, 'fine-tune').en, /already running/);
});

test('codes without better words fall back to what the user was doing; network failures say the server is gone', () => {
  assert.equal(headline(new ContractError('failed', 'ENOTDIR: rename …'), 'export').vi, 'Không xuất được dữ liệu.');
  assert.equal(
    headline(new ContractError('unauthorized', 'wrong token'), 'load').en,
    'This session is no longer valid. Open the address the workbench command printed again.',
  );
  assert.match(headline(new TypeError('Failed to fetch'), 'save').vi, /Không liên lạc được/);
  assert.equal(headline(new Error('boom'), 'replay').detail, 'boom');
  // No headline is the service's English.
  for (const code of ['invalid', 'not-found', 'conflict', 'forbidden', 'failed', 'unknown-method'] as const) {
    assert.doesNotMatch(
      headline(new ContractError(code, 'SERVICE WORDS'), 'import', { name: 'a' }).vi,
      /SERVICE WORDS/,
    );
  }
});

test("the device line is worded from its code, never from the engine's English reason", () => {
  assert.equal(
    deviceWords('vi', { device: 'cpu', code: 'cuda-not-installed' }),
    'chạy trên CPU; chưa cài phần chạy GPU (CUDA)',
  );
  assert.equal(
    deviceWords('en', { device: 'cpu', code: 'cuda-fallback' }),
    'running on the CPU because the GPU (CUDA) could not be used',
  );
  // An older service (or a job kind without codes) still gets words in the UI's language.
  assert.equal(deviceWords('vi', { device: 'cuda' }), 'chạy trên GPU (CUDA)');
});
