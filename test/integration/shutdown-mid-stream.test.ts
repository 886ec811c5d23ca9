// The proxy shutting down while a stream is open: what the client is told and what the record says agree
// (the same error type), and both say it was the shutdown.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MESSAGE, postMessage, startHarness, type Harness } from '../fixtures/proxy-harness.js';

describe('shutdown in the middle of a stream', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close().catch(() => {});
    h = undefined;
  });

  it('the client\'s SSE error and the record carry the same type (overloaded_error) and say the proxy is shutting down', async () => {
    h = await startHarness({ config: { server: { shutdown_grace: 0 }, pool_settings: { min_size: 1 } } });
    const hold = h.upstream.hold();
    h.upstream.enqueue({ kind: 'held' });
    const res = await postMessage(h.url, { ...MESSAGE, stream: true });
    expect(res.status).toBe(200);
    await hold.reached;
    const text = res.text();
    await h.runtime.stop();
    hold.release();
    const body = await text;
    const frame = /event: error\ndata: (.*)\n/.exec(body);
    expect(frame, body).not.toBeNull();
    const sent = JSON.parse(frame![1]!) as { error: { type: string; message: string } };
    expect(sent.error.message).toContain('The proxy is shutting down');

    const db = new Database(path.join(h.dir, 'history.db'), { readonly: true });
    try {
      const row = db.prepare('SELECT error_type, error_message FROM requests ORDER BY rowid DESC LIMIT 1').get() as { error_type: string; error_message: string };
      expect(row.error_type).toBe(sent.error.type);
      expect(sent.error.type).toBe('overloaded_error');
      expect(row.error_message).toContain('The proxy is shutting down');
    } finally {
      db.close();
    }
  }, 30_000);
});
