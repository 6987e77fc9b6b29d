// Opening packages: broken ones are refused with a message naming the file and field; prompts tokenise exactly
// as Python's tokenizers does (raw and chat templates).
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Lexicon } from '../../core/lexicon/lexicon.js';
import { lexiconFile } from '../../core/lexicon/lexicon-file.js';
import { DiffusionEngine } from '../../main/engine/engine.js';
import { GraphContractError } from '../../main/engine/ort-session.js';
import { loadPackage, PackageError } from '../../main/engine/package-loader.js';
import { packageProblems, TINY_PACKAGE, tinyPackageCopy } from '../support/tiny-package.js';

const expected = JSON.parse(readFileSync('test/fixtures/tiny-model/expected.json', 'utf8')) as {
  promptIds: { chatPrompt: Record<string, unknown>; raw: number[][]; chat: number[][] };
  runs: Record<string, { batches: { texts: string[] }[] }>;
};
const texts = expected.runs.maskgit_plus.batches.flatMap((b) => b.texts);

const breakages: [string, (dir: string) => void, RegExp][] = [
  ['no manifest', (dir) => rmSync(join(dir, 'manifest.json')), /^manifest\.json: is missing/],
  [
    'manifest not JSON',
    (dir) => writeFileSync(join(dir, 'manifest.json'), '{"name": '),
    /^manifest\.json: is not valid JSON/,
  ],
  ['no graph', (dir) => rmSync(join(dir, 'model.onnx')), /^model\.onnx: is missing \(named by manifest\.json graph\)/],
  [
    'a folder where the graph should be',
    (dir) => {
      rmSync(join(dir, 'model.onnx'));
      mkdirSync(join(dir, 'model.onnx'));
    },
    /^model\.onnx: is a folder, not a file/,
  ],
  ['no tokenizer', (dir) => rmSync(join(dir, 'tokenizer.json')), /^tokenizer\.json: is missing/],
  [
    'tokenizer not a tokenizer',
    (dir) => writeFileSync(join(dir, 'tokenizer.json'), '{"model": 3}'),
    /^tokenizer\.json: cannot be read as a tokenizer/,
  ],
  [
    'chat prompt without a chat template',
    (dir) => {
      writeFileSync(join(dir, 'tokenizer_config.json'), '{}');
      const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      m.prompt = { kind: 'chat', user: '{text}' };
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
    },
    /^tokenizer_config\.json: has no chat_template/,
  ],
  [
    'a broken lexicon',
    (dir) => {
      writeFileSync(
        join(dir, 'lexicon.json'),
        JSON.stringify({ format: 'dnw-lexicon', formatVersion: 1, entries: [['Hà Nội', 1, { LOCATION: 2 }]] }),
      );
      withLexicon(dir);
    },
    /^lexicon\.json: entries\[0\]: label "LOCATION": its count must be .* \(named by manifest\.json lexicon\)/,
  ],
  [
    'a lexicon with labels the model lacks',
    (dir) => {
      writeFileSync(
        join(dir, 'lexicon.json'),
        JSON.stringify(
          lexiconFile(Lexicon.build([{ text: 'ở Huế', entities: [{ label: 'CITY', start: 2, end: 5 }] }])),
        ),
      );
      withLexicon(dir);
    },
    /^lexicon\.json: labels "CITY" are not among manifest\.json output\.labels/,
  ],
];

function withLexicon(dir: string): void {
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  m.lexicon = { file: 'lexicon.json' };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
}

test("a package's lexicon fills the model's gaps in what the engine suggests", async () => {
  const dir = tinyPackageCopy();
  const place = 'Xã Đông Hòa';
  const text = `${place} 😷 .`;
  writeFileSync(
    join(dir, 'lexicon.json'),
    JSON.stringify(
      lexiconFile(Lexicon.build([{ text, entities: [{ label: 'LOCATION', start: 0, end: [...place].length }] }])),
    ),
  );
  const plain = await DiffusionEngine.open(dir, { device: 'cpu', intraOpThreads: 1 });
  withLexicon(dir);
  const filled = await DiffusionEngine.open(dir, { device: 'cpu', intraOpThreads: 1 });
  try {
    const [before] = await plain.annotate([{ id: '1', text }]);
    const [after] = await filled.annotate([{ id: '1', text }]);
    // The tiny model finds nothing here; the package's lexicon adds its match, scored by its precision.
    assert.deepEqual(before.entities, []);
    assert.deepEqual(after.entities, [{ label: 'LOCATION', start: 0, end: [...place].length, score: 2 / 3 }]);
  } finally {
    await plain.release();
    await filled.release();
  }
});

for (const [name, breakIt, message] of breakages) {
  test(`refuses a package with ${name}`, () => {
    const dir = tinyPackageCopy();
    breakIt(dir);
    const problems = packageProblems(dir);
    assert.ok(
      problems.some((p) => message.test(p)),
      `${JSON.stringify(problems)} should match ${message}`,
    );
  });
}

