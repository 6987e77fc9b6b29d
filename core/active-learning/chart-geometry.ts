// Geometry of the learning-curve chart, the one both drawings use (the UI's LearningChart.svelte and the standalone
// SVG of learning-curve.ts): axes with round ticks, one polyline per series in one palette, F1 against documents
// annotated. Plain TS so it is unit-tested; the drawings only draw what this says.
import type { CurvePoint, CurveSeries } from './learning-curve.js';

export interface ChartBox {
  width: number;
  height: number;
  pad: { left: number; right: number; top: number; bottom: number };
}

export interface PlacedPoint extends CurvePoint {
  x: number;
  y: number;
}

export interface PlacedSeries {
  name: string;
  colour: string;
  points: PlacedPoint[];
  /** SVG polyline `points` attribute. */
  line: string;
}

export interface Tick {
  value: number;
  /** Pixel position along its axis. */
  at: number;
  label: string;
}

export interface ChartGeometry {
  series: PlacedSeries[];
  xTicks: Tick[];
  yTicks: Tick[];
  /** The plot area, inside the padding. */
  plot: { left: number; top: number; right: number; bottom: number };
  empty: boolean;
}

/** The series colours, in order: colour-blind-safe (Okabe-Ito). */
export const SERIES_COLOURS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#000000', '#f0e442'];

export const DEFAULT_BOX: ChartBox = { width: 640, height: 300, pad: { left: 48, right: 16, top: 12, bottom: 36 } };

/** A round step (1, 2 or 5 × 10^k) that cuts `span` into at most about `count` parts. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0)) return 1;
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power;
}

const round = (v: number) => Math.round(v * 10) / 10;

/**
 * Places the series in the box. x runs from 0 to a round number at or above the largest count; y from a round F1 at
 * or below the lowest point (0 when the points are spread wide) to 1 at most, so small gains stay visible.
 */
export function chartGeometry(series: readonly CurveSeries[], box: ChartBox = DEFAULT_BOX): ChartGeometry {
  const plot = {
    left: box.pad.left,
    top: box.pad.top,
    right: box.width - box.pad.right,
    bottom: box.height - box.pad.bottom,
  };
  const all = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.labeled) && Number.isFinite(p.f1));
  const xStep = niceStep(Math.max(1, ...all.map((p) => p.labeled)), 6);
  const xMax = Math.max(xStep, Math.ceil(Math.max(1, ...all.map((p) => p.labeled)) / xStep) * xStep);
  const lowest = Math.min(1, ...all.map((p) => p.f1));
  const highest = Math.max(0, ...all.map((p) => p.f1));
  const yMin = all.length === 0 || lowest < 0.3 ? 0 : Math.max(0, Math.floor((lowest - 0.05) * 10) / 10);
  const yMax = all.length === 0 ? 1 : Math.min(1, Math.max(yMin + 0.1, Math.ceil((highest + 0.02) * 10) / 10));
  const x = (v: number) => round(plot.left + (v / xMax) * (plot.right - plot.left));
  const y = (v: number) => round(plot.bottom - ((v - yMin) / (yMax - yMin)) * (plot.bottom - plot.top));

  const xTicks: Tick[] = [];
  for (let v = 0; v <= xMax + 1e-9; v += xStep) xTicks.push({ value: v, at: x(v), label: String(Math.round(v)) });
  const yStep = niceStep(yMax - yMin, 5);
  const yTicks: Tick[] = [];
  for (let i = 0, v = yMin; v <= yMax + 1e-9; i++, v = yMin + i * yStep)
    yTicks.push({ value: v, at: y(v), label: v.toFixed(yStep < 0.1 ? 2 : 1) });

  const placed = series.map((s, i): PlacedSeries => {
    const points = [...s.points]
      .filter((p) => Number.isFinite(p.labeled) && Number.isFinite(p.f1))
      .sort((a, b) => a.labeled - b.labeled)
      .map((p) => ({ ...p, x: x(p.labeled), y: y(p.f1) }));
    return {
      name: s.name,
      colour: SERIES_COLOURS[i % SERIES_COLOURS.length],
      points,
      line: points.map((p) => `${p.x},${p.y}`).join(' '),
    };
  });
  return { series: placed, xTicks, yTicks, plot, empty: all.length === 0 };
}
