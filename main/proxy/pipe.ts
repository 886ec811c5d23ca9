// Writes an upstream Response to the client as its bytes arrive: no buffering, no re-serialisation.
// Backpressure is honoured (a slow client slows the upstream read, not our memory). A stream the upstream
// breaks mid-way ends with an SSE `event: error`, never a hang.
import type { ServerResponse } from 'node:http';
import type { ReleaseOutcome } from '../pool/types.js';
import type { Logger } from '../logging/log-bus.js';
import { anthropicError } from './errors.js';

/** Waits until the client can take more, or has gone away (then resolves false). */
function drained(res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}

export function endResponse(res: ServerResponse, chunk?: string | Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (res.writableEnded || res.destroyed) return resolve();
    res.end(chunk ?? '', () => resolve());
    res.once('close', () => resolve());
  });
}

export function sseErrorFrame(type: 'api_error' | 'overloaded_error', message: string): string {
  return `event: error\ndata: ${JSON.stringify(anthropicError(type, message))}\n\n`;
}

export interface PipeOptions {
  res: ServerResponse;
  response: Response;
  headers: Record<string, string>;
  signal: AbortSignal;
  log: Logger;
  connectionId: string;
  /** Called for each chunk forwarded (keeps the pool's leak detector quiet while data flows). */
  onData?: () => void;
}

export async function pipeResponse({ res, response, headers, signal, log, connectionId, onData }: PipeOptions): Promise<ReleaseOutcome> {
  const isSse = (headers['content-type'] ?? '').includes('text/event-stream');
  res.writeHead(response.status, headers);
  // Send the head now: a streaming client should see the status before the first event.
  res.flushHeaders();
  if (!response.body) {
    await endResponse(res);
    return 'ok';
  }
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      onData?.();
      if (!res.write(value) && !(await drained(res))) {
        await reader.cancel().catch(() => {});
        return 'aborted';
      }
    }
  } catch (err) {
    if (signal.aborted || res.destroyed) return 'aborted';
    const reason = (err as Error)?.message ?? String(err);
    log.warn(`[API] Upstream stream broke on connection ${connectionId}: ${reason}`);
    if (isSse) {
      await endResponse(res, sseErrorFrame('api_error', `The upstream connection broke mid-stream: ${reason}`));
    } else {
      // A half-sent JSON body cannot be repaired; closing tells the client it is incomplete.
      res.destroy();
    }
    return 'failed';
  }
  await endResponse(res);
  return res.writableFinished ? 'ok' : 'aborted';
}
