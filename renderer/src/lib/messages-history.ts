// Who made a revision or a suggestion, and what a revision did, in words (lib/revision-words.ts): the services record
// machine names and notes ('annotator', 'import:FILE', 'workbench:lexicon 3', 'accept>=0.8', 'rename A → B').
// Merged into messages.ts's tables.
export const historyVi = {
  originWorkbench: 'bàn làm việc (lần mở đầu)',
  originCli: 'dòng lệnh',
  originLexicon: 'từ điển của dự án',
  originImport: 'nhập từ {name}',
  noteEdit: 'sửa',
  noteUndo: 'hoàn tác',
  noteRedo: 'làm lại',
  noteAccept: 'nhận gợi ý',
  noteEditSuggestion: 'sửa gợi ý',
  noteAcceptAll: 'nhận mọi gợi ý từ {threshold}',
  noteRestore: 'khôi phục r{n}',
  noteRename: 'đổi tên nhãn {from} thành {to}',
  noteMerge: 'gộp nhãn {from} vào {into}',
  noteDeleteLabel: 'xóa nhãn {name}',
} as const;

export const historyEn: Record<keyof typeof historyVi, string> = {
  originWorkbench: 'the workbench (first start)',
  originCli: 'the command line',
  originLexicon: "the project's lexicon",
  originImport: 'imported from {name}',
  noteEdit: 'edit',
  noteUndo: 'undo',
  noteRedo: 'redo',
  noteAccept: 'suggestion accepted',
  noteEditSuggestion: 'suggestion edited',
  noteAcceptAll: 'all suggestions at or above {threshold} accepted',
  noteRestore: 'restore r{n}',
  noteRename: 'label {from} renamed to {to}',
  noteMerge: 'labels {from} merged into {into}',
  noteDeleteLabel: 'label {name} deleted',
};
