// The application menu. Electron's default one carries Reload, DevTools and Electron's own Help links, none of
// which belong in a tray app. macOS needs a menu for the keyboard shortcuts (Cmd+C/V/X/A/Z in the settings
// fields, Cmd+W, Cmd+Q) even though a menu-bar app never shows it. Elsewhere one small menu, hidden until Alt is
// pressed (autoHideMenuBar): on a desktop without a tray (stock GNOME) it is the only way to Quit besides
// stopping the process. Text fields keep their Ctrl shortcuts without an Edit menu there.
import type { MenuApi, MenuItemConstructorOptions } from './electron-surface.js';

export function appMenuTemplate(platform: NodeJS.Platform): MenuItemConstructorOptions[] {
  if (platform !== 'darwin') {
    return [{ label: '&ccproxy', submenu: [{ role: 'close', label: 'Close window' }, { type: 'separator' }, { role: 'quit', label: 'Quit ccproxy' }] }];
  }
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
  Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate(platform)));
}
