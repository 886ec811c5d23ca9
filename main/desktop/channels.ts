// IPC channel names, shared by the main process (ipc.ts) and the preload (preload-api.ts). No electron import:
// the preload bundle and the unit tests both read this file.
import type { OperationName } from '../common/contract.js';

/** One invoke channel per operation: `ccproxy:getStatus`, `ccproxy:saveSettings`, … */
export const OPERATION_CHANNEL_PREFIX = 'ccproxy:';

/** Every pushed event travels on this one channel as (name, payload); the preload filters by name. */
export const EVENT_CHANNEL = 'ccproxy:event';

export function operationChannel(op: OperationName): string {
  return OPERATION_CHANNEL_PREFIX + op;
}
