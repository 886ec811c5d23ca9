// Every OpenAI-format answer names the pooled connection that served it (x-ccproxy-connection), as /v1/* answers
// do: JSON and streamed, Chat Completions and the Responses API, and the same id as the request's record.
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { eventually, startHarness } from '../fixtures/proxy-harness.js';

describe('x-ccproxy-connection on the OpenAI routes', () => {
  it('is on chat and responses answers, JSON and streamed, and matches the record', async () => {
    const h = await startHarness({ config: { pool_settings: { min_size: 1 }, model_mapping: { 'gpt-4o': 'claude-haiku-4-5' } } });
    try {
      const openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'sk-ant-openai-conn-0001', maxRetries: 0 });
      const heads: Headers[] = [];
      heads.push((await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }).withResponse()).response.headers);
      const stream = await openai.chat.completions.create({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
      for await (const _ of stream.data) void _;
      heads.push(stream.response.headers);
      heads.push((await openai.responses.create({ model: 'gpt-4o', input: 'hi' }).withResponse()).response.headers);
      for (const head of heads) {
        const id = head.get('x-ccproxy-connection');
        expect(id).toMatch(/^[0-9a-f]{6}$/);
        const requestId = head.get('x-request-id')!;
        await eventually(async () => {
          const { requests } = (await (await fetch(`${h.url}/requests?limit=10`)).json()) as { requests: Array<{ id: string; connection_id: string | null }> };
          expect(requests.find((r) => r.id === requestId)?.connection_id).toBe(id);
        });
      }
    } finally {
      await h.close();
    }
  });
});
