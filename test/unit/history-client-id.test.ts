// The tool behind a request, from real user-agents, and the session a tool names in its headers or body.
import { describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { identifyClient, SessionSniffer, sessionFromHeaders, sessionFromUserId } from '../../main/requests/client-id.js';

const SESSION = '3f2c8a1e-5b7d-4c9e-a1f0-6d2b9e8c7a45';

describe('client detection', () => {
  it('names the tool and its version from real user-agents', () => {
    const cases: Array<[string, string, string | null]> = [
      ['claude-cli/2.0.14 (external, cli)', 'claude-code', '2.0.14'],
      ['claude-cli/2.0.0 (external, claude-vscode)', 'claude-code', '2.0.0'],
      // Codex 0.169.1, as captured from `codex exec` against a local server.
      ['codex_exec/0.169.1 (Debian 12.0.0; x86_64) xterm (codex_exec; 0.169.1)', 'codex', '0.169.1'],
      ['codex_cli_rs/0.169.1 (Mac OS 15.1.0; arm64) iTerm.app/3.5.10', 'codex', '0.169.1'],
      ['Anthropic/Python 0.69.0', 'anthropic-sdk-python', '0.69.0'],
      ['OpenAI/Python 1.109.1', 'openai-sdk-python', '1.109.1'],
      ['curl/8.5.0', 'curl', '8.5.0'],
      ['Mozilla/5.0 (X11; Linux x86_64)', 'other', null],
    ];
    for (const [ua, client, version] of cases) expect(identifyClient(ua), ua).toEqual({ client, client_version: version });
    expect(identifyClient(null)).toEqual({ client: 'other', client_version: null });
  });

  it('recognises the user-agents the installed JS SDKs really send', () => {
    const anthropicUa = (new Anthropic({ apiKey: 'x' }) as unknown as { getUserAgent(): string }).getUserAgent();
    const openaiUa = (new OpenAI({ apiKey: 'x' }) as unknown as { getUserAgent(): string }).getUserAgent();
    expect(identifyClient(anthropicUa).client).toBe('anthropic-sdk-js');
    expect(identifyClient(openaiUa).client).toBe('openai-sdk-js');
    expect(identifyClient(anthropicUa).client_version).toMatch(/^\d+\.\d+/);
  });

  it('reads the session from Claude Code and Codex headers', () => {
    expect(sessionFromHeaders(['Host', 'x', 'X-Claude-Code-Session-Id', SESSION])).toBe(SESSION);
    expect(sessionFromHeaders(['session-id', '01a2481e-fbe6-7033-b8f4-53d6a36909d8'])).toBe('01a2481e-fbe6-7033-b8f4-53d6a36909d8');
    expect(sessionFromHeaders(['user-agent', 'curl/8'])).toBeNull();
  });

  it('reads the session from metadata.user_id, legacy and JSON forms', () => {
    expect(sessionFromUserId(`user_abc123_account_11111111-2222-3333-4444-555555555555_session_${SESSION}`)).toBe(SESSION);
    const json = JSON.stringify({ metadata: { user_id: JSON.stringify({ device_id: 'd', account_uuid: 'a', session_id: SESSION }) } });
    expect(sessionFromUserId(json)).toBe(SESSION);
  });

  it('finds the session in a streamed body whatever the chunk boundaries, without keeping the chunks', () => {
    const body = Buffer.from(JSON.stringify({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'x'.repeat(70_000) }], metadata: { user_id: `user_ab_account_11111111-2222-3333-4444-555555555555_session_${SESSION}` } }));
    const keyAt = body.indexOf('"user_id"');
    for (const cut of [1, 7, 4096, keyAt + 3, keyAt + 9, keyAt + 40, keyAt + 120]) {
      const s = new SessionSniffer();
      for (let i = 0; i < body.length; i += cut) s.push(body.subarray(i, i + cut));
      expect(s.end(), `chunks of ${cut}`).toBe(SESSION);
    }
    const none = new SessionSniffer();
    none.push(Buffer.from('{"model":"m","messages":[]}'));
    expect(none.end()).toBeNull();
  });
});
