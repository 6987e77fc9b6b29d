// UI strings of the Team tab's dataset form (issue 15): the gold standard as stratified splits with a dataset card;
// merged into messages.ts's tables.
export const datasetVi = {
  datasetTitle: 'Bộ dữ liệu',
  datasetHelp:
    'Bản chuẩn (gold) của dự án thành các tệp train/dev/test chia đều theo nhãn, kèm thẻ mô tả bộ dữ liệu (dataset.json, DATASET_CARD.md).',
  datasetSplits: 'Tỉ lệ chia',
  datasetTrain: 'Huấn luyện (train)',
  datasetDev: 'Kiểm định (dev)',
  datasetTest: 'Kiểm tra (test)',
  datasetSplitsHelp: 'Theo đơn vị bất kỳ (80/10/10 là 80 %, 10 %, 10 %). Dev bằng 0: chỉ ghi train và test.',
  datasetSeed: 'Hạt giống ngẫu nhiên',
  datasetLicence: 'Giấy phép',
  datasetLicenceHelp: 'Được giữ làm giấy phép của dự án cho các lần sau. Để trống: giữ giấy phép đã ghi (nếu có).',
  datasetDestinationHelp:
    'Để trống: một thư mục mới trong thư mục exports của thư mục dữ liệu. Thư mục đã có tệp chỉ được ghi vào khi bạn đồng ý.',
  datasetWrite: 'Ghi bộ dữ liệu',
  datasetWriting: 'Đang ghi…',
  datasetInvalidShares: 'Tỉ lệ là các số từ 0 trở lên, không phải tất cả đều bằng 0.',
  datasetInvalidSeed: 'Hạt giống là số nguyên từ 0 đến {max}.',
  datasetWritten: 'Đã ghi bộ dữ liệu',
  datasetFolder: 'Thư mục',
  datasetTotal: '{documents} tài liệu, {spans} thực thể trong {files} tệp',
  datasetSplitsCaption: 'Tài liệu và thực thể theo phần',
  datasetSplit: 'Phần',
  datasetAwaiting: 'Chờ duyệt (không đưa vào)',
  datasetAwaitingHelp: '{n} tài liệu nhiều người đã làm xong nhưng chưa được duyệt thành bản chuẩn.',
  datasetWarnings: 'Cảnh báo',
  datasetNoLicence: 'chưa ghi giấy phép',
  errDataset: 'Không ghi được bộ dữ liệu.',
};

export const datasetEn: Record<keyof typeof datasetVi, string> = {
  datasetTitle: 'Dataset',
  datasetHelp:
    'The project’s gold standard as train/dev/test files stratified by label, with a dataset card (dataset.json, DATASET_CARD.md).',
  datasetSplits: 'Split shares',
  datasetTrain: 'Train',
  datasetDev: 'Dev',
  datasetTest: 'Test',
  datasetSplitsHelp: 'In any unit (80/10/10 is 80 %, 10 %, 10 %). A dev share of 0 writes train and test only.',
  datasetSeed: 'Seed',
  datasetLicence: 'Licence',
  datasetLicenceHelp:
    'Kept as the project’s licence for the next datasets. Empty: the recorded licence stays (if any).',
  datasetDestinationHelp:
    'Empty: a new folder in the exports folder inside the data folder. A folder that holds files is written into only if you agree.',
  datasetWrite: 'Write dataset',
  datasetWriting: 'Writing…',
  datasetInvalidShares: 'The shares are numbers from 0 up, not all of them 0.',
  datasetInvalidSeed: 'The seed is a whole number from 0 to {max}.',
  datasetWritten: 'Dataset written',
  datasetFolder: 'Folder',
  datasetTotal:
    '{documents} {documents|document|documents}, {spans} {spans|entity|entities} in {files} {files|file|files}',
  datasetSplitsCaption: 'Documents and entities per split',
  datasetSplit: 'Split',
  datasetAwaiting: 'Awaiting curation (left out)',
  datasetAwaitingHelp:
    '{n} {n|document|documents} finished by several annotators {n|is|are} not curated into the gold standard yet.',
  datasetWarnings: 'Warnings',
  datasetNoLicence: 'no licence stated',
  errDataset: 'The dataset could not be written.',
};
