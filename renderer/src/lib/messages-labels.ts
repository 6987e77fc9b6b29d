// UI strings of the labels panel (issue 12: label set changes), merged into messages.ts's tables.
export const labelsVi = {
  labelSet: 'Bộ nhãn',
  labelSetHelp:
    'Đổi tên, gộp hoặc xóa nhãn sẽ ghi lại chú thích hiện tại thành bản sửa mới (lịch sử được giữ). Gợi ý của mô hình mang tên cũ được hiện và nhận theo tên mới.',
  newLabel: 'Tên nhãn mới',
  addLabel: 'Thêm nhãn',
  labelColour: 'Màu của {name}',
  labelShortcut: 'Phím tắt của {name}',
  renameLabel: 'Đổi tên {name}',
  renameTo: 'Tên mới của {name}',
  deleteLabel: 'Xóa {name}',
  mergeLabel: 'Gộp {name} vào',
  mergeInto: 'Nhãn nhận',
  mergeConfirm: 'Gộp',
  mergeButton: 'Gộp {name}',
  renameButton: 'Đổi tên',
  entitiesOfLabel: '{n} thực thể',
  apply: 'Áp dụng',
  confirmRenameTitle: 'Đổi tên nhãn',
  confirmRename:
    'Đổi tên {from} thành {to}? {n} thực thể trong chú thích hiện tại sẽ mang tên mới (mỗi tài liệu thêm một bản sửa; lịch sử được giữ).',
  confirmMergeTitle: 'Gộp nhãn',
  confirmMerge:
    'Gộp {from} vào {into}? {n} thực thể {from} sẽ thành {into} và nhãn {from} bị bỏ (mỗi tài liệu thêm một bản sửa; lịch sử được giữ).',
  confirmDeleteTitle: 'Xóa nhãn đang được dùng',
  confirmDelete:
    'Nhãn {name} đang gán cho {entities} thực thể trong {documents} tài liệu. Xóa nhãn cùng các thực thể đó? (Mỗi tài liệu thêm một bản sửa không có chúng; lịch sử được giữ.)',
  renameDone: 'Đã đổi tên {from} thành {to}: {entities} thực thể trong {documents} tài liệu',
  mergeDone: 'Đã gộp {from} vào {into}: {entities} thực thể trong {documents} tài liệu',
  deleteDone: 'Đã xóa nhãn {name}; {entities} thực thể trong {documents} tài liệu đã bị bỏ',
  labelMappings: 'Ánh xạ nhãn mô hình → nhãn dự án',
  anyModel: 'mọi mô hình',
  modelLabel: 'Nhãn của mô hình',
  projectLabel: 'Nhãn của dự án',
  modelName: 'Mô hình (để trống: mọi mô hình)',
  mapLabel: 'Ánh xạ',
  unmapLabel: 'Bỏ ánh xạ {label} ({model})',
} as const;

export const labelsEn: Record<keyof typeof labelsVi, string> = {
  labelSet: 'Label set',
  labelSetHelp:
    'Renaming, merging or deleting a label rewrites the current annotations as new revisions (history is kept). Model suggestions with the old name are shown and accepted under the new one.',
  newLabel: 'New label name',
  addLabel: 'Add label',
  labelColour: 'Colour of {name}',
  labelShortcut: 'Shortcut of {name}',
  renameLabel: 'Rename {name}',
  renameTo: 'New name of {name}',
  deleteLabel: 'Delete {name}',
  mergeLabel: 'Merge {name} into',
  mergeInto: 'Merge into',
  mergeConfirm: 'Merge',
  mergeButton: 'Merge {name}',
  renameButton: 'Rename',
  entitiesOfLabel: '{n} {n|entity|entities}',
  apply: 'Apply',
  confirmRenameTitle: 'Rename a label',
  confirmRename:
    'Rename {from} to {to}? {n} {n|entity|entities} in the current annotations {n|gets|get} the new name (a new revision per document; history is kept).',
  confirmMergeTitle: 'Merge labels',
  confirmMerge:
    'Merge {from} into {into}? {n} {from} {n|entity becomes|entities become} {into} and the label {from} goes (a new revision per document; history is kept).',
  confirmDeleteTitle: 'Delete a label in use',
  confirmDelete:
    'The label {name} is on {entities} {entities|entity|entities} in {documents} {documents|document|documents}. Delete the label and {entities|this entity|these entities}? (A new revision per document without them; history is kept.)',
  renameDone:
    'Renamed {from} to {to}: {entities} {entities|entity|entities} in {documents} {documents|document|documents}',
  mergeDone:
    'Merged {from} into {into}: {entities} {entities|entity|entities} in {documents} {documents|document|documents}',
  deleteDone:
    'Deleted the label {name}; {entities} {entities|entity|entities} in {documents} {documents|document|documents} removed',
  labelMappings: 'Model label → project label',
  anyModel: 'any model',
  modelLabel: 'Model label',
  projectLabel: 'Project label',
  modelName: 'Model (empty: any model)',
  mapLabel: 'Map',
  unmapLabel: 'Remove mapping {label} ({model})',
};