test('refuses ids out of the vocabulary, and missing external weights, naming each', () => {
  const problems = packageProblems(
    tinyPackageCopy((m) => {
      m.tokens.mask = 99999;
      m.graph.externalData = ['model.onnx.data'];
    }),
  );
  assert.ok(
    problems.includes("manifest.json: tokens.mask: id 99999 is outside the tokenizer's vocabulary (0..331)"),
    problems.join('\n'),
  );
  assert.ok(problems.includes('model.onnx.data: is missing (named by manifest.json graph)'), problems.join('\n'));
});

test('refuses an invalid manifest field by field', () => {
  const problems = packageProblems(
    tinyPackageCopy((m) => {
      delete m.shiftedLogits;
      m.output.format = 'xml';
    }),
  );
  assert.deepEqual(
    problems.sort(),
    [
      "manifest.json: output.format: must be one of 'inline-tags', 'bio-lines', 'aligned-bio'",
      'manifest.json: shiftedLogits: is missing',
    ].sort(),
  );
});

test('refuses a missing folder', () => {
  assert.throws(() => loadPackage('/no/such/package'), /the folder does not exist/);
});

test('refuses a damaged graph file under its name, with what onnxruntime said', async () => {
  for (const [name, damage] of [
    ['garbage', () => Buffer.from('not an ONNX graph at all')],
    ['truncated', (bytes: Buffer) => bytes.subarray(0, bytes.length >> 2)],
  ] as const) {
    const dir = tinyPackageCopy();
    writeFileSync(join(dir, 'model.onnx'), damage(readFileSync(join(dir, 'model.onnx'))));
    await assert.rejects(DiffusionEngine.open(dir, { device: 'auto', intraOpThreads: 1 }), (error: unknown) => {
      assert.ok(error instanceof PackageError, `${name}: ${String(error)}`);
      assert.match(error.problems.join('\n'), /^model\.onnx: onnxruntime cannot load it \(.+\)$/);
      return true;
    });
  }
});

const contractBreakers: [string, RegExp][] = [
  [
    'renamed-input',
    /input 'input_ids' is missing \(the graph has 'ids', .*\)[\s\S]*input 'ids' is not part of the contract/,
  ],
  ['wrong-k', /output 'topk_ids' returns 4 candidates per position but manifest head\.topK is 8/],
  ['float16-probs', /output 'topk_probs' is float16, expected float32/],
];

for (const [graph, message] of contractBreakers) {
  test(`refuses a graph that breaks the contract: ${graph}`, async () => {
    const dir = tinyPackageCopy();
    copyFileSync(`test/fixtures/tiny-model/contract-breakers/${graph}.onnx`, join(dir, 'model.onnx'));
    await assert.rejects(DiffusionEngine.open(dir, { device: 'cpu', intraOpThreads: 1 }), (error: unknown) => {
      assert.ok(error instanceof GraphContractError);
      assert.match(error.message, /^model\.onnx does not follow the graph contract/);
      assert.match(error.message, message);
      return true;
    });
  });
}

test('prompt ids equal Python tokenizers for every fixture text (raw template)', () => {
  const pkg = loadPackage(TINY_PACKAGE);
  texts.forEach((text, i) =>
    assert.deepEqual(pkg.prompt.build(text).ids, expected.promptIds.raw[i], JSON.stringify(text)),
  );
});

test('chat prompts render with the tokenizer_config chat template as transformers renders them', () => {
  const pkg = loadPackage(tinyPackageCopy((m) => (m.prompt = expected.promptIds.chatPrompt)));
  texts.forEach((text, i) =>
    assert.deepEqual(pkg.prompt.build(text).ids, expected.promptIds.chat[i], JSON.stringify(text)),
  );
  const built = pkg.prompt.build('sốt');
  assert.equal(
    pkg.tokenizer.decode(built.ids.slice(0, built.textStart)),
    '<|im_start|>system\nBạn là trợ lý y tế.<|im_end|>\n<|im_start|>user\nGắn nhãn thực thể:\n<ner>\n',
  );
});

test('text tokens carry exact code-point offsets, also where a token splits a character', () => {
  const pkg = loadPackage(TINY_PACKAGE);
  const text = 'Bệnh 😷 ở Hà Nội\r\nsốt';
  const { textTokens, ids, textStart } = pkg.prompt.build(text);
  assert.equal(textTokens[0].start, 0);
  assert.equal(textTokens[textTokens.length - 1].end, Array.from(text).length);
  for (let i = 1; i < textTokens.length; i++)
    assert.ok(textTokens[i].start <= textTokens[i - 1].end && textTokens[i].start >= textTokens[i - 1].start);
  assert.equal(pkg.tokenizer.decode(ids.slice(textStart, textStart + textTokens.length)), text);
});

test('text that is not NFC is tokenised as NFC with offsets on the original text', () => {
  const pkg = loadPackage(TINY_PACKAGE);
  const nfd = 'Bệnh ở Hà Nội'.normalize('NFD');
  const { textTokens } = pkg.prompt.build(nfd);
  const nfc = pkg.prompt.build(nfd.normalize('NFC'));
  assert.equal(textTokens.length, nfc.textTokens.length);
  assert.equal(textTokens.at(-1)!.end, Array.from(nfd).length);
  const last = textTokens.at(-1)!;
  assert.equal(Array.from(nfd).slice(last.start, last.end).join('').normalize('NFC'), 'i');
});
