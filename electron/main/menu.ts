import type { MenuItemConstructorOptions } from 'electron';

/**
 * The application menu. Production builds have no reload (a reload mid-ceremony would drop the renderer's state) and
 * no developer tools; development adds them. Pure data so tests can read it without Electron.
 */
export function buildMenuTemplate(options: { devTools: boolean; platform: NodeJS.Platform }): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions[] = [
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  if (options.devTools) {
    view.push({ type: 'separator' }, { role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' });
  }
  const template: MenuItemConstructorOptions[] = [
    { label: 'File', submenu: [{ role: options.platform === 'darwin' ? 'close' : 'quit' }] },
    // Undo/cut/copy/paste so text fields work with the keyboard on macOS; screens never put secrets on the clipboard.
    {
      label: 'Edit',
      submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
    },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
  ];
  if (options.platform === 'darwin') template.unshift({ role: 'appMenu' });
  return template;
}

/** Every role in a template, including nested submenus (for tests and for a self-check at start). */
export function menuRoles(template: readonly MenuItemConstructorOptions[]): string[] {
  const roles: string[] = [];
  for (const item of template) {
    if (item.role) roles.push(item.role);
    if (Array.isArray(item.submenu)) roles.push(...menuRoles(item.submenu));
  }
  return roles;
}
