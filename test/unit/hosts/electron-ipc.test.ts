// Electron IPC: one channel per method, every call through the dispatcher, untrusted senders and malformed
// payloads refused. Uses a stand-in for ipcMain, so it runs without the Electron binary.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { METHOD_NAMES, ipcChannel } from '../../../core/contract/methods.js';
import { registerIpc, type IpcCaller } from '../../../main/hosts/electron/ipc.js';
import type { CallOutcome } from '../../../main/hosts/dispatch.js';
import { tempService } from './helpers.js';

type Handler = (event: IpcCaller, ...args: unknown[]) => Promise<CallOutcome>;
const handlers = new Map<string, Handler>();
let env: Awaited<ReturnType<typeof tempService>>;
const WINDOW = 7;

before(async () => {
  env = await tempService();
  registerIpc(
    { handle: (channel, handler) => handlers.set(channel, handler) },
    env.service,
    new Set([WINDOW]),
    () => {},
  );
});
after(() => env.close());

const ours: IpcCaller = { sender: { id: WINDOW }, senderFrame: { url: 'app://workbench/index.html', parent: null } };
const call = (method: string, event: IpcCaller, ...args: unknown[]) =>
  handlers.get(ipcChannel(method as never))!(event, ...args);

test('every contract method has exactly one channel', () => {
  assert.deepEqual([...handlers.keys()].sort(), METHOD_NAMES.map(ipcChannel).sort());
});

test('a call from our window runs', async () => {
  const outcome = await call('projects.list', ours, {});
  assert.equal(outcome.ok, true);
});

test('calls from another window, a subframe or another origin are refused', async () => {
  const cases: IpcCaller[] = [
    { sender: { id: 99 }, senderFrame: ours.senderFrame },
    { sender: ours.sender, senderFrame: { url: 'app://workbench/index.html', parent: {} } },
    { sender: ours.sender, senderFrame: { url: 'https://evil.example/', parent: null } },
    { sender: ours.sender, senderFrame: { url: 'file:///etc/passwd', parent: null } },
    { sender: ours.sender, senderFrame: null },
  ];
  for (const event of cases) {
    const outcome = await call('projects.list', event, {});
    assert.equal(outcome.ok, false);
    assert.equal(!outcome.ok && outcome.error.code, 'forbidden');
  }
});

test('malformed payloads are refused, naming the field', async () => {
  const bad = await call('documents.get', ours, { documentId: -1 });
  assert.equal(!bad.ok && bad.error.code, 'invalid');
  assert.equal(!bad.ok && bad.error.field, 'documentId');
  const notObject = await call('documents.list', ours, 'projectId=1');
  assert.equal(!notObject.ok && notObject.error.code, 'invalid');
  const twoArgs = await call('projects.list', ours, {}, { more: 1 });
  assert.equal(!twoArgs.ok && twoArgs.error.code, 'invalid');
  const badModel = await call('preannotate.start', ours, {
    projectId: 1,
    scope: 'unfinished',
    model: { kind: 'package' },
  });
  assert.equal(!badModel.ok && badModel.error.field, 'model.path');
});
