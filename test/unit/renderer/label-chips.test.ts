// Labels written on the text: a chip per span start and nesting level, same-label nesting marked, and colours that
// meet WCAG contrast whatever colour a label was given (underline 3:1 on white, chip text 4.5:1 on the chip).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LABEL_PALETTE, atContrast, contrast, textOn } from '../../../core/label-colours.js';
import { layoutLine, type LayoutItem } from '../../../renderer/src/editor/layout.js';
import { labelInk, lineHtml } from '../../../renderer/src/editor/line-html.js';

const TEXT = Array.from('Bệnh viện Hà Nội ở Hà Nội');
const item = (key: string, label: string, start: number, end: number, suggestion = false): LayoutItem => ({
  key,
  label,
  start,
  end,
  suggestion,
  score: suggestion ? 0.9 : null,
  source: '',
});
const ctx = {
  slice: (s: number, e: number) => TEXT.slice(s, e).join(''),
  colour: (label: string) => ({ ORG: '#0072b2', LOC: '#bfef45' })[label] ?? '#666666',
  name: (i: LayoutItem) => `${i.label}: ${TEXT.slice(i.start, i.end).join('')}`,
};

test('every span start carries its label as a chip, one per nesting level, outer first', () => {
  // ORG "Bệnh viện Hà Nội" holds LOC "Hà Nội", which holds LOC "Hà": three levels, two of them LOC in LOC.
  const html = lineHtml(
    layoutLine(0, 0, TEXT.length, [
      item('e:0', 'ORG', 0, 16),
      item('e:1', 'LOC', 10, 16),
      item('e:2', 'LOC', 10, 12),
      item('s:1', 'LOC', 19, 25, true),
    ]),
    ctx,
  );
  assert.deepEqual(
    [...html.matchAll(/data-chip="([^"]+)"/g)].map((m) => m[1]),
    ['ORG', 'LOC', 'LOC', 'LOC'],
  );
  // The inner LOC inside a LOC is marked for the double underline; the outer one and the ORG are not.
  assert.deepEqual(
    [...html.matchAll(/class="([^"]+)" data-key="([^"]+)"/g)].map((m) => `${m[2]} ${m[1]}`),
    ['e:0 ent', 'e:1 ent', 'e:2 ent same-nest', 's:1 ent sugg'],
  );
  // The chip is an attribute (drawn by CSS), never text: the line's text is the document's text, unchanged.
  assert.equal(html.replace(/<[^>]+>/g, ''), TEXT.join(''));
});

test('each span has one control, its chip: named "LABEL: text", empty, inside no other control (axe nested-interactive)', () => {
  const html = lineHtml(
    layoutLine(0, 0, TEXT.length, [item('e:0', 'ORG', 0, 16), item('e:1', 'LOC', 10, 16), item('e:2', 'LOC', 10, 12)]),
    ctx,
  );
  const controls = [...html.matchAll(/<(\w+)([^>]*role="button"[^>]*)>(.*?)<\/\1>/g)];
  assert.deepEqual(
    controls.map((m) => /aria-label="([^"]+)"/.exec(m[2])![1]),
    ['ORG: Bệnh viện Hà Nội', 'LOC: Hà Nội', 'LOC: Hà'],
  );
  // A chip holds nothing (its word is CSS), so no control can sit inside it; the marks that nest carry no role.
  assert.ok(controls.every((m) => m[3] === ''));
  assert.equal([...html.matchAll(/role=/g)].length, 3);
  assert.ok(!/<mark[^>]*role=/.test(html));
});

test('a span cut by a crossing one is named, and chipped, once', () => {
  const html = lineHtml(layoutLine(0, 0, TEXT.length, [item('e:0', 'ORG', 0, 12), item('e:1', 'LOC', 10, 16)]), ctx);
  assert.equal([...html.matchAll(/data-chip="/g)].length, 2);
  assert.equal([...html.matchAll(/data-key="e:1"/g)].length, 2);
});

test('the default palette: distinct, each 3:1 or more on white, chip text 4.5:1 or more', () => {
  assert.equal(new Set(LABEL_PALETTE).size, LABEL_PALETTE.length);
  assert.ok(LABEL_PALETTE.length >= 10);
  for (const c of LABEL_PALETTE) {
    assert.ok(contrast(c, '#ffffff') >= 3, `${c} on white: ${contrast(c, '#ffffff').toFixed(2)}`);
    assert.ok(contrast(c, textOn(c)) >= 4.5, `${c} chip text`);
  }
});

test('any stored colour (the old lime DATE included) is drawn at 3:1, its chip text at 4.5:1, its suggestion text at 4.5:1', () => {
  const lime = labelInk('#bfef45');
  assert.ok(contrast('#bfef45', '#ffffff') < 1.5, 'the old colour really was unreadable');
  assert.ok(contrast(lime.line, '#ffffff') >= 3);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffff }), (n) => {
      const colour = `#${n.toString(16).padStart(6, '0')}`;
      const ink = labelInk(colour);
      return (
        contrast(ink.line, '#ffffff') >= 3 &&
        contrast(ink.line, ink.text) >= 4.5 &&
        contrast(ink.dark, '#ffffff') >= 4.5
      );
    }),
    { numRuns: 500 },
  );
  // Colours that already meet the ratio are kept as they are.
  assert.equal(atContrast('#0072b2', 3), '#0072b2');
});
