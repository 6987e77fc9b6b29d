// Label colours people can tell apart and read: a default palette chosen for colour-blind viewers (Okabe-Ito and
// Paul Tol hues, darkened where needed), and the contrast arithmetic of WCAG 2.x that keeps any stored colour usable
// (underlines need 3:1 against the page, chip text 4.5:1 against its chip).

/** Default label colours, in the order new labels take them: each at least 3:1 against white. */
export const LABEL_PALETTE = [
  '#0072b2', // blue
  '#d55e00', // vermillion
  '#007a5a', // bluish green
  '#aa3377', // wine
  '#7a6a00', // dark ochre (the yellow family, dark enough to see on white)
  '#332288', // indigo
  '#b2475b', // rose
  '#1f6f8b', // steel cyan
  '#8c4a00', // brown
  '#6b4c9a', // violet
  '#5a7a00', // olive
  '#555555', // grey
] as const;

/** WCAG relative luminance of a `#rrggbb` colour. */
export function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** WCAG contrast ratio of two `#rrggbb` colours (1 to 21). */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const hex2 = (v: number) =>
  Math.round(Math.min(255, Math.max(0, v)))
    .toString(16)
    .padStart(2, '0');

/** `hex` mixed towards black by `t` (0 = unchanged, 1 = black): same hue, darker. */
function darken(hex: string, t: number): string {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) * (1 - t));
  return `#${c.map(hex2).join('')}`;
}

/** `hex`, darkened just enough to reach `ratio` against `background` (white by default). */
export function atContrast(hex: string, ratio: number, background = '#ffffff'): string {
  if (!/^#[0-9a-fA-F]{6}$/.test(hex)) hex = '#666666';
  hex = hex.toLowerCase();
  for (let t = 0; t <= 1; t += 0.02) {
    const c = darken(hex, t);
    if (contrast(c, background) >= ratio) return c;
  }
  return '#000000';
}

/** Black or white, whichever reads better on `hex`: at least 4.58:1 for any colour (WCAG AA for text). */
export function textOn(hex: string): '#000000' | '#ffffff' {
  return contrast(hex, '#000000') >= contrast(hex, '#ffffff') ? '#000000' : '#ffffff';
}
