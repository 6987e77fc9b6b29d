// UI strings of a team server's login screen and user line (issue 15), merged into messages.ts's tables.
export const teamVi = {
  loginTitle: 'Đăng nhập máy chủ nhóm',
  loginHelp: 'Máy chủ này dùng chung cho cả nhóm. Tài khoản do quản trị viên tạo bằng lệnh workbench users add.',
  userName: 'Tên người dùng',
  password: 'Mật khẩu',
  logIn: 'Đăng nhập',
  loggingIn: 'Đang đăng nhập…',
  logOut: 'Đăng xuất',
  loginWrong: 'Sai tên người dùng hoặc mật khẩu.',
  loginThrottled: 'Đăng nhập sai quá nhiều lần. Hãy thử lại sau {seconds} giây.',
  loginFailed: 'Không đăng nhập được.',
  signedInAs: '{name} ({role})',
  roleAnnotator: 'người gán nhãn',
  roleCurator: 'người duyệt',
  roleAdmin: 'quản trị viên',
} as const;

export const teamEn: Record<keyof typeof teamVi, string> = {
  loginTitle: 'Log in to the team server',
  loginHelp: 'This server is shared by a team. Accounts are made by an admin with workbench users add.',
  userName: 'User name',
  password: 'Password',
  logIn: 'Log in',
  loggingIn: 'Logging in…',
  logOut: 'Log out',
  loginWrong: 'Wrong user name or password.',
  loginThrottled: 'Too many failed logins. Try again in {seconds} {seconds|second|seconds}.',
  loginFailed: 'Could not log in.',
  signedInAs: '{name} ({role})',
  roleAnnotator: 'annotator',
  roleCurator: 'curator',
  roleAdmin: 'admin',
};
