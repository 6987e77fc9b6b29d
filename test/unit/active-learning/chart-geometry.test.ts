// The learning-curve chart's geometry: round ticks, points inside the plot, higher F1 drawn higher, sorted lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { chartGeometry, DEFAULT_BOX, niceStep } from '../../../core/active-learning/chart-geometry.js';

test('niceStep picks 1, 2 or 5 times a power of ten', () => {
  assert.equal(niceStep(10, 5), 2);
  assert.equal(niceStep(400, 6), 100);
  assert.equal(niceStep(0.5, 5), 0.1);
  assert.equal(niceStep(37, 6), 10);
  assert.equal(niceStep(0, 5), 1);
});

test('an empty chart still has axes from 0 to 1', () => {
  const g = chartGeometry([]);
  assert.equal(g.empty, true);
  assert.deepEqual(
    g.yTicks.map((t) => t.label),
    ['0.0', '0.2', '0.4', '0.6', '0.8', '1.0'],
  );
  assert.equal(g.xTicks[0].at, DEFAULT_BOX.pad.left);
});

test('points are placed by documents and F1, lines sorted by documents', () => {
  const g = chartGeometry([
    {
      name: 'project',
      points: [
        { labeled: 40, f1: 0.62 },
        { labeled: 8, f1: 0.41 },
        { labeled: 24, f1: 0.55 },
      ],
    },
  ]);
  const [s] = g.series;
  assert.deepEqual(
    s.points.map((p) => p.labeled),
    [8, 24, 40],
  );
  assert.ok(s.points[0].x < s.points[1].x && s.points[1].x < s.points[2].x);
  // SVG y grows downwards: a higher F1 is drawn higher up.
  assert.ok(s.points[0].y > s.points[1].y && s.points[1].y > s.points[2].y);
  assert.equal(s.line, s.points.map((p) => `${p.x},${p.y}`).join(' '));
  assert.equal(g.xTicks.at(-1)!.value, 40);
  assert.equal(g.yTicks[0].value, 0.3); // F1 from 0.41 up: the axis starts at a round value below it
  assert.equal(s.colour, '#0072b2');
});

test('every point lies inside the plot area, whatever the data', () => {
  const point = fc.record({
    labeled: fc.integer({ min: 0, max: 100_000 }),
    f1: fc.double({ min: 0, max: 1, noNaN: true }),
  });
  fc.assert(
    fc.property(
      fc.array(fc.record({ name: fc.string(), points: fc.array(point, { maxLength: 20 }) }), { maxLength: 5 }),
      (series) => {
        const g = chartGeometry(series);
        for (const s of g.series) {
          for (const p of s.points) {
            assert.ok(p.x >= g.plot.left - 0.1 && p.x <= g.plot.right + 0.1, `x ${p.x}`);
            assert.ok(p.y >= g.plot.top - 0.1 && p.y <= g.plot.bottom + 0.1, `y ${p.y} for f1 ${p.f1}`);
          }
        }
        for (const t of g.yTicks) assert.ok(t.at >= g.plot.top - 0.1 && t.at <= g.plot.bottom + 0.1);
      },
    ),
  );
});

test('non-finite points are left out rather than drawn at NaN', () => {
  const g = chartGeometry([
    {
      name: 's',
      points: [
        { labeled: 5, f1: Number.NaN },
        { labeled: 10, f1: 0.5 },
      ],
    },
  ]);
  assert.equal(g.series[0].points.length, 1);
  assert.ok(!g.series[0].line.includes('NaN'));
});
