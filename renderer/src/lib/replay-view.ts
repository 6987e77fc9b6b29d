// What the denoising replay draws at one step: the document's text cut into pieces, each text token carrying the
// label its canvas position holds then (null while masked) and whether this very step wrote it. Plain TS, unit-tested.
import type { DenoisingSegment, DenoisingTrace } from '../../../core/contract/types.js';

export interface ReplayPiece {
  text: string;
  /** Set on text tokens of an aligned canvas: null while masked, else the tag with its B-/I- prefix dropped ('O' stays). */
  label?: string | null;
  /** The token's tag as the model wrote it (`B-LOCATION`, `I-ORGANIZATION|B-LOCATION`). */
  tag?: string;
  /** Written at this step (it was masked at the step before). */
  fresh?: boolean;
}

export interface ReplayFrame {
  pieces: ReplayPiece[];
  /** Canvas positions still masked, of all positions. */
  masked: number;
  positions: number;
}

/** Steps in the replay: the longest segment's (segments denoise in batches of their own, so they may differ). */
export function stepCount(trace: DenoisingTrace): number {
  return Math.max(0, ...trace.segments.map((s) => s.steps.length));
}

/** A segment's canvas at `step` (1-based; 0 is before the first step: all masked); a finished segment stays finished. */
function canvasAt(segment: DenoisingSegment, step: number): (string | null)[] {
  if (step <= 0) return (segment.steps[0] ?? []).map(() => null);
  return segment.steps[Math.min(step, segment.steps.length) - 1] ?? [];
}

/** The outer entity's label of a tag stack, or 'O'. */
function labelOf(tag: string): string {
  const outer = tag.split('|')[0];
  return /^[BI]-/.test(outer) ? outer.slice(2) : outer;
}

/** The frame at `step` over the document's `text` (code points, as the trace's offsets count). */
export function frameAt(trace: DenoisingTrace, text: string, step: number): ReplayFrame {
  const chars = Array.from(text);
  const pieces: ReplayPiece[] = [];
  let masked = 0;
  let positions = 0;
  let at = 0;
  const plain = (end: number) => {
    if (end > at) pieces.push({ text: chars.slice(at, end).join('') });
    at = Math.max(at, end);
  };
  for (const segment of trace.segments) {
    const now = canvasAt(segment, step);
    const before = canvasAt(segment, step - 1);
    positions += now.length;
    masked += now.filter((token) => token === null).length;
    if (!segment.aligned) {
      // Free-text output: the canvas itself, masks drawn as blocks, after the segment's own text.
      plain(segment.end);
      pieces.push({ text: ` → ${now.map((token) => token ?? '▒').join(' ')}`, label: null });
      continue;
    }
    segment.tokens.forEach((token, i) => {
      plain(token.start);
      const tag = now[i] ?? null;
      pieces.push({
        text: chars.slice(Math.max(at, token.start), token.end).join(''),
        label: tag === null ? null : labelOf(tag),
        ...(tag === null ? {} : { tag }),
        fresh: tag !== null && before[i] === null,
      });
      at = Math.max(at, token.end);
    });
  }
  plain(chars.length);
  return { pieces, masked, positions };
}
