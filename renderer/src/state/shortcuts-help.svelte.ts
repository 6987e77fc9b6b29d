// Whether the "?" shortcuts overlay is open (opened by the editor's "?" key and the toolbar's "?" button).
class ShortcutsHelp {
  #open = $state(false);

  get open(): boolean {
    return this.#open;
  }

  show(): void {
    this.#open = true;
  }

  /** The dialog was closed (Esc, its Close button). */
  hide(): void {
    this.#open = false;
  }
}

export const shortcutsHelp = new ShortcutsHelp();
