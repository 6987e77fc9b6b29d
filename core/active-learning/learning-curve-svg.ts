// The standalone SVG of learning curves (`workbench simulate`, bench/, docs), drawn with the same geometry and palette
// as the UI's chart (chart-geometry.ts).
import { chartGeometry, type ChartBox } from './chart-geometry.js';
import type { CurveSeries } from './learning-curve.js';

const esc = (s: string) =>
  s.replace(/[&<>"]/gu, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** An SVG line chart of dev F1 against sentences annotated, one line per series, with a legend on the right. */
export function learningCurveSvg(series: readonly CurveSeries[], title: string, width = 720, height = 440): string {
  const box: ChartBox = { width, height, pad: { left: 60, right: 190, top: 40, bottom: 50 } };
  const chart = chartGeometry(series, box);
  const { plot } = chart;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${plot.left}" y="22" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ];
  for (const tick of chart.yTicks) {
    out.push(`<line x1="${plot.left}" x2="${plot.right}" y1="${tick.at}" y2="${tick.at}" stroke="#ddd"/>`);
    out.push(`<text x="${plot.left - 8}" y="${tick.at + 4}" text-anchor="end">${tick.label}</text>`);
  }
  for (const tick of chart.xTicks)
    out.push(`<text x="${tick.at}" y="${plot.bottom + 18}" text-anchor="middle">${tick.label}</text>`);
  out.push(`<line x1="${plot.left}" x2="${plot.right}" y1="${plot.bottom}" y2="${plot.bottom}" stroke="#333"/>`);
  out.push(`<line x1="${plot.left}" x2="${plot.left}" y1="${plot.top}" y2="${plot.bottom}" stroke="#333"/>`);
  out.push(
    `<text x="${(plot.left + plot.right) / 2}" y="${height - 12}" text-anchor="middle">sentences annotated</text>`,
  );
  const middle = (plot.top + plot.bottom) / 2;
  out.push(`<text x="16" y="${middle}" text-anchor="middle" transform="rotate(-90 16 ${middle})">dev micro-F1</text>`);
  chart.series.forEach((s, i) => {
    out.push(`<polyline fill="none" stroke="${s.colour}" stroke-width="2" points="${s.line}"/>`);
    for (const p of s.points) out.push(`<circle cx="${p.x}" cy="${p.y}" r="3" fill="${s.colour}"/>`);
    const ly = plot.top + 10 + i * 20;
    out.push(
      `<line x1="${plot.right + 16}" x2="${plot.right + 40}" y1="${ly}" y2="${ly}" stroke="${s.colour}" stroke-width="2"/>`,
    );
    out.push(`<text x="${plot.right + 46}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
