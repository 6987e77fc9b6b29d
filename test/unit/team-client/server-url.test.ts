// The team server's address as a user types it (main/team-client/server-url.ts), and what the client believes of a
// server's event stream (remote-schemas.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ContractError } from '../../../core/contract/errors.js';
import { parseRemoteEvent } from '../../../main/team-client/remote-schemas.js';
import { parseServerUrl } from '../../../main/team-client/server-url.js';

function refused(text: string): string {
  try {
    parseServerUrl(text);
  } catch (error) {
    assert.ok(error instanceof ContractError);
    assert.equal(error.code, 'invalid');
    assert.equal(error.field, 'url');
    return error.message;
  }
  assert.fail(`${text} was accepted`);
}

test('https anywhere, plain http only on loopback; a bare host name means https; a path prefix is kept', () => {
  assert.equal(parseServerUrl('team.example:8443').href, 'https://team.example:8443/');
  assert.equal(parseServerUrl(' https://team.example/wb ').href, 'https://team.example/wb/');
  assert.equal(parseServerUrl('http://127.0.0.1:5000').href, 'http://127.0.0.1:5000/');
  assert.equal(parseServerUrl('http://localhost:5000/').href, 'http://localhost:5000/');
  assert.equal(parseServerUrl('http://[::1]:5000').href, 'http://[::1]:5000/');
  assert.match(refused('http://team.example:8080'), /plain http:\/\/ is accepted only for a server on this machine/);
  assert.match(refused('http://10.0.0.5'), /needs https:\/\//);
  assert.match(refused('ftp://team.example'), /over https:\/\/ \(not ftp:\)/);
  assert.match(refused('https://lan:secret@team.example'), /not in the address/);
  assert.match(refused('https://team.example/?token=x'), /no \?query or #fragment/);
  assert.match(refused('https://'), /is not a server address/);
});

test("a server's events are checked: known shapes pass, a menu command or junk is dropped", () => {
  assert.deepEqual(parseRemoteEvent('{"type":"labels.changed","projectId":1}'), {
    type: 'labels.changed',
    projectId: 1,
  });
  assert.deepEqual(parseRemoteEvent('{"type":"document.changed","documentId":4,"revisionId":null,"reason":"status"}'), {
    type: 'document.changed',
    documentId: 4,
    revisionId: null,
    reason: 'status',
  });
  const job = { id: 'j1', kind: 'preannotate', state: 'running', done: 1, total: 2, progress: 0.5, spans: 3 };
  assert.deepEqual(parseRemoteEvent(JSON.stringify({ type: 'job.finished', job })), { type: 'job.finished', job });
  assert.equal(parseRemoteEvent('{"type":"menu","command":"export"}'), null, "a server cannot press the window's menu");
  assert.equal(parseRemoteEvent('{"type":"document.changed","documentId":"4"}'), null);
  assert.equal(parseRemoteEvent('not json'), null);
});
