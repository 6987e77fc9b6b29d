// projects.settings / projects.updateSettings across processes: what one workbench (or `workbench settings`) stores,
// another running on the same database follows at once, keep-learning's N and the lexicon's switch alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unavailableEngine } from '../../main/services/engine-port.js';
import { WorkbenchService } from '../../main/services/workbench-service.js';
import { tempService } from '../unit/hosts/helpers.js';

test('a setting changed by another workbench on the same database holds at once', async () => {
  const env = await tempService();
  const { service, store } = env;
  // The other process: the CLI's `workbench settings` builds the same service over the same database.
  const cli = new WorkbenchService({
    store,
    dataDir: env.dir,
    host: 'browser',
    engine: unavailableEngine,
    version: 'cli',
    actor: 'cli',
  });
  try {
    const projectId = store.projects.create('p').id;
    assert.deepEqual(await service['projects.settings']({ projectId }), {
      retrainEvery: null,
      lexicon: true,
      finished: 0,
      finishedAtLastTraining: 0,
    });
    assert.equal(service.lexicon.enabled(projectId), true);

    await cli['projects.updateSettings']({ projectId, retrainEvery: 30, lexicon: false });
    assert.equal(service.keepLearning.retrainEvery(projectId), 30);
    assert.equal(service.lexicon.enabled(projectId), false, 'the running workbench sees the switch without a restart');
    assert.deepEqual(await service['projects.settings']({ projectId }), {
      retrainEvery: 30,
      lexicon: false,
      finished: 0,
      finishedAtLastTraining: 0,
    });

    await cli['projects.updateSettings']({ projectId, lexicon: true });
    assert.equal(service.lexicon.enabled(projectId), true);
    await service.lexicon.settled(); // switched back on: the project's lexicon is rebuilt and swept, without error
    assert.equal(
      (await service['projects.settings']({ projectId })).retrainEvery,
      30,
      'a change of one setting keeps the other',
    );
  } finally {
    await cli.close();
    await env.close();
  }
});
