import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DREAM_DEFAULTS, resolveSettings, SamplerSettingsError } from '../../../core/sampler/settings.js';

test("Dream's defaults are the README's reference settings", () => {
  assert.deepEqual(
    {
      steps: DREAM_DEFAULTS.steps,
      maxNewTokens: DREAM_DEFAULTS.maxNewTokens,
      temperature: DREAM_DEFAULTS.temperature,
      topP: DREAM_DEFAULTS.topP,
      alg: DREAM_DEFAULTS.alg,
      algTemp: DREAM_DEFAULTS.algTemp,
    },
    { steps: 512, maxNewTokens: 512, temperature: 0.2, topP: 0.95, alg: 'entropy', algTemp: 0 },
  );
});

test('overrides are validated and name the setting at fault', () => {
  assert.equal(resolveSettings(DREAM_DEFAULTS, { maxNewTokens: 'auto', schedule: 'threshold' }).maxNewTokens, 'auto');
  const refuse = (o: object, field: string) =>
    assert.throws(
      () => resolveSettings(DREAM_DEFAULTS, o),
      (e: unknown) => e instanceof SamplerSettingsError && e.field === field,
    );
  refuse({ steps: 0 }, 'steps');
  refuse({ maxNewTokens: 'big' }, 'maxNewTokens');
  refuse({ topP: 0 }, 'topP');
  refuse({ topK: -1 }, 'topK');
  refuse({ alg: 'beam' }, 'alg');
  refuse({ seed: 2 ** 32 }, 'seed');
  refuse({ stepz: 3 }, 'stepz');
  refuse({ alg: 'origin', schedule: 'threshold' }, 'schedule');
  refuse({ forwardEveryStep: 1 }, 'forwardEveryStep');
});
