// UI strings of the export dialog and its folder browser (issue 14), merged into messages.ts's tables.
export const exportVi = {
  exportOpen: 'Xuất…',
  exportTitle: 'Xuất chú thích',
  exportDestination: 'Nơi lưu',
  exportDestinationHelp: 'Để trống: thư mục exports trong thư mục dữ liệu. ~ là thư mục nhà.',
  browse: 'Chọn…',
  browseFolders: 'Duyệt thư mục',
  folderUp: 'Lên một cấp',
  folderHome: 'Thư mục nhà',
  folderChoose: 'Lưu vào thư mục này',
  folderEmpty: 'Không có thư mục con',
  folderFiles: 'Tệp {ext} có sẵn ở đây (chọn một tệp để thay nó)',
  folderTruncated: 'Thư mục có nhiều mục hơn số được liệt kê.',
  folderSubfolders: 'Thư mục con',
  exportWrittenTo: 'Đã ghi vào {path}',
};

export const exportEn: Record<keyof typeof exportVi, string> = {
  exportOpen: 'Export…',
  exportTitle: 'Export annotations',
  exportDestination: 'Destination',
  exportDestinationHelp: 'Empty: the exports folder inside the data folder. ~ is your home folder.',
  browse: 'Browse…',
  browseFolders: 'Browse folders',
  folderUp: 'Up one level',
  folderHome: 'Home folder',
  folderChoose: 'Save in this folder',
  folderEmpty: 'No sub-folders',
  folderFiles: '{ext} files already here (choose one to replace it)',
  folderTruncated: 'The folder holds more entries than are listed.',
  folderSubfolders: 'Sub-folders',
  exportWrittenTo: 'Written to {path}',
};
