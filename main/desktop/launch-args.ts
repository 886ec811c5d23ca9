// What the command line asks of the desktop app. Electron's argv holds the Electron binary, then (unpackaged) the
// app path, then our flags, mixed with Chromium switches that we ignore.

/** The flag a login launch carries (set by login-item.ts): start in the tray, no window. */
export const HIDDEN_FLAG = '--hidden';

/** `--config FILE` or `--config=FILE`; undefined when absent. */
export function configFlag(argv: readonly string[]): string | undefined {
  const i = argv.findIndex((a) => a === '--config' || a.startsWith('--config='));
  if (i < 0) return undefined;
  const arg = argv[i]!;
  return arg.includes('=') ? arg.slice('--config='.length) : argv[i + 1];
}

/**
 * A launch that must not open the window: `--hidden` (our Windows login item, or the user's own autostart entry
 * on Linux), or macOS telling us it opened the app at login (no arguments can be registered there).
 */
export function isHiddenLaunch(argv: readonly string[], wasOpenedAtLogin = false): boolean {
  return wasOpenedAtLogin || argv.includes(HIDDEN_FLAG);
}
