// proxy/lazy.ts: a module imported once by its first user, shared by concurrent ones, tried again after a failure.
import { describe, expect, it } from 'vitest';
import { lazyHandler, lazyModule } from '../../main/proxy/lazy.js';

describe('lazyModule / lazyHandler', () => {
  it('imports nothing until first use, then once for every caller, and runs the picked function with the arguments', async () => {
    let imports = 0;
    const mod = lazyModule(async () => {
      imports++;
      await new Promise((r) => setTimeout(r, 5));
      return { double: (n: number) => n * 2 };
    });
    const double = lazyHandler(mod, (m) => m.double);
    expect(imports).toBe(0);
    expect(mod.loaded).toBe(false);
    expect(await Promise.all([double(1), double(2), double(3)])).toEqual([2, 4, 6]);
    expect(imports).toBe(1);
    expect(mod.loaded).toBe(true);
  });

  it('a failed import reaches its callers and is tried again by the next one', async () => {
    let attempt = 0;
    const mod = lazyModule(async () => {
      if (++attempt === 1) throw new Error('disk hiccup');
      return { ok: () => 'ok' };
    });
    const ok = lazyHandler(mod, (m) => m.ok);
    await expect(ok()).rejects.toThrow('disk hiccup');
    expect(await ok()).toBe('ok');
    expect(attempt).toBe(2);
  });
});
