// How many masks follow the prompt: a fixed max_new_tokens (Dream), or 'auto', sized from the text so a short
// sentence does not pay for a 512-token canvas.

export interface CanvasRule {
  format: 'inline-tags' | 'bio-lines' | 'aligned-bio';
  /** Overrides the format's default ratio (manifest output.canvas). */
  canvas?: { perTextToken: number; extra: number };
}

// Inline tags copy the text and add two tags per entity; BIO lines repeat each token with a tag and a newline.
const DEFAULT_RATIO: Record<CanvasRule['format'], { perTextToken: number; extra: number }> = {
  'inline-tags': { perTextToken: 1.5, extra: 8 },
  'bio-lines': { perTextToken: 3, extra: 8 },
  'aligned-bio': { perTextToken: 1, extra: 0 },
};

/**
 * Canvas length for a text of `textTokens` tokens: `maxNewTokens` when fixed; for 'auto', exactly one label per
 * text token for aligned-bio, else ceil(textTokens * perTextToken) + extra, at most `room` (maxLength - prompt).
 */
export function canvasLength(
  maxNewTokens: number | 'auto',
  rule: CanvasRule,
  textTokens: number,
  room: number,
): number {
  if (maxNewTokens !== 'auto') return maxNewTokens;
  if (rule.format === 'aligned-bio') return textTokens;
  const { perTextToken, extra } = rule.canvas ?? DEFAULT_RATIO[rule.format];
  return Math.max(1, Math.min(room, Math.ceil(textTokens * perTextToken) + extra));
}
