// Generated tokens -> suggestions: on the tiny model's real output (random, so mostly problems), on scripted outputs
// whose entities are known, for inline tags, BIO lines and aligned BIO, and for documents longer than the window.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { codePointLength, CodePointIndex } from '../../core/offsets.js';
import { DiffusionEngine } from '../../main/engine/engine.js';
import { splitForWindow } from '../../main/engine/long-document.js';
import { loadPackage } from '../../main/engine/package-loader.js';
import { parseOutput } from '../../main/engine/suggestions.js';
import { TINY_PACKAGE, tinyPackageCopy } from '../support/tiny-package.js';

const TEXT = 'Bệnh nhân 35 tuổi ở Hà Nội có triệu chứng sốt từ ngày 12/3.';
const cpSlice = (text: string, start: number, end: number) => new CodePointIndex(text).slice(start, end);
const CPU = { device: 'cpu' as const, intraOpThreads: 1, interOpThreads: 1 };

describe('suggestions from real model output', () => {
  let engine: DiffusionEngine;
  before(async () => (engine = await DiffusionEngine.open(TINY_PACKAGE, CPU)));
  after(() => engine.release());

  test('inline-tags output of the tiny model parses without throwing; every suggestion is inside the text with a score', async () => {
    const texts = ['sốt', TEXT, 'Sở Y tế cho biết ca bệnh tại Đà Nẵng đã hết ho khan.'];
    const results = await engine.annotate(
      texts.map((text, i) => ({ id: String(i), text })),
      { settings: { steps: 8, maxNewTokens: 24 } },
    );
    const generated = await engine.generate(
      texts.map((t) => [t]),
      { steps: 8, maxNewTokens: 24 },
    );
    results.forEach((result, i) => {
      assert.equal(result.segments[0].output, generated[i].text[0], 'the parsed output is what the sampler generated');
      assert.ok(result.problems.length > 0 || result.entities.length > 0 || result.segments[0].output === texts[i]);
      for (const e of result.entities) {
        assert.ok(e.start >= 0 && e.end <= codePointLength(texts[i]) && e.start < e.end);
        assert.ok(e.score !== undefined && e.score >= 0 && e.score <= 1);
      }
    });
  });
});

test('aligned-BIO packages get one label per text token and spans on token offsets', async () => {
  const dir = tinyPackageCopy((m) => (m.output.format = 'aligned-bio'));
  const engine = await DiffusionEngine.open(dir, CPU);
  try {
    const [result] = await engine.annotate([{ id: 'a', text: TEXT }], { settings: { steps: 8, maxNewTokens: 3 } });
    const textTokens = engine.pkg.prompt.build(TEXT).textTokens;
    assert.equal(result.segments[0].output.split(' ').length >= 1, true);
    const starts = new Set(textTokens.map((t) => t.start));
    const ends = new Set(textTokens.map((t) => t.end));
    for (const e of result.entities) assert.ok(starts.has(e.start) && ends.has(e.end), JSON.stringify(e));
    assert.equal(engine.canvasFor(engine.info.defaults, textTokens.length, 10), textTokens.length);
  } finally {
    await engine.release();
  }
});

