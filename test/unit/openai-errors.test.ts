import { describe, expect, it } from 'vitest';
import { openAIError, toOpenAIError } from '../../main/proxy/openai/errors.js';

const anthropic = (type: string, message: string) => ({ type: 'error', error: { type, message }, request_id: 'req_1' });

describe('toOpenAIError', () => {
  it.each([
    [400, 'invalid_request_error', 'max_tokens: too big', 'invalid_request_error', null],
    [401, 'authentication_error', 'invalid x-api-key', 'authentication_error', 'invalid_api_key'],
    [403, 'permission_error', 'no access', 'permission_error', null],
    [404, 'not_found_error', 'model: claude-nope', 'not_found_error', 'model_not_found'],
    [404, 'not_found_error', 'Not found', 'not_found_error', null],
    [413, 'request_too_large', 'too large', 'invalid_request_error', 'request_too_large'],
    [429, 'rate_limit_error', 'slow down', 'requests', 'rate_limit_exceeded'],
    [402, 'billing_error', 'pay up', 'insufficient_quota', 'insufficient_quota'],
    [500, 'api_error', 'boom', 'server_error', null],
    [529, 'overloaded_error', 'Overloaded', 'server_error', null],
    [504, 'timeout_error', 'slow', 'server_error', null],
  ])('%i %s', (status, type, message, openaiType, code) => {
    expect(toOpenAIError(status, anthropic(type, message))).toEqual({ error: { message, type: openaiType, code, param: null } });
  });

  it('parses a JSON string body', () => {
    expect(toOpenAIError(429, JSON.stringify(anthropic('rate_limit_error', 'later'))).error).toMatchObject({ type: 'requests', message: 'later' });
  });

  it('falls back to the status for non-Anthropic bodies', () => {
    expect(toOpenAIError(502, '<html>Bad gateway</html>').error).toEqual({
      message: 'Bad gateway',
      type: 'server_error',
      code: null,
      param: null,
    });
    expect(toOpenAIError(401, undefined).error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key', message: 'Upstream returned HTTP 401' });
    expect(toOpenAIError(429, '').error).toMatchObject({ type: 'requests', message: 'Upstream returned HTTP 429' });
    expect(toOpenAIError(418, { weird: true }).error).toMatchObject({ type: 'invalid_request_error', message: 'Upstream returned HTTP 418' });
  });
});

describe('openAIError', () => {
  it('defaults to invalid_request_error with null code and param', () => {
    expect(openAIError('bad')).toEqual({ error: { message: 'bad', type: 'invalid_request_error', code: null, param: null } });
    expect(openAIError('bad', 'server_error', 'x', 'model')).toEqual({ error: { message: 'bad', type: 'server_error', code: 'x', param: 'model' } });
  });
});
