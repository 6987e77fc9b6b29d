// The export's native destination dialog in Electron: only our window's main frame, with a valid request, gets a
// dialog; a save dialog with the format's filter for one-file formats, a folder picker for multi-file ones; a
// cancel is null. Stand-ins for ipcMain and dialog, so it runs without the Electron binary.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CHOOSE_DESTINATION_CHANNEL, type ChooseDestinationResult } from '../../../core/contract/native-dialog.js';
import type { IpcCaller } from '../../../main/hosts/electron/ipc.js';
import { registerDestinationDialog } from '../../../main/hosts/electron/save-dialog.js';

const WINDOW = 7;
const shown: { kind: string; options: unknown }[] = [];
let cancel = false;
let handler: (event: IpcCaller, ...args: unknown[]) => Promise<ChooseDestinationResult> = async () => ({ path: null });
registerDestinationDialog(
  {
    handle: (channel, listener) => {
      assert.equal(channel, CHOOSE_DESTINATION_CHANNEL);
      handler = listener;
    },
  },
  {
    showSaveDialog: async (_w, options) => (
      shown.push({ kind: 'save', options }),
      cancel ? { canceled: true } : { canceled: false, filePath: '/home/u/out.jsonl' }
    ),
    showOpenDialog: async (_w, options) => (
      shown.push({ kind: 'open', options }),
      cancel ? { canceled: true, filePaths: [] } : { canceled: false, filePaths: ['/home/u/brat'] }
    ),
  },
  (id) => (id === WINDOW ? { id } : null),
  new Set([WINDOW]),
);
const ours: IpcCaller = { sender: { id: WINDOW }, senderFrame: { url: 'app://workbench/index.html', parent: null } };

test('a one-file format gets a save dialog with its extensions; a multi-file one a folder picker', async () => {
  shown.length = 0;
  assert.deepEqual(
    await handler(ours, {
      kind: 'file',
      defaultPath: '/home/u/x.jsonl',
      extensions: ['.jsonl'],
      filterName: 'doccano JSONL',
    }),
    { path: '/home/u/out.jsonl' },
  );
  assert.deepEqual(shown[0], {
    kind: 'save',
    options: {
      defaultPath: '/home/u/x.jsonl',
      filters: [{ name: 'doccano JSONL', extensions: ['jsonl'] }],
      properties: ['createDirectory'],
    },
  });
  assert.deepEqual(await handler(ours, { kind: 'folder' }), { path: '/home/u/brat' });
  assert.equal(shown[1].kind, 'open');
  cancel = true;
  assert.deepEqual(await handler(ours, { kind: 'folder' }), { path: null });
  cancel = false;
});

test('another window, a subframe, another origin or a malformed request gets no dialog', async () => {
  shown.length = 0;
  const strangers: IpcCaller[] = [
    { sender: { id: 99 }, senderFrame: ours.senderFrame },
    { sender: ours.sender, senderFrame: { url: 'app://workbench/index.html', parent: {} } },
    { sender: ours.sender, senderFrame: { url: 'https://evil.example/', parent: null } },
  ];
  for (const event of strangers) assert.deepEqual(await handler(event, { kind: 'file' }), { path: null });
  for (const bad of [{ kind: 'nope' }, { kind: 'file', extensions: ['jsonl'] }, { kind: 'file', extra: 1 }, 'file']) {
    assert.deepEqual(await handler(ours, bad), { path: null });
  }
  assert.deepEqual(await handler(ours, { kind: 'file' }, 'second argument'), { path: null });
  assert.equal(shown.length, 0);
});
