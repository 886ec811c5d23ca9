// Export of the history, one record per line: JSON Lines (the records as GET /requests returns them) or CSV (the
// flat fields a spreadsheet wants; headers and bodies left out). Lines are made one at a time so an export of a
// million records streams in constant memory.
import type { RequestRecord } from '../../common/requests.js';

export const CSV_COLUMNS = [
  'id', 'started_at', 'method', 'path', 'route', 'client', 'client_version', 'session', 'model', 'mapped_model', 'stream', 'status',
  'error_type', 'error_message', 'duration_ms', 'ttfb_ms', 'request_id', 'stop_reason', 'input_tokens', 'output_tokens',
  'cache_creation_input_tokens', 'cache_read_input_tokens', 'cost_usd', 'user_agent',
] as const;

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  // Quoted when it has a separator, a quote or a line break; a leading =+-@ is prefixed so no spreadsheet runs it.
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

export function csvLine(r: RequestRecord): string {
  const flat: Record<string, unknown> = { ...r, ...(r.usage ?? {}) };
  return `${CSV_COLUMNS.map((c) => csvCell(flat[c])).join(',')}\r\n`;
}

export function jsonLine(r: RequestRecord): string {
  return `${JSON.stringify(r)}\n`;
}

/** Parses one CSV line made by csvLine (for the round-trip test and for tools that read it back). */
export function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let cell = '';
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') (cell += '"'), (i += 2);
        else if (line[i] === '"') break;
        else cell += line[i++];
      }
      cells.push(cell);
      i += 2;
    } else {
      const end = line.indexOf(',', i);
      cells.push(line.slice(i, end < 0 ? line.length : end));
      i = end < 0 ? line.length + 1 : end + 1;
    }
  }
  return cells;
}
