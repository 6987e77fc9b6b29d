// Manifest validation: the fixture's manifest is valid; each kind of breakage is refused naming its field.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  checkTokenIds,
  forwardBackend,
  ManifestError,
  parseManifest,
  samplerDefaultsFor,
  schemaFor,
  schemaGroups,
} from '../../../core/model-package/manifest.js';

const valid = JSON.parse(readFileSync('test/fixtures/tiny-model/package/manifest.json', 'utf8')) as Record<
  string,
  unknown
>;

function issuesOf(mutate: (m: Record<string, any>) => void): string[] {
  // any: tests poke at arbitrary JSON shapes
  const m = structuredClone(valid);
  mutate(m);
  try {
    parseManifest(m);
  } catch (error) {
    assert.ok(error instanceof ManifestError);
    return error.issues.map((i) => `${i.field}: ${i.message}`);
  }
  return [];
}

test('the fixture manifest is valid and gets Dream defaults under its own sampler settings', () => {
  const m = parseManifest(valid);
  assert.equal(m.formatVersion, 1);
  assert.equal(m.output.format, 'inline-tags');
  assert.equal(m.sampler.steps, 16);
  assert.equal(m.sampler.schedule, 'dream');
  assert.deepEqual(m.evaluation, []);
});

const cases: [string, (m: Record<string, any>) => void, RegExp][] = [
  ['missing field', (m) => delete m.tokens, /^tokens: is missing/],
  ['missing token id', (m) => delete m.tokens.mask, /^tokens\.mask: is missing/],
  ['negative id', (m) => (m.tokens.eos = -1), /^tokens\.eos: must be an integer >= 0/],
  ['mask equal to eos', (m) => (m.tokens.mask = m.tokens.eos), /^tokens\.mask: must differ from tokens\.eos/],
  ['misspelt field', (m) => (m.shiftedLogit = true), /^shiftedLogit: is not a known field/],
  ['bad format', (m) => (m.output.format = 'json'), /^output\.format: must be one of/],
  ['bad label', (m) => (m.output.labels = ['OK', 'NOT OK']), /^output\.labels\[1\]: "NOT OK" cannot be a tag name/],
  [
    'aligned-bio label with whitespace',
    (m) => {
      m.output.format = 'aligned-bio';
      m.output.labels = ['Nơi|chốn', 'triệu chứng', 'NOT\tOK'];
    },
    /^output\.labels\[2\]: "NOT\tOK" contains a control character/,
  ],
  [
    'template without text',
    (m) => (m.prompt.template = '<ner></ner>'),
    /^prompt\.template: must contain \{text\} exactly once/,
  ],
  ['chat without user', (m) => (m.prompt = { kind: 'chat' }), /^prompt\.user: is missing/],
  ['topK of 1', (m) => (m.head.topK = 1), /^head\.topK: must be an integer in 2\.\.1024/],
  ['bad sampler setting', (m) => (m.sampler.alg = 'greedy'), /^sampler\.alg: must be one of/],
  [
    'threshold with origin',
    (m) => Object.assign(m.sampler, { alg: 'origin', schedule: 'threshold' }),
    /^sampler\.schedule: 'threshold' needs a confidence/,
  ],
  ['bad evaluation', (m) => (m.evaluation = [{ dataset: 'x', metric: 'f1' }]), /^evaluation\[0\]\.value: is missing/],
  ['graph not an object', (m) => (m.graph = 'model.onnx'), /^graph: must be an object/],
  [
    'neither graph nor pytorch',
    (m) => delete m.graph,
    /^graph: is missing \(or give 'pytorch' with a checkpoint folder\)/,
  ],
  ['graph and pytorch', (m) => (m.pytorch = { checkpoint: 'ck' }), /^pytorch: cannot be given together with graph/],
  [
    'pytorch without checkpoint',
    (m) => {
      delete m.graph;
      m.pytorch = {};
    },
    /^pytorch\.checkpoint: is missing/,
  ],
  [
    'pytorch bad dtype',
    (m) => {
      delete m.graph;
      m.pytorch = { checkpoint: 'ck', dtype: 'int8' };
    },
    /^pytorch\.dtype: must be one of 'auto', 'bfloat16', 'float16', 'float32'/,
  ],
  [
    'pytorch unknown field',
    (m) => {
      delete m.graph;
      m.pytorch = { checkpoint: 'ck', device: 'cuda' };
    },
    /^pytorch\.device: is not a known field/,
  ],
  ['schemas not a list', (m) => (m.output.schemas = { name: 'a' }), /^output\.schemas: must be a list/],
  [
    'schema label the model lacks',
    (m) =>
      (m.output.schemas = [
        { name: 'a', labels: ['LOCATION'] },
        { name: 'b', labels: ['AGE', 'TUỔI'] },
      ]),
    /^output\.schemas\[1\]\.labels\[1\]: "TUỔI" is not one of output\.labels/,
  ],
  [
    'schema without labels',
    (m) => (m.output.schemas = [{ name: 'a', labels: [] }]),
    /^output\.schemas\[0\]\.labels: must name at least one label/,
  ],
  [
    'schema with a bad sampler setting',
    (m) => (m.output.schemas = [{ name: 'a', labels: ['AGE'], sampler: { threshold: 'high' } }]),
    /^output\.schemas\[0\]\.sampler\.threshold: must be a number/,
  ],
  [
    'schema lowercase not a boolean',
    (m) => (m.output.schemas = [{ name: 'a', labels: ['AGE'], lowercase: 'yes' }]),
    /^output\.schemas\[0\]\.lowercase: must be true or false/,
  ],
  [
    'schema unknown field',
    (m) => (m.output.schemas = [{ name: 'a', labels: ['AGE'], threshold: 0.8 }]),
    /^output\.schemas\[0\]\.threshold: is not a known field/,
  ],
  ['lexicon without its file', (m) => (m.lexicon = {}), /^lexicon\.file: is missing/],
  [
    'lexicon unknown field',
    (m) => (m.lexicon = { file: 'l.json', minScore: 0.5 }),
    /^lexicon\.minScore: is not a known field/,
  ],
];

