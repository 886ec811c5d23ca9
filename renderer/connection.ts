// Whether the page can reach ccproxy's admin API right now. While it cannot, every number on screen is the
// last one seen: <html data-connection="lost"> dims them (styles.css), and error toasts raised meanwhile are
// cleared once the connection is back.
import { clearConnectionToasts } from './dom.js';

export function setConnectionLost(lost: boolean): void {
  const root = document.documentElement;
  const was = root.dataset.connection === 'lost';
  if (was === lost) return;
  root.dataset.connection = lost ? 'lost' : 'live';
  if (!lost) clearConnectionToasts();
}
