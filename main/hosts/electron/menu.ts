// The application menu. Import, export, undo/redo and document navigation are carried out by the renderer (it
// holds the open document and the undo history), so the menu sends it a command.
import { app, Menu, type MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../../../core/contract/events.js';

export function buildMenu(send: (command: MenuCommand) => void, vietnamese: boolean): void {
  const t = (vi: string, en: string) => (vietnamese ? vi : en);
  const item = (label: string, command: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    accelerator,
    click: () => send(command),
  });
  const template: MenuItemConstructorOptions[] = [
    {
      label: t('Tệp', 'File'),
      submenu: [
        item(t('Nhập tệp…', 'Import…'), 'import', 'CmdOrCtrl+O'),
        item(t('Xuất…', 'Export…'), 'export', 'CmdOrCtrl+E'),
        { type: 'separator' },
        { role: 'quit', label: t('Thoát', 'Quit') },
      ],
    },
    {
      label: t('Sửa', 'Edit'),
      // Undo/redo accelerators are handled in the page (the editor's own history); the items are for the menu.
      submenu: [
        item(t('Hoàn tác', 'Undo'), 'undo'),
        item(t('Làm lại', 'Redo'), 'redo'),
        { type: 'separator' },
        { role: 'copy' },
        { role: 'selectAll' },
      ],
    },
    {
      label: t('Tài liệu', 'Document'),
      submenu: [
        item(t('Tài liệu sau', 'Next document'), 'next', 'Alt+Down'),
        item(t('Tài liệu trước', 'Previous document'), 'previous', 'Alt+Up'),
      ],
    },
    ...(app.isPackaged
      ? []
      : [{ label: 'Dev', submenu: [{ role: 'reload' as const }, { role: 'toggleDevTools' as const }] }]),
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
