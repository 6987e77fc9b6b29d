// The trainer runs below normal priority (main/training/fine-tune-process.ts): a retrain in the background must not
// take a 2-core machine's CPU from the annotator's keystrokes and saves.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { constants, getPriority } from 'node:os';
import { test } from 'node:test';
import { lowerPriority } from '../../../main/training/fine-tune-process.js';

test('a spawned process is lowered to below-normal priority', { skip: process.platform === 'win32' }, async () => {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 5000)'], { stdio: 'ignore' });
  try {
    assert.equal(getPriority(child.pid!), getPriority(), 'starts at ours');
    lowerPriority(child.pid);
    assert.equal(getPriority(child.pid!), Math.max(getPriority(), constants.priority.PRIORITY_BELOW_NORMAL));
    assert.doesNotThrow(() => lowerPriority(undefined));
  } finally {
    child.kill();
  }
});
