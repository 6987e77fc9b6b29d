// What the annotator has selected in the text: one span (by key), or a text range for a new span, the keyboard caret
// over syllable tokens, and the picker listing the spans that nest at one place. Fields are private: components read
// them through getters and change them only through the methods below, which keep the rules in one place (a span
// and a text range are never selected together; the browser's text selection follows the keyboard's).
import type { Range } from '../../../core/document.js';
import { caretOver, caretRange, moveCaret, moveCaretByLine, moveCaretToLineEdge, type Caret } from '../editor/caret.js';
import { tokenAt } from '../editor/snap.js';
import { clearTextSelection, lineElementAt, selectRange } from '../editor/text-dom.js';
import { editorDocument as text } from './editor-document.svelte.js';

class EditorSelection {
  /** `e:<entity key>` or `s:<suggestion id>`. */
  #key = $state<string | null>(null);
  /** Text selected for a new span (mouse or keyboard), in code points, already snapped. */
  #range = $state.raw<Range | null>(null);
  /** Keys of the spans offered by the picker, innermost first. */
  #pickerKeys = $state.raw<string[]>([]);
  #pickerIndex = $state(0);
  /** Not reactive: only the text range it selects is drawn. */
  #caret: Caret | null = null;
  /** The text's element while it is shown, to mirror the keyboard selection as the browser's text selection. */
  #container: HTMLElement | null = null;

  get key(): string | null {
    return this.#key;
  }

  get textRange(): Range | null {
    return this.#range;
  }

  get pickerKeys(): readonly string[] {
    return this.#pickerKeys;
  }

  get pickerIndex(): number {
    return this.#pickerIndex;
  }

  /** True while the picker lists spans (arrows move in it, Enter picks). */
  get picking(): boolean {
    return this.#pickerKeys.length > 0;
  }

  /** The text element is shown (or gone, with null); the caret does not outlive it. */
  attach(container: HTMLElement | null): void {
    this.#container = container;
    if (!container) this.#caret = null;
  }

  /** A document opened: nothing is selected in it. */
  reset(): void {
    this.#key = null;
    this.#range = null;
    this.#pickerKeys = [];
    this.#caret = null;
  }

  /** Selects a span (or nothing); the caret moves over it, and any text range is dropped. */
  selectKey(key: string | null): void {
    this.#key = key;
    this.#range = null;
    const span = text.spanByKey(key);
    if (span) this.#caret = caretOver(span, text.tokens);
    clearTextSelection();
  }

  /**
   * Keeps the span an edit produced (or an undo brought back) selected, or drops a selection the edit removed. The
   * caret and the text selection stay where they are.
   */
  follow(key: string | null): void {
    this.#key = key;
  }

  /** Selects text for a new span (a finished drag); `mirror` shows it as the browser's selection (snapped drags). */
  selectText(range: Range, mirror: boolean): void {
    this.#range = range;
    this.#key = null;
    this.#pickerKeys = [];
    this.#caret = caretOver(range, text.tokens);
    if (mirror) this.#show(range);
  }

  /** Hands over the selected text range for labelling, and clears it (and the browser's selection). */
  takeTextRange(): Range | null {
    const range = this.#range;
    if (range) {
      this.#range = null;
      clearTextSelection();
    }
    return range;
  }

  /** Escape: no span, no text, no picker. */
  clear(): void {
    this.#pickerKeys = [];
    this.#range = null;
    clearTextSelection();
    this.selectKey(null);
  }

  /** A click on plain text: nothing selected, the caret on the syllable at `at` (arrows and Shift go on from there). */
  clickText(at: number | undefined): void {
    this.#pickerKeys = [];
    this.selectKey(null);
    if (at === undefined || text.tokens.length === 0) return;
    const i = Math.min(tokenAt(text.tokens, at), text.tokens.length - 1);
    this.#caret = { anchor: i, focus: i };
    this.#showCaret();
  }

  /** A click on a span: selects `key`; where spans nest (`chain`, innermost first) the picker lists them all. */
  clickSpan(key: string, chain: readonly string[]): void {
    this.selectKey(key);
    this.#pickerKeys = chain.length > 1 ? [...chain] : [];
    this.#pickerIndex = Math.max(0, this.#pickerKeys.indexOf(key));
  }

  /** Moves the caret by `delta` syllables (with `extend`, grows the selection from its anchor). */
  moveCaret(delta: number, extend: boolean): void {
    this.#caret = moveCaret(this.#caret, delta, extend, text.tokens.length);
    this.#showCaret();
  }

  /** Moves the caret to the first syllable of the line `delta` lines away. */
  moveCaretByLine(delta: number, extend: boolean): void {
    this.#caret = moveCaretByLine(this.#caret, delta, extend, text.tokens, text.starts, (cp) => text.lineIndexOf(cp));
    this.#showCaret();
  }

  /** Moves the caret to the first (or, with `end`, the last) syllable of its line. */
  moveCaretToLineEdge(end: boolean, extend: boolean): void {
    this.#caret = moveCaretToLineEdge(this.#caret, end, extend, text.tokens, text.starts, (cp) => text.lineIndexOf(cp));
    this.#showCaret();
  }

  /** Selects the span `delta` places away in reading order (] and [), wrapping round. */
  stepSpan(delta: number): void {
    const keys = text.allKeys();
    const at = this.#key ? keys.indexOf(this.#key) : -1;
    const next = keys[(at + delta + keys.length) % keys.length];
    if (next) this.selectKey(next);
  }

  /** Lists the spans at the selected text or the caret, innermost first (Space). */
  openPicker(): void {
    const at = this.#range?.start ?? (this.#caret ? text.tokens[this.#caret.focus]?.start : undefined);
    if (at === undefined) return;
    this.#pickerKeys = text.keysAt(at).reverse();
    this.#pickerIndex = 0;
  }

  /** Moves the picker's highlight by `delta`, wrapping round. */
  movePicker(delta: number): void {
    const count = this.#pickerKeys.length;
    if (count > 0) this.#pickerIndex = (this.#pickerIndex + delta + count) % count;
  }

  /** Selects a span from the picker (the highlighted one by default) and closes it. */
  pick(key: string | undefined = this.#pickerKeys[this.#pickerIndex]): void {
    this.selectKey(key ?? null);
    this.#pickerKeys = [];
  }

  // The caret's syllables become the text range, shown as the browser's selection.
  #showCaret(): void {
    if (!this.#caret) return;
    const range = caretRange(this.#caret, text.tokens);
    this.#range = range;
    this.#key = null;
    this.#show(range);
  }

  #show(range: Range): void {
    const container = this.#container;
    if (!container) return;
    selectRange(range.start, range.end, text.cpi, (cp) => lineElementAt(container, text.lineIndexOf(cp)));
  }
}

export const selection = new EditorSelection();
