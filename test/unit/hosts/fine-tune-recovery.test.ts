// Startup recovery of fine-tune runs: only a run whose owning process is gone is marked failed. A run another live
// process is training (the app, while `workbench models` looks at the same database) is left alone, and a run that
// recovery marked wrongly keeps its real outcome when its owner finishes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { INTERRUPTED_MESSAGE } from '../../../db/repositories/fine-tunes.js';
import { currentOwner } from '../../../db/process-owner.js';
import { modelsCommand } from '../../../main/cli/commands/models.js';
import { WorkbenchService } from '../../../main/services/workbench-service.js';
import { unavailableEngine } from '../../../main/services/engine-port.js';
import { tempService } from './helpers.js';

/** A pid that was just used and is no longer alive: a child that ran and exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  return child.pid!;
}

/** A child that lives until killed. */
async function liveChild() {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await once(child, 'spawn');
  return child;
}

async function withRuns(
  fn: (
    env: Awaited<ReturnType<typeof tempService>>,
    run: (owner: string | null) => number,
    state: (id: number) => { state: string; message: string | null },
  ) => Promise<void>,
) {
  const env = await tempService();
  const model = env.store.models.register({ name: 'm', version: '1', path: join(env.dir, 'm'), manifest: {} });
  const run = (owner: string | null) => {
    const id = env.store.fineTunes.start(
      { projectId: 1, baseModelId: model, trainDocs: 8, heldoutDocs: 2 },
      undefined,
      owner ?? 'x:1',
    );
    // Runs logged before migration 0005 have no owner.
    if (owner === null) env.store.db.prepare('UPDATE fine_tunes SET owner = NULL WHERE id = ?').run(id);
    return id;
  };
  const state = (id: number) => {
    const entry = env.store.fineTunes.list(1).find((f) => f.id === id)!;
    return { state: entry.state, message: entry.message };
  };
  try {
    await fn(env, run, state);
  } finally {
    await env.close();
  }
}

test('recovery marks only runs whose owner is dead: live pids, this process and other hosts are left running', async () => {
  const child = await liveChild();
  try {
    await withRuns(async (env, run, state) => {
      const mine = run(currentOwner());
      const liveOther = run(`${hostname()}:${child.pid}`);
      const dead = run(`${hostname()}:${await deadPid()}`);
      const otherHost = run(`another-host.invalid:${await deadPid()}`);
      const legacy = run(null);
      const garbage = run(`${hostname()}:not-a-pid`);
      const finished = run(`${hostname()}:${await deadPid()}`);
      env.store.fineTunes.finish(finished, { state: 'cancelled', message: 'cancelled' });

      // A second service on the same database (what `workbench models` and every host start do) runs recovery.
      const again = new WorkbenchService({
        store: env.store,
        dataDir: env.dir,
        host: 'browser',
        engine: unavailableEngine,
        version: 'test',
      });
      await again.close();

      assert.deepEqual(state(mine), { state: 'running', message: null });
      assert.deepEqual(state(liveOther), { state: 'running', message: null });
      assert.deepEqual(
        state(otherHost),
        { state: 'running', message: null },
        'liveness is only decidable on the same host',
      );
      for (const id of [dead, legacy, garbage])
        assert.deepEqual(state(id), { state: 'failed', message: INTERRUPTED_MESSAGE }, `run ${id}`);
      assert.deepEqual(state(finished), { state: 'cancelled', message: 'cancelled' }, 'a finished run is not touched');

      // Once the live owner is gone, the next recovery marks its run.
      child.kill();
      await once(child, 'exit');
      assert.equal(env.store.fineTunes.failInterrupted(), 1);
      assert.deepEqual(state(liveOther), { state: 'failed', message: INTERRUPTED_MESSAGE });
      assert.deepEqual(state(mine), { state: 'running', message: null });
    });
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill();
  }
});

test('`workbench models` while the app trains leaves the live run running', async () => {
  await withRuns(async (env, run, state) => {
    const live = run(currentOwner());
    const dead = run(`${hostname()}:${await deadPid()}`);
    const printed: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => void printed.push(args.join(' '));
    try {
      assert.equal(await modelsCommand.run([join(env.dir, 'workbench.sqlite')]), 0);
    } finally {
      console.log = log;
    }
    assert.deepEqual(state(live), { state: 'running', message: null });
    assert.equal(state(dead).state, 'failed');
    assert.ok(printed.includes(`  fine-tune ${live}: running, 8 documents`), printed.join('\n'));
  });
});

test('a run wrongly marked interrupted keeps its real outcome when its owner finishes it; a finished run is final', async () => {
  await withRuns(async (env, run, state) => {
    const done = run(currentOwner());
    const failedLater = run(currentOwner());
    // Recovery guessed wrong (say the owner looked dead): both are marked failed.
    assert.equal(
      env.store.fineTunes.failInterrupted(undefined, () => false),
      2,
    );
    assert.equal(state(done).state, 'failed');

    // The owner was alive after all and finishes: its outcome replaces the guess, with no "failed" left behind.
    assert.equal(env.store.fineTunes.finish(done, { state: 'done', metrics: { heldout: { f1: 0.5 } } }), true);
    assert.deepEqual(state(done), { state: 'done', message: null });
    assert.equal(
      env.store.fineTunes.finish(failedLater, { state: 'failed', message: 'trainer exited with code 1' }),
      true,
    );
    assert.deepEqual(state(failedLater), { state: 'failed', message: 'trainer exited with code 1' });
    assert.deepEqual(
      env.store.db.prepare('SELECT interrupted FROM fine_tunes WHERE id IN (?, ?)').all(done, failedLater),
      [{ interrupted: 0 }, { interrupted: 0 }],
    );

    // A real end is final: neither a late finish nor recovery changes it.
    assert.equal(env.store.fineTunes.finish(done, { state: 'failed', message: 'late' }), false);
    assert.equal(
      env.store.fineTunes.failInterrupted(undefined, () => false),
      0,
    );
    assert.deepEqual(state(done), { state: 'done', message: null });
  });
});
