// The application menu. Electron's default one carries Reload, DevTools and Electron's own Help links, none of
// which belong in a tray app. macOS needs a menu for the keyboard shortcuts (Cmd+C/V/X/A/Z in the settings
// fields, Cmd+W, Cmd+Q) even though a menu-bar app never shows it; elsewhere the window has no menu at all
// (text fields keep their Ctrl shortcuts without one).
import type { MenuApi, MenuItemConstructorOptions } from './electron-surface.js';

export function appMenuTemplate(platform: NodeJS.Platform): MenuItemConstructorOptions[] | null {
  if (platform !== 'darwin') return null;
  return [
    { role: 'appMenu' }, // About, Hide, Quit (Cmd+Q)
    {
      role: 'editMenu',
      submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
    },
    { role: 'windowMenu', submenu: [{ role: 'minimize' }, { role: 'close' }] },
  ];
}

export function installAppMenu(Menu: MenuApi, platform: NodeJS.Platform): void {
  const template = appMenuTemplate(platform);
  Menu.setApplicationMenu(template ? Menu.buildFromTemplate(template) : null);
}
