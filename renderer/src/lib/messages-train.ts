// UI strings of "Train a model for this project" (issue 12) in the Models view, merged into messages.ts's tables.
export const trainVi = {
  trainProject: 'Huấn luyện mô hình cho dự án này',
  trainProjectHelp: 'Một mô hình khuếch tán cho chính các nhãn của dự án, học từ các tài liệu đã xong; tài liệu có mã chia hết cho 5 được giữ lại để chấm điểm. Mô hình mới chỉ thành mô hình đang dùng khi vượt mô hình hiện tại trên cùng các tài liệu đó.',
  trainFrom: 'Bắt đầu từ',
  'trainFrom-embedded': 'Mô hình tích hợp (chuyển giao)',
  'trainFrom-scratch': 'Từ đầu',
  trainProgress: 'Tiến độ huấn luyện',
  trainHeldout: 'F1 giữ lại',
  trainActiveScore: 'mô hình đang dùng {name}: {f1}',
  trainActivated: 'Đã thành mô hình đang dùng',
  trainNotActivated: 'Không thành mô hình đang dùng',
};

export const trainEn: Record<keyof typeof trainVi, string> = {
  trainProject: 'Train a model for this project',
  trainProjectHelp: "A diffusion model for the project's own labels, learned from its finished documents; documents whose id is a multiple of 5 are held out to score it. The new model becomes the active one only when it beats the current one on those same documents.",
  trainFrom: 'Start from',
  'trainFrom-embedded': 'The embedded model (transfer)',
  'trainFrom-scratch': 'Scratch',
  trainProgress: 'Training progress',
  trainHeldout: 'Held-out F1',
  trainActiveScore: 'active model {name}: {f1}',
  trainActivated: 'Now the active model',
  trainNotActivated: 'Not made active',
};
