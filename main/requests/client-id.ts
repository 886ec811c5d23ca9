// Who made a request: the tool, read from its user-agent, and the session it belongs to where the tool sends one.
// Real user-agents (seen or read from each tool's source):
//   Claude Code   claude-cli/2.0.14 (external, cli)   claude-cli/2.0.0 (external, claude-vscode)
//   Codex         codex_cli_rs/0.169.1 (…)   codex_exec/0.169.1 (Debian 12.0.0; x86_64) xterm (codex_exec; 0.169.1)
//   SDKs          Anthropic/JS 1.14.0   Anthropic/Python 0.69.0   OpenAI/JS 7.57.0   OpenAI/Python 1.109.1
//   curl          curl/8.5.0
// Sessions: Claude Code sends X-Claude-Code-Session-Id (newer versions) and always names its session in the
// body's metadata.user_id ("user_<hash>_account_<uuid>_session_<uuid>", or JSON with "session_id" from 2.1.78);
// Codex sends a session-id header.

export interface ClientId {
  /** claude-code, codex, anthropic-sdk-js, anthropic-sdk-python, openai-sdk-js, openai-sdk-python, curl or other. */
  client: string;
  client_version: string | null;
}

const RULES: Array<[RegExp, string]> = [
  [/^claude-cli\/(\S+)/i, 'claude-code'],
  [/^claude-code\/(\S+)/i, 'claude-code'],
  [/^codex[_-](?:cli_rs|exec|tui|vscode)?\/?(\S+)/i, 'codex'],
  [/^Anthropic\/JS (\S+)/, 'anthropic-sdk-js'],
  [/^Anthropic\/Python (\S+)/, 'anthropic-sdk-python'],
  [/^OpenAI\/JS (\S+)/, 'openai-sdk-js'],
  [/^OpenAI\/Python (\S+)/, 'openai-sdk-python'],
  [/^curl\/(\S+)/, 'curl'],
];

/** The tool and its version from a user-agent; "other" (no version) for anything unknown or absent. */
export function identifyClient(userAgent: string | null | undefined): ClientId {
  if (userAgent) {
    for (const [re, client] of RULES) {
      const m = re.exec(userAgent);
      if (m) return { client, client_version: m[1] ?? null };
    }
  }
  return { client: 'other', client_version: null };
}

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
/** Legacy "…_session_<uuid>" or JSON text "session_id":"<uuid>" (escaped inside the user_id string). */
const SESSION_IN_USER_ID = new RegExp(`session(?:_|\\\\?"?_id\\\\?"?\\s*:\\s*\\\\?")(${UUID})`);

/** The session id inside a Claude Code metadata.user_id value (or the text around it), or null. */
export function sessionFromUserId(text: string): string | null {
  return SESSION_IN_USER_ID.exec(text)?.[1]?.toLowerCase() ?? null;
}

/** How far past "user_id" the value is looked for: the legacy and the JSON forms both fit well within this. */
const WINDOW = 512;
const KEY = Buffer.from('"user_id"');

/**
 * Finds metadata.user_id in a request body as its chunks pass on their way upstream, without holding them: each
 * chunk is searched natively for "user_id" (Buffer.indexOf), and only the few hundred bytes after a hit are kept.
 * A key split across two chunks is found from the tail kept of the first.
 */
export class SessionSniffer {
  private tail: Buffer | null = null;
  private pending: Buffer | null = null;
  private done = false;
  session: string | null = null;

  push(chunk: Buffer): void {
    if (this.done) return;
    if (this.pending) return this.collect(chunk);
    const at = chunk.indexOf(KEY);
    if (at < 0 && this.tail) {
      // The key may straddle the boundary: look in the joined edges only.
      const edge = Buffer.concat([this.tail, chunk.subarray(0, KEY.length)]);
      const i = edge.indexOf(KEY);
      if (i >= 0) {
        this.pending = edge.subarray(i);
        this.tail = null;
        return this.collect(chunk.subarray(KEY.length));
      }
    }
    if (at >= 0) {
      this.pending = Buffer.alloc(0);
      return this.collect(chunk.subarray(at));
    }
    // The last bytes seen (fewer than the key), across chunks however small.
    const keep = KEY.length - 1;
    if (chunk.length >= keep) this.tail = chunk.subarray(chunk.length - keep);
    else {
      const joined = this.tail ? Buffer.concat([this.tail, chunk]) : chunk;
      this.tail = joined.subarray(Math.max(0, joined.length - keep));
    }
  }

  /** Ends the search (the body is over): whatever was gathered is read once more. */
  end(): string | null {
    if (!this.done && this.pending) this.finish();
    this.done = true;
    return this.session;
  }

  private collect(chunk: Buffer): void {
    const room = WINDOW - this.pending!.length;
    this.pending = Buffer.concat([this.pending!, chunk.subarray(0, room)]);
    const text = this.pending.toString('latin1');
    this.session = sessionFromUserId(text);
    if (this.session || this.pending.length >= WINDOW) this.finish();
  }

  private finish(): void {
    this.session ??= sessionFromUserId(this.pending!.toString('latin1'));
    this.pending = null;
    this.tail = null;
    this.done = true;
  }
}

/** The session a request names in its headers (raw lines): Claude Code's or Codex's header, else null. */
export function sessionFromHeaders(rawHeaders: readonly string[]): string | null {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    // Only names of the lengths read are lower-cased (the request's other lines cost nothing).
    if (name.length !== 10 && name.length !== 24) continue;
    const lower = name.toLowerCase();
    if (lower === 'session-id' || lower === 'x-claude-code-session-id') return rawHeaders[i + 1]!.slice(0, 200);
  }
  return null;
}
