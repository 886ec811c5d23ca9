// The OpenAI-format routes ride the pool's own connections: each request goes out on its lease's connection
// (the SDK is shared, the dispatcher is the lease's), so the upstream sees no socket the pool did not open.
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { startHarness } from '../fixtures/proxy-harness.js';

describe('OpenAI routes on the pool', () => {
  it('20 sequential Chat Completions and Responses requests, streamed and not, open no socket beyond the pool', async () => {
    const h = await startHarness({ config: { pool_settings: { min_size: 2, max_size: 10 }, model_mapping: { 'gpt-4o': 'claude-haiku-4-5' } } });
    try {
      const openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'sk-ant-openai-pool-1234', maxRetries: 0 });
      for (let i = 0; i < 5; i++) {
        await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: `Hi ${i}` }] });
        for await (const _ of await openai.chat.completions.create({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: `Hi ${i}` }] }));
        await openai.responses.create({ model: 'gpt-4o', input: `Hi ${i}` });
        await openai.responses.stream({ model: 'gpt-4o', input: `Hi ${i}` }).finalResponse();
      }
      const stats = await h.stats();
      expect(h.upstream.requests.filter((r) => r.url === '/v1/messages')).toHaveLength(20);
      expect(h.upstream.connectionsAccepted).toBe(2);
      expect(stats.stats.connections_reused).toBeGreaterThanOrEqual(18);
    } finally {
      await h.close();
    }
  });
});
