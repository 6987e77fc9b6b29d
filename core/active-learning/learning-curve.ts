// Learning curves as a standalone SVG (bench/ and docs); the UI draws the same series with its own chart.

export interface CurvePoint {
  /** Sentences (documents) annotated so far. */
  labeled: number;
  f1: number;
}

export interface CurveSeries {
  name: string;
  points: CurvePoint[];
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

const esc = (s: string) => s.replace(/[&<>"]/gu, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** An SVG line chart of dev F1 against sentences annotated, one line per series. */
export function learningCurveSvg(series: readonly CurveSeries[], title: string, width = 720, height = 440): string {
  const pad = { left: 60, right: 190, top: 40, bottom: 50 };
  const all = series.flatMap((s) => s.points);
  const xMax = Math.max(1, ...all.map((p) => p.labeled));
  const yMin = Math.max(0, Math.floor(Math.min(1, ...all.map((p) => p.f1)) * 10) / 10);
  const yMax = Math.min(1, Math.ceil(Math.max(0, ...all.map((p) => p.f1)) * 10) / 10 || 1);
  const w = width - pad.left - pad.right;
  const h = height - pad.top - pad.bottom;
  const x = (v: number) => pad.left + (v / xMax) * w;
  const y = (v: number) => pad.top + h - ((v - yMin) / Math.max(yMax - yMin, 1e-9)) * h;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${pad.left}" y="22" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const v = yMin + ((yMax - yMin) * i) / 5;
    out.push(`<line x1="${pad.left}" x2="${pad.left + w}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>`);
    out.push(`<text x="${pad.left - 8}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${v.toFixed(2)}</text>`);
  }
  const xStep = Math.max(100, Math.ceil(xMax / 8 / 100) * 100);
  for (let v = 0; v <= xMax; v += xStep) {
    out.push(`<text x="${x(v).toFixed(1)}" y="${pad.top + h + 18}" text-anchor="middle">${v}</text>`);
  }
  out.push(`<line x1="${pad.left}" x2="${pad.left + w}" y1="${pad.top + h}" y2="${pad.top + h}" stroke="#333"/>`);
  out.push(`<line x1="${pad.left}" x2="${pad.left}" y1="${pad.top}" y2="${pad.top + h}" stroke="#333"/>`);
  out.push(`<text x="${pad.left + w / 2}" y="${height - 12}" text-anchor="middle">sentences annotated</text>`);
  out.push(`<text x="16" y="${pad.top + h / 2}" text-anchor="middle" transform="rotate(-90 16 ${pad.top + h / 2})">dev micro-F1</text>`);
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const points = [...s.points].sort((a, b) => a.labeled - b.labeled);
    out.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points.map((p) => `${x(p.labeled).toFixed(1)},${y(p.f1).toFixed(1)}`).join(' ')}"/>`);
    for (const p of points) out.push(`<circle cx="${x(p.labeled).toFixed(1)}" cy="${y(p.f1).toFixed(1)}" r="3" fill="${colour}"/>`);
    const ly = pad.top + 10 + i * 20;
    out.push(`<line x1="${pad.left + w + 16}" x2="${pad.left + w + 40}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="2"/>`);
    out.push(`<text x="${pad.left + w + 46}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

/** The first measured point at which a series reaches `f1` (no interpolation); undefined when it never does. */
export function labeledToReach(points: readonly CurvePoint[], f1: number): number | undefined {
  return [...points].sort((a, b) => a.labeled - b.labeled).find((p) => p.f1 >= f1)?.labeled;
}