describe('scripted outputs map to the right offsets and scores', () => {
  const pkg = loadPackage(TINY_PACKAGE);
  const tok = pkg.tokenizer;

  test('inline tags: offsets on the source, score = mean probability of the tokens from <TAG> to </TAG>', () => {
    const output =
      'Bệnh nhân 35 tuổi ở <LOCATION>Hà Nội</LOCATION> có triệu chứng <SYMPTOM_AND_DISEASE>sốt</SYMPTOM_AND_DISEASE> từ ngày 12/3.';
    const ids = tok.encode(output);
    const { ranges } = tok.decodeWithOffsets(ids);
    const probabilities = Float32Array.from(ids, () => 0.5);
    const at = output.indexOf('<LOCATION>');
    const close = output.indexOf('</LOCATION>') + '</LOCATION>'.length;
    ranges.forEach((r, i) => {
      if (r.end > at && r.start < close) probabilities[i] = 0.9; // the tokens that wrote the LOCATION entity
    });
    const parsed = parseOutput(pkg.manifest.output, tok, TEXT, [], ids, probabilities);
    assert.deepEqual(parsed.problems, []);
    const [location, symptom] = parsed.entities;
    assert.equal(cpSlice(TEXT, location.start, location.end), 'Hà Nội');
    assert.equal(location.label, 'LOCATION');
    assert.ok(Math.abs(location.score! - 0.9) < 1e-6, String(location.score));
    assert.equal(cpSlice(TEXT, symptom.start, symptom.end), 'sốt');
    assert.ok(Math.abs(symptom.score! - 0.5) < 1e-6);
  });

  test('aligned BIO: stacked labels give nested entities on token offsets', () => {
    const text = 'Bệnh viện Bạch Mai Hà Nội';
    const { textTokens } = pkg.prompt.build(text);
    const index = new CodePointIndex(text);
    const words = (from: string, to: string) => [
      Array.from(text.slice(0, text.indexOf(from))).length,
      Array.from(text.slice(0, text.indexOf(to) + to.length)).length,
    ];
    const [orgStart, orgEnd] = words('Bệnh', 'Nội');
    const [locStart] = words('Hà', 'Hà');
    const labels = textTokens.map((t) => {
      if (t.start < orgStart || t.start >= orgEnd) return 'O';
      const org = t.start === orgStart ? 'B-ORGANIZATION' : 'I-ORGANIZATION';
      if (t.start < locStart) return org;
      return t.start === locStart ? `${org}|B-LOCATION` : `${org}|I-LOCATION`;
    });
    const ids = labels.map((l) => tok.tokenToId(l) ?? tok.encode(l)[0]);
    assert.ok(
      labels.every((l, i) => tok.decode([ids[i]]).trim() === l),
      'every label is one token of the fixture vocabulary',
    );
    const parsed = parseOutput(
      { format: 'aligned-bio', labels: ['ORGANIZATION', 'LOCATION'] },
      tok,
      text,
      textTokens,
      ids,
      Float32Array.from(ids, () => 0.75),
    );
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(
      parsed.entities.map((e) => [e.label, index.slice(e.start, e.end), e.score]),
      [
        ['ORGANIZATION', 'Bệnh viện Bạch Mai Hà Nội', 0.75],
        ['LOCATION', 'Hà Nội', 0.75],
      ],
    );
  });

  test('BIO lines: entities on the source tokens, scored by their lines', () => {
    const output = 'Bệnh O\nnhân O\nở O\nHà B-LOCATION\nNội I-LOCATION';
    const ids = tok.encode(output);
    const parsed = parseOutput(
      { format: 'bio-lines', labels: ['LOCATION'] },
      tok,
      'Bệnh nhân ở Hà Nội',
      [],
      ids,
      Float32Array.from(ids, () => 0.6),
    );
    assert.deepEqual(
      parsed.entities.map((e) => [e.label, cpSlice('Bệnh nhân ở Hà Nội', e.start, e.end)]),
      [['LOCATION', 'Hà Nội']],
    );
    assert.ok(Math.abs(parsed.entities[0].score! - 0.6) < 1e-6);
  });

  test('garbage is reported as problems, never thrown', () => {
    const ids = [5, 77, 300, 2, 9];
    for (const format of ['inline-tags', 'bio-lines', 'aligned-bio'] as const) {
      const parsed = parseOutput(
        { format, labels: ['LOCATION'] },
        tok,
        TEXT,
        pkg.prompt.build(TEXT).textTokens,
        ids,
        new Float32Array(5).fill(0.3),
      );
      assert.ok(parsed.problems.length > 0, format);
    }
  });
});

describe('documents longer than the window', () => {
  const sentences = [
    'Bệnh nhân 35 tuổi ở Hà Nội có triệu chứng sốt từ ngày 12/3.',
    'Sở Y tế cho biết ca bệnh tại Đà Nẵng đã hết ho khan.',
    'Theo CDC Hà Nội, người phụ nữ 62 tuổi sống tại Cần Thơ đã âm tính, ho khan, sốt cao, khó thở và mệt mỏi kéo dài nhiều ngày liền.',
  ];
  const doc = `${sentences[0]} ${sentences[1]}\r\n\r\n😷 ${sentences[2]}`;

  test('split at sentence, then clause, then word boundaries, with exact offsets', () => {
    const segments = splitForWindow(doc, (s) => codePointLength(s) <= 70);
    for (const s of segments) {
      assert.equal(cpSlice(doc, s.start, s.end), s.text);
      assert.ok(codePointLength(s.text) <= 70 && s.text.trim() === s.text);
    }
    assert.equal(segments[0].text, sentences[0]);
    assert.equal(segments[1].text, sentences[1]);
    assert.ok(segments[2].text.startsWith('😷 Theo CDC Hà Nội,'), segments[2].text);
    for (let i = 1; i < segments.length; i++) assert.ok(segments[i].start >= segments[i - 1].end);
    const words = (t: string) => t.split(/\s+/u).filter(Boolean);
    assert.deepEqual(
      segments.flatMap((s) => words(s.text)),
      words(doc),
      'no word lost or cut',
    );
  });

  test('a package with a short window annotates the whole document in segments', async () => {
    const dir = tinyPackageCopy((m) => (m.maxLength = 96));
    const engine = await DiffusionEngine.open(dir, CPU);
    try {
      const [result] = await engine.annotate([{ id: 'long', text: doc }], {
        settings: { steps: 4, maxNewTokens: 'auto' },
      });
      assert.ok(result.segments.length >= 3, `${result.segments.length} segments`);
      for (const s of result.segments) assert.ok(s.start < s.end && s.end <= codePointLength(doc));
      for (const e of result.entities) assert.ok(result.segments.some((s) => e.start >= s.start && e.end <= s.end));
    } finally {
      await engine.release();
    }
  });
});
