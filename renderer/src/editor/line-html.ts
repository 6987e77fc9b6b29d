// A line's markup as one HTML string. Building strings and letting the browser parse them once is several times
// faster than creating thousands of elements one by one, which is what keeps a 1,000-sentence document with
// 3,000 spans under the 300 ms budget. All interaction is delegated to the text container, so the markup needs
// no handlers; every dynamic value is escaped here.
import { atContrast, textOn } from '../../../core/label-colours.js';
import type { LayoutItem, LayoutNode, LineLayout } from './layout.js';

export interface LineHtmlContext {
  /** Text of [start, end) in code points. */
  slice(start: number, end: number): string;
  colour(label: string): string;
  /** Accessible name of a span ("LOCATION: Đà Nẵng"). */
  name(item: LayoutItem): string;
  /** Extra class names of a span (curation marks the spans not every annotator has); none by default. */
  classes?(item: LayoutItem): string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
// Colours come from the database: only #rrggbb reaches a style attribute.
const safeColour = (c: string): string => (/^#[0-9a-fA-F]{6}$/.test(c) ? c : '#666666');

/** How a stored label colour is drawn: underline/chip colour (3:1 on white), chip text (4.5:1 or more on the chip), and
 * a darker shade for a suggestion chip's text on white (4.5:1). Whatever colour a user picked stays readable. */
export interface LabelInk {
  line: string;
  text: string;
  dark: string;
}

const inks = new Map<string, LabelInk>();
/** The ink of a stored colour (memoised: a document has a handful of colours and thousands of spans). */
export function labelInk(colour: string): LabelInk {
  const safe = safeColour(colour).toLowerCase();
  let ink = inks.get(safe);
  if (!ink) {
    const line = atContrast(safe, 3);
    ink = { line, text: textOn(line), dark: atContrast(safe, 4.5) };
    inks.set(safe, ink);
  }
  return ink;
}

function nodesHtml(
  nodes: readonly LayoutNode[],
  ctx: LineHtmlContext,
  out: string[],
  parentLabel: string | null,
): void {
  for (const node of nodes) {
    if (node.kind === 'text') {
      out.push(
        `<span class="t" data-cp="${node.start}" data-end="${node.end}">${escapeHtml(ctx.slice(node.start, node.end))}</span>`,
      );
      continue;
    }
    const item = node.item;
    // A span inside one of the same label is drawn with a double underline: two LOCATIONs nested read as two.
    const extra = ctx.classes?.(item);
    const cls = `ent${item.suggestion ? ' sugg' : ''}${item.label === parentLabel ? ' same-nest' : ''}${extra ? ` ${escapeHtml(extra)}` : ''}`;
    const ink = labelInk(ctx.colour(item.label));
    const style = `--c:${ink.line};--ct:${ink.text};--cd:${ink.dark};--h:${node.height}`;
    const key = escapeHtml(item.key);
    if (node.continued) {
      // The rest of a span cut by a crossing one: drawn, selectable, but named only once (on its first piece).
      out.push(`<span class="${cls}" data-key="${key}" style="${style}">`);
    } else {
      // <mark> for what it is, with no role: marks nest, and a control inside a control is lost to assistive
      // technology (axe nested-interactive). The span's one control is its chip, the label written at its start: a
      // role=button named "LOCATION: Đà Nẵng" that holds no text (its word is drawn by CSS ::before from data-chip,
      // so offsets, selection and copies ignore it) and so never contains another control. Clicking it selects
      // exactly its span; the text container routes every event.
      const label = escapeHtml(item.label);
      out.push(
        `<mark class="${cls}" data-key="${key}" data-label="${label}" style="${style}">`,
        `<span class="chip" role="button" tabindex="-1" data-chip="${label}" aria-label="${escapeHtml(ctx.name(item))}"></span>`,
      );
    }
    nodesHtml(node.children, ctx, out, item.label);
    out.push(node.continued ? '</span>' : '</mark>');
  }
}

/** The inner HTML of one line. An empty line still gets a (empty) text run, so offsets resolve on it. */
export function lineHtml(layout: LineLayout, ctx: LineHtmlContext): string {
  if (layout.nodes.length === 0) return `<span class="t" data-cp="${layout.start}" data-end="${layout.end}"></span>`;
  const out: string[] = [];
  nodesHtml(layout.nodes, ctx, out, null);
  return out.join('');
}
