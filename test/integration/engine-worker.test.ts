// The engine in its worker thread: device choice and CPU fallback (CUDA libraries are absent on this machine),
// progress events, a main thread that keeps ticking, and cancellation that leaves no partial suggestions.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CancelledError } from '../../core/sampler/denoiser.js';
import { EngineClient } from '../../main/engine/engine-client.js';
import { DeviceError } from '../../main/engine/ort-session.js';
import { PackageError } from '../../main/engine/package-loader.js';
import { TINY_PACKAGE } from '../support/tiny-package.js';

const SENTENCES = [
  'Bệnh nhân 35 tuổi ở Hà Nội có triệu chứng sốt từ ngày 12/3.',
  'Sở Y tế cho biết ca bệnh tại Đà Nẵng đã hết ho khan.',
  'Theo CDC Hà Nội, người phụ nữ 62 tuổi sống tại Cần Thơ đã âm tính.',
];
const items = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ id: `d${i}`, text: SENTENCES[i % SENTENCES.length] }));
const SLOW = { steps: 24, maxNewTokens: 24 };

describe('engine worker', () => {
  let client: EngineClient;
  before(async () => {
    client = await EngineClient.open(TINY_PACKAGE, { device: 'auto', intraOpThreads: 1, interOpThreads: 1 });
  });
  after(() => client.close());

  test("device 'auto' falls back to the CPU and keeps the reason for the UI", (t) => {
    if (client.info.device === 'cuda') return t.skip('a working CUDA execution provider is installed here');
    assert.equal(client.info.device, 'cpu');
    assert.match(client.info.fallbackReason ?? '', /^CUDA unavailable, running on the CPU: .+/);
  });

  test('progress events arrive and the main thread keeps ticking while the worker denoises', async () => {
    let ticks = 0;
    let maxLag = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      maxLag = Math.max(maxLag, now - last - 5);
      last = now;
      ticks++;
    }, 5);
    const events: number[] = [];
    const results = await client.annotate(items(12), { settings: SLOW, onProgress: (p) => events.push(p.step) }).done;
    clearInterval(timer);
    assert.equal(results.length, 12);
    assert.ok(events.length > 0, 'progress events');
    // Loose on purpose: a busy main thread would tick zero times; the lag is printed, not asserted tightly.
    assert.ok(ticks >= 5, `the interval ticked ${ticks} times`);
    console.log(`main-thread ticks during the job: ${ticks}, worst event-loop lag ${maxLag.toFixed(1)} ms`);
  });

  test('a cancelled job rejects with CancelledError and yields nothing; the worker stays usable', async () => {
    const job = client.annotate(items(12), {
      settings: SLOW,
      // The first progress event comes at once (later ones at most every 25 ms): cancel there, mid-job.
      onProgress: () => job.cancel(),
    });
    let results: unknown;
    await assert.rejects(
      job.done.then((r) => (results = r)),
      CancelledError,
    );
    assert.equal(results, undefined);
    const next = await client.annotate(items(1), { settings: { steps: 4, maxNewTokens: 8 } }).done;
    assert.equal(next.length, 1);
  });

  test('keepHistory returns the canvas after every step: tokens fill in, nothing written is taken back', async () => {
    const [result] = await client.annotate(items(1), { settings: { steps: 4, maxNewTokens: 8 }, keepHistory: true })
      .done;
    const { history, textTokens } = result.segments[0];
    assert.equal(history?.length, 4);
    assert.ok(history.every((canvas) => canvas.length === 8));
    const masked = history.map((canvas) => canvas.filter((token) => token === null).length);
    assert.ok(masked[0] > 0 && masked[3] === 0, `masked per step: ${masked.join(', ')}`);
    for (let s = 1; s < 4; s++)
      history[s - 1].forEach((token, i) => token !== null && assert.equal(history[s][i], token));
    assert.ok(
      textTokens &&
        textTokens.length > 0 &&
        textTokens.every((t, i) => t.start < t.end && (i === 0 || t.start >= textTokens[i - 1].start)),
    );
  });
});

test("device 'cuda' without a CUDA provider is a clear error, not a silent CPU run", async (t) => {
  try {
    const client = await EngineClient.open(TINY_PACKAGE, { device: 'cuda', intraOpThreads: 1 });
    await client.close();
    t.skip('a working CUDA execution provider is installed here');
  } catch (error) {
    assert.ok(error instanceof DeviceError, String(error));
    assert.match(
      error.message,
      /device 'cuda' was asked for but the CUDA execution provider cannot be used: .+npm run install-cuda/,
    );
  }
});

test('a broken package is refused through the worker with the same message', async () => {
  await assert.rejects(EngineClient.open('/no/such/package', { device: 'cpu' }), (error: unknown) => {
    assert.ok(error instanceof PackageError);
    assert.match(error.message, /the folder does not exist/);
    return true;
  });
});
