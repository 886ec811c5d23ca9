// Masking for the settings window: what is shown, and how what comes back is read.
import { describe, expect, it } from 'vitest';
import { SECRET_MASK, maskValue, unmaskValue } from '../../main/config/secrets.js';

const M = SECRET_MASK;

describe('proxy_url credentials', () => {
  it.each([
    ['http://alice:pw@proxy.corp:3128', `http://${M}:${M}@proxy.corp:3128`],
    ['http://alice@proxy.corp:3128', `http://${M}@proxy.corp:3128`],
    ['http://proxy.corp:3128', 'http://proxy.corp:3128'], // nothing to hide, and not re-normalised (no trailing /)
    ['http://a%40b:p%3Aw@proxy:1/x?y=1', `http://${M}:${M}@proxy:1/x?y=1`],
  ])('%s is shown as %s', (value, shown) => {
    expect(maskValue('upstream.proxy_url', value)).toBe(shown);
  });

  it('the masked value sent back means unchanged; an edited host keeps the credentials; typed ones replace them', () => {
    const current = 'http://alice:pw@proxy.corp:3128';
    expect(unmaskValue('upstream.proxy_url', `http://${M}:${M}@proxy.corp:3128`, current)).toBeUndefined();
    expect(unmaskValue('upstream.proxy_url', `http://${M}:${M}@other:8080`, current)).toBe('http://alice:pw@other:8080');
    expect(unmaskValue('upstream.proxy_url', `http://${M}:new-pw@proxy.corp:3128`, current)).toBe('http://alice:new-pw@proxy.corp:3128');
    expect(unmaskValue('upstream.proxy_url', 'http://proxy.corp:3128', current)).toBe('http://proxy.corp:3128');
    expect(unmaskValue('upstream.proxy_url', '', current)).toBe('');
  });
});

describe('secret fields', () => {
  it('are shown masked and the mask sent back means unchanged', () => {
    expect(maskValue('upstream.api_key', 'sk-ant-xyz')).toBe(M);
    expect(maskValue('upstream.api_key', undefined)).toBeUndefined();
    expect(unmaskValue('upstream.api_key', M, 'sk-ant-xyz')).toBeUndefined();
    expect(unmaskValue('upstream.api_key', 'sk-ant-new', 'sk-ant-xyz')).toBe('sk-ant-new');
  });
});
