// Reads that several views make at start (the settings for the header, Settings, Logs and Requests; the stats
// for Stats twice) share one call while it is in flight, so a page open fetches each thing once.
import type { CcproxyApi } from '../main/common/contract.js';

const SHARED = ['getStatus', 'getStats', 'getLogs', 'getSettings', 'getUsage'] as const;

export function shareReads(api: CcproxyApi): CcproxyApi {
  const shared: CcproxyApi = { ...api };
  for (const op of SHARED) {
    let inFlight: Promise<unknown> | null = null;
    const call = api[op] as () => Promise<unknown>;
    (shared as Record<string, unknown>)[op] = () => {
      inFlight ??= call().finally(() => (inFlight = null));
      return inFlight;
    };
  }
  return shared;
}
