// Roles in the contract (issue 15): every method has exactly one role, the roles are ordered, and the one dispatch
// wrapper refuses a caller whose role is below the method's before the payload is read, and tells the service who calls.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { METHOD_LIST } from '../../../core/contract/channels.js';
import { METHOD_ROLES, ROLES, roleAllows, type CallContext } from '../../../core/contract/roles.js';
import { createDispatcher, type ServiceApi } from '../../../main/hosts/dispatch.js';

test('the roles table names exactly the contract methods, each with a known role', () => {
  assert.deepEqual(Object.keys(METHOD_ROLES).sort(), [...METHOD_LIST].sort());
  for (const role of Object.values(METHOD_ROLES)) assert.ok(ROLES.includes(role));
});

test('roles are ordered: admin may do everything, annotator only what annotators may', () => {
  assert.ok(roleAllows('admin', 'annotator') && roleAllows('admin', 'curator') && roleAllows('admin', 'admin'));
  assert.ok(roleAllows('curator', 'annotator') && roleAllows('curator', 'curator') && !roleAllows('curator', 'admin'));
  assert.ok(
    roleAllows('annotator', 'annotator') && !roleAllows('annotator', 'curator') && !roleAllows('annotator', 'admin'),
  );
});

test("what rewrites everyone's work or touches the server's folders is not an annotator's", () => {
  for (const m of [
    'export.run',
    'files.listFolders',
    'labels.rename',
    'labels.merge',
    'labels.delete',
    'labels.map',
    'models.activate',
    'fineTune.start',
    'models.train',
  ] as const) {
    assert.equal(METHOD_ROLES[m], 'admin', m);
  }
  for (const m of ['documents.get', 'annotations.save', 'suggestions.reject', 'queue.next', 'app.info'] as const)
    assert.equal(METHOD_ROLES[m], 'annotator', m);
});

/** A service whose every method records the call and the context it was given. */
function recordingApi(): {
  api: ServiceApi;
  calls: { method: string; params: unknown; context: CallContext | undefined }[];
} {
  const calls: { method: string; params: unknown; context: CallContext | undefined }[] = [];
  const api = Object.fromEntries(
    METHOD_LIST.map((m) => [
      m,
      async (params: unknown, context?: CallContext) => {
        calls.push({ method: m, params, context });
        return {};
      },
    ]),
  ) as unknown as ServiceApi;
  return { api, calls };
}

test("the dispatcher refuses a method above the caller's role (forbidden, nothing run) and passes the caller on", async () => {
  const { api, calls } = recordingApi();
  const lan: CallContext = { actor: 'lan', role: 'annotator' };
  const dispatcher = createDispatcher<CallContext>(api, (caller) => caller);
  const refused = await dispatcher.call(lan, 'export.run', { not: 'even valid' });
  assert.equal(refused.ok, false);
  assert.equal(!refused.ok && refused.error.code, 'forbidden');
  assert.match(!refused.ok ? refused.error.message : '', /export\.run needs the admin role; lan is an? annotator/);
  assert.equal((await dispatcher.call(lan, 'labels.add', { projectId: 1, name: 'X' })).ok, false);
  assert.equal(calls.length, 0);

  assert.equal((await dispatcher.call(lan, 'documents.get', { documentId: 3 })).ok, true);
  assert.deepEqual(calls, [{ method: 'documents.get', params: { documentId: 3 }, context: lan }]);
  const curator: CallContext = { actor: 'minh', role: 'curator' };
  assert.equal((await dispatcher.call(curator, 'labels.add', { projectId: 1, name: 'X' })).ok, true);
  assert.equal((await dispatcher.call(curator, 'labels.delete', { projectId: 1, name: 'X' })).ok, false);
});

test('a host that names no caller is the local user: every method, no context', async () => {
  const { api, calls } = recordingApi();
  const dispatcher = createDispatcher<null>(api, () => {});
  assert.equal((await dispatcher.call(null, 'labels.delete', { projectId: 1, name: 'X' })).ok, true);
  assert.deepEqual(calls, [{ method: 'labels.delete', params: { projectId: 1, name: 'X' }, context: undefined }]);
});
