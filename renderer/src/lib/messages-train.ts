// UI strings of "Train a model for this project" (issue 12) in the Models view, merged into messages.ts's tables.
export const trainVi = {
  trainProject: 'Huấn luyện mô hình cho dự án này',
  trainProjectHelp:
    'Một mô hình khuếch tán cho chính các nhãn của dự án, học từ các tài liệu đã xong; tài liệu có mã chia hết cho 5 (tối đa 500) được giữ lại để chấm điểm. Mô hình mới chỉ thành mô hình đang dùng khi vượt mô hình hiện tại trên cùng các tài liệu đó. Nếu còn thời gian, mô hình được huấn luyện lại trên mọi tài liệu đã xong.',
  trainFrom: 'Bắt đầu từ',
  'trainFrom-embedded': 'Mô hình tích hợp (chuyển giao)',
  'trainFrom-scratch': 'Từ đầu',
  trainProgress: 'Tiến độ huấn luyện',
  trainHeldout: 'F1 giữ lại',
  trainActiveScore: 'mô hình đang dùng {name}: {f1}',
  trainActivated: 'Đã thành mô hình đang dùng',
  trainNotActivated: 'Không thành mô hình đang dùng',
  trainAuto: 'Tự học tiếp: bắt đầu tự động sau các tài liệu mới xong',
  trainReannotated: 'đang gán nhãn lại {n} tài liệu chưa xong bằng phiên bản này',
  projectSettings: 'Cài đặt của dự án',
  keepLearning: 'Tự học tiếp',
  keepLearningHelp:
    'Huấn luyện lại ở chế độ nền sau mỗi N tài liệu mới xong; phiên bản mới tốt hơn sẽ gán nhãn lại các tài liệu chưa xong. Tắt theo mặc định: mỗi lần huấn luyện chiếm máy vài phút.',
  retrainEvery: 'Huấn luyện lại sau mỗi',
  retrainEveryUnit: 'tài liệu mới xong',
  keepLearningCount: 'Đã xong {finished} tài liệu; lần huấn luyện gần nhất học từ {last}.',
  lexiconSwitch: 'Gợi ý từ từ điển của các tài liệu đã xong',
  saveSettings: 'Lưu cài đặt',
  settingsSaved: 'Đã lưu',
  curveTrain: 'Mô hình cho nhãn của dự án',
  curveFineTune: 'Phiên bản tinh chỉnh',
  projectCurve: 'Đường cong học của các mô hình trong dự án này',
  projectCurveEmpty:
    'Chưa có điểm nào: mỗi phiên bản huấn luyện hoặc tinh chỉnh trong dự án thêm một điểm (F1 trên phần giữ lại theo số tài liệu đã xong nó học từ).',
  simulationCurves: 'Mô phỏng (workbench simulate): không phải dữ liệu của dự án này',
  simulationCurvesHelp:
    'Đường cong của các lần chạy `workbench simulate` trên bộ dữ liệu riêng của chúng; bản đi kèm ứng dụng chạy trên PhoNER_COVID19.',
  shippedReference: 'PhoNER_COVID19, đi kèm',
  errSettings: 'Không lưu được cài đặt của dự án.',
  errTrain: 'Không huấn luyện được mô hình cho dự án.',
};

export const trainEn: Record<keyof typeof trainVi, string> = {
  trainProject: 'Train a model for this project',
  trainProjectHelp:
    "A diffusion model for the project's own labels, learned from its finished documents; documents whose id is a multiple of 5 (at most 500) are held out to score it. The new model becomes the active one only when it beats the current one on those same documents. If time allows, it is then trained again on every finished document.",
  trainFrom: 'Start from',
  'trainFrom-embedded': 'The embedded model (transfer)',
  'trainFrom-scratch': 'Scratch',
  trainProgress: 'Training progress',
  trainHeldout: 'Held-out F1',
  trainActiveScore: 'active model {name}: {f1}',
  trainActivated: 'Now the active model',
  trainNotActivated: 'Not made active',
  trainAuto: 'Keep learning: started by itself after newly finished documents',
  trainReannotated: 're-annotating {n} unfinished {n|document|documents} with this version',
  projectSettings: 'Project settings',
  keepLearning: 'Keep learning',
  keepLearningHelp:
    'Retrain in the background after every N newly finished documents; a better new version re-annotates the unfinished documents. Off by default: each training takes the machine for minutes.',
  retrainEvery: 'Retrain after every',
  retrainEveryUnit: 'newly finished documents',
  keepLearningCount: '{finished} {finished|document|documents} finished; the last training learned from {last}.',
  lexiconSwitch: 'Suggestions from the lexicon of finished documents',
  saveSettings: 'Save settings',
  settingsSaved: 'Saved',
  curveTrain: "Models for the project's labels",
  curveFineTune: 'Fine-tuned versions',
  projectCurve: "Learning curve of this project's models",
  projectCurveEmpty:
    'No points yet: each version trained or fine-tuned in this project adds one (held-out F1 against the finished documents it learned from).',
  simulationCurves: "Simulations (workbench simulate): not this project's data",
  simulationCurvesHelp:
    'Curves of `workbench simulate` runs on their own data sets; the one shipped with the app ran on PhoNER_COVID19.',
  shippedReference: 'PhoNER_COVID19, shipped',
  errSettings: "The project's settings could not be saved.",
  errTrain: 'Training a model for the project failed.',
};
