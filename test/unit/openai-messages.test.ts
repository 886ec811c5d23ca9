import { describe, expect, it } from 'vitest';
import { base, fail, mapping, ok } from '../fixtures/openai-translate.js';

// Message conversion (messages.ts), exercised through translateChatRequest.

describe('messages', () => {
  it('merges system and developer messages into system, in order', () => {
    const r = ok({
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        { role: 'user', content: 'hi' },
        { role: 'system', content: 'Late rule.' },
      ],
    });
    expect(r.anthropic.system).toBe('You are terse.\n\nAnswer in French.\n\nLate rule.');
    expect(r.anthropic.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'hi' }] }]);
  });
  it('translates text parts and images (data URL and http URL)', () => {
    const r = ok({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'high' } },
          ],
        },
      ],
    });
    expect(r.anthropic.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
        ],
      },
    ]);
  });
  it('refuses unusable images, audio input and non-PDF files', () => {
    const img = (url: string) => ({ ...base, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url } }] }] });
    expect(fail(img('ftp://x/y.png')).error.error.param).toBe('messages[0].content[0].image_url.url');
    expect(fail(img('data:image/bmp;base64,AAA=')).error.error.message).toMatch(/image\/bmp/);
    const audio = { ...base, messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }] }] };
    expect(fail(audio).error.error.param).toBe('messages[0].content[0]');
    const fileId = { ...base, messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-1' } }] }] };
    expect(fail(fileId).error.error.message).toMatch(/PDF/);
  });
  it('forwards an inline PDF as a document block', () => {
    const r = ok({
      messages: [{ role: 'user', content: [{ type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBE' } }] }],
    });
    expect((r.anthropic.messages as any)[0].content[0]).toEqual({
      type: 'document',
      source: { type: 'base64', media_type: 'application/pdf', data: 'JVBE' },
    });
  });
  it('turns assistant tool_calls into tool_use and tool messages into one merged tool_result turn', () => {
    const r = ok({
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_2', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18C' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '24C' }] },
        { role: 'user', content: 'Thanks, which is warmer?' },
      ],
    });
    expect(r.anthropic.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'call_1', name: 'weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_2', name: 'weather', input: { city: 'Rome' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: '18C' },
          { type: 'tool_result', tool_use_id: 'call_2', content: [{ type: 'text', text: '24C' }] },
          { type: 'text', text: 'Thanks, which is warmer?' },
        ],
      },
    ]);
  });
  it('treats null content and empty arguments on an assistant tool call as nothing / {}', () => {
    const r = ok({
      messages: [
        { role: 'user', content: 'time?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'now', arguments: '' } }] },
        { role: 'tool', tool_call_id: 'c', content: '' },
      ],
    });
    expect((r.anthropic.messages as any)[1].content).toEqual([{ type: 'tool_use', id: 'c', name: 'now', input: {} }]);
    expect((r.anthropic.messages as any)[2].content).toEqual([{ type: 'tool_result', tool_use_id: 'c' }]);
  });
  it('refuses invalid tool call arguments, naming the message index', () => {
    const r = fail({
      ...base,
      messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{oops' } }] },
      ],
    });
    expect(r.error.error.param).toBe('messages[1].tool_calls[0].function.arguments');
    expect(r.error.error.message).toMatch(/message 1\) is not valid JSON/);
    const arr = fail({
      ...base,
      messages: [{ role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '[1]' } }] }],
    });
    expect(arr.error.error.message).toMatch(/must be a JSON object/);
  });
  it('merges consecutive same-role messages and drops empty text', () => {
    const r = ok({
      messages: [
        { role: 'user', content: 'a' },
        { role: 'user', content: [{ type: 'text', text: 'b' }, { type: 'text', text: '  ' }] },
        { role: 'assistant', content: 'c' },
        { role: 'assistant', content: [{ type: 'text', text: 'd' }] },
        { role: 'assistant', content: '' },
        { role: 'user', content: 'e' },
      ],
    });
    expect(r.anthropic.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'c' }, { type: 'text', text: 'd' }] },
      { role: 'user', content: [{ type: 'text', text: 'e' }] },
    ]);
  });
  it('refuses a request with only system messages or only empty ones', () => {
    expect(fail({ ...base, messages: [{ role: 'system', content: 'x' }] }).error.error.param).toBe('messages');
  });
  it('refuses legacy function messages', () => {
    expect(fail({ ...base, messages: [{ role: 'function', name: 'f', content: 'x' }] }).error.error.param).toBe('messages[0].role');
    const fc = { ...base, messages: [{ role: 'assistant', content: null, function_call: { name: 'f', arguments: '{}' } }] };
    expect(fail(fc).error.error.param).toBe('messages[0].function_call');
  });
});