for (const [name, mutate, message] of cases) {
  test(`refuses: ${name}`, () => {
    const issues = issuesOf(mutate);
    assert.ok(
      issues.some((i) => message.test(i)),
      `${JSON.stringify(issues)} should match ${message}`,
    );
  });
}

test('a PyTorch package: a checkpoint folder instead of a graph', () => {
  const { graph: _graph, ...rest } = valid;
  const m = parseManifest({
    ...rest,
    pytorch: { checkpoint: '../Dream-v0-Instruct-7B', dtype: 'bfloat16', randomInit: true },
  });
  assert.equal(m.graph, undefined);
  assert.deepEqual(m.pytorch, { checkpoint: '../Dream-v0-Instruct-7B', dtype: 'bfloat16', randomInit: true });
  assert.equal(forwardBackend(m), 'pytorch');
  assert.equal(forwardBackend(parseManifest(valid)), 'onnxruntime');
});

test('reports every problem at once', () => {
  const issues = issuesOf((m) => {
    delete m.name;
    m.maxLength = 0;
  });
  assert.equal(issues.length, 2);
});

test('a newer formatVersion asks for a newer workbench', () => {
  assert.throws(
    () => parseManifest({ ...valid, formatVersion: 2 }),
    /formatVersion: 2 is newer than this engine reads \(1\)/,
  );
  assert.throws(() => parseManifest([]), /must be a JSON object/);
});

test('token ids are checked against the vocabulary', () => {
  const m = parseManifest(valid);
  assert.deepEqual(checkTokenIds(m, 1000), []);
  const issues = checkTokenIds({ ...m, tokens: { ...m.tokens, mask: 5000 } }, 1000);
  assert.deepEqual(issues, [
    { field: 'tokens.mask', message: "id 5000 is outside the tokenizer's vocabulary (0..999)" },
  ]);
});

test("a decode whose labels all lie in one schema gets that schema's sampler settings, any other the package's", () => {
  const m = parseManifest({
    ...valid,
    output: {
      ...(valid.output as object),
      schemas: [
        { name: 'places', labels: ['LOCATION', 'ORGANIZATION'], sampler: { steps: 4, temperature: 0.5 } },
        { name: 'clinic', labels: ['SYMPTOM_AND_DISEASE', 'DATE', 'AGE'], lowercase: true },
        {
          name: 'all',
          labels: ['LOCATION', 'ORGANIZATION', 'SYMPTOM_AND_DISEASE', 'DATE', 'AGE'],
          sampler: { steps: 2 },
        },
      ],
    },
  });
  assert.equal(m.output.schemas?.length, 3);
  const places = samplerDefaultsFor(m, ['ORGANIZATION']);
  assert.deepEqual([places.steps, places.temperature, places.maxNewTokens], [4, 0.5, 24]);
  assert.equal(samplerDefaultsFor(m, ['LOCATION', 'ORGANIZATION']).steps, 4);
  // A schema without settings keeps the package's; the first schema holding them all wins.
  assert.deepEqual(samplerDefaultsFor(m, ['AGE', 'DATE']), m.sampler);
  assert.equal(schemaFor(m, ['AGE', 'DATE'])?.lowercase, true);
  assert.equal(schemaFor(m, ['LOCATION'])?.lowercase, undefined);
  assert.equal(samplerDefaultsFor(m, ['LOCATION', 'AGE']).steps, 2);
  // No labels given is every label of the model.
  assert.equal(samplerDefaultsFor(m).steps, 2);
  const plain = parseManifest(valid);
  assert.equal(plain.output.schemas, undefined);
  assert.deepEqual(samplerDefaultsFor(plain, ['LOCATION']), plain.sampler);
});

test('labels from several schemas are decoded once per schema, labels of none with the package settings', () => {
  const m = parseManifest({
    ...valid,
    output: {
      ...(valid.output as object),
      schemas: [
        { name: 'places', labels: ['LOCATION', 'ORGANIZATION'] },
        { name: 'clinic', labels: ['SYMPTOM_AND_DISEASE', 'DATE', 'LOCATION'], lowercase: true },
      ],
    },
  });
  assert.deepEqual(schemaGroups(m, ['DATE', 'LOCATION']), [['DATE', 'LOCATION']]);
  assert.deepEqual(schemaGroups(m, ['DATE', 'ORGANIZATION', 'LOCATION']), [['LOCATION', 'ORGANIZATION'], ['DATE']]);
  assert.deepEqual(schemaGroups(m, ['AGE', 'DATE', 'ORGANIZATION']), [['ORGANIZATION'], ['DATE'], ['AGE']]);
  // No labels named: the model's joint output, one decode.
  assert.deepEqual(schemaGroups(m), [undefined]);
  assert.deepEqual(schemaGroups(parseManifest(valid), ['AGE', 'DATE']), [['AGE', 'DATE']]);
  assert.deepEqual(schemaGroups(parseManifest(valid)), [undefined]);
});
