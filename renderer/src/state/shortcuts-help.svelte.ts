// Whether the "?" shortcuts overlay is open (opened by the editor's "?" key and the toolbar's "?" button).
class ShortcutsHelp {
  open = $state(false);
}

export const shortcutsHelp = new ShortcutsHelp();
