// Forwarding one request on a leased connection with undici's dispatcher API: the client's method, path and
// header lines go out as they came (see headers.ts), the body streams through as the client sends it, and the
// upstream's status, header lines and bytes come back as they arrive, errors exactly like successes. Nothing
// is parsed, decoded or re-serialised, and nothing is sent twice.
//
// undici's classic handler (onConnect/onHeaders/onData/onComplete/onError) is used on purpose: it is what the
// Client calls natively (the newer controller API is wrapped around it per request) and it hands over the raw
// header lines, which a transport wants.
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Lease, ReleaseOutcome } from '../pool/types.js';
import { clientResponseHeaders } from './headers.js';
import { ProxyError, sseErrorFrame, writeProxyError } from './errors.js';
import { upstreamFailure, type FailureContext } from './upstream-errors.js';
import type { RequestTrace } from '../requests/trace.js';

export interface ForwardRequest {
  method: Dispatcher.HttpMethod;
  /** Path and query on the upstream, base path included: /v1/messages?beta=true */
  path: string;
  /** Raw header lines for the upstream (name, value, …). */
  headers: string[];
  /** The client's body: read in full (small bodies, sent in one go), a stream, or null when there is none. */
  body: Buffer | Readable | null;
}

export interface ForwardResult {
  outcome: ReleaseOutcome;
  /** The status the client got (0 when it went away before any answer). */
  status: number;
  /** What went wrong, when something did (the client has been told, unless it had gone). */
  error?: Error;
}

/** Lines added to every answer: the connection that served it, and any set by hooks (CORS). */
export type ExtraHeaders = string[];

/** Resolves when a response that refused a write has drained (or closed): for loops that write as they pull. */
export function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

/** Forwards on the lease; the trace (the request's record) is told what passes, on the side. */
export function forward(lease: Lease, request: ForwardRequest, res: ServerResponse, extra: ExtraHeaders, failure: Omit<FailureContext, 'mayHaveLeft'>, trace: RequestTrace): Promise<ForwardResult> {
  return new Promise<ForwardResult>((resolve) => {
    let abort: ((reason?: Error) => void) | null = null;
    let resume: (() => void) | null = null;
    let mayHaveLeft = false;
    let clientGone = false;
    let isSse = false;
    /** Whether a body chunk was written: the head then leaves with it. (res.headersSent is true from writeHead on, sent or not.) */
    let wroteBody = false;
    let status = 0;
    let settled = false;
    let corked = false;
    let waitingForDrain = false;
    const uncork = () => {
      corked = false;
      res.uncork();
    };
    const settle = (result: ForwardResult) => {
      if (settled) return;
      settled = true;
      res.off('close', onClientClose);
      if (waitingForDrain) res.off('drain', onDrain);
      const answer = result.error instanceof ProxyError ? { type: result.error.type, message: result.error.message } : null;
      trace.end({ status: result.status, error: answer, aborted: result.outcome === 'aborted' });
      resolve(result);
    };
    const onDrain = () => resume?.();
    const onClientClose = () => {
      if (settled || res.writableFinished) return;
      // The client went away: stop the upstream at once (this socket cannot be reused mid-response).
      clientGone = true;
      const reason = new Error('client disconnected');
      if (abort) abort(reason);
      else if (request.body && !Buffer.isBuffer(request.body)) request.body.destroy(reason);
    };
    res.on('close', onClientClose);

    const handler: Dispatcher.DispatchHandler = {
      onConnect(abortRequest) {
        // From here on bytes may reach the upstream: a failure is no longer provably harmless.
        mayHaveLeft = true;
        abort = abortRequest;
        trace.sent();
        if (clientGone) abortRequest(new Error('client disconnected'));
      },
      onHeaders(statusCode, rawHeaders, resumeReading, statusText) {
        if (statusCode < 200) return true; // 1xx interim answers stay between the proxy and the upstream
        resume = resumeReading;
        status = statusCode;
        const lines = clientResponseHeaders(rawHeaders as unknown as Buffer[]);
        for (let i = 0; i < lines.length; i += 2) {
          if (lines[i]!.length === 12 && lines[i]!.toLowerCase() === 'content-type') isSse = lines[i + 1]!.startsWith('text/event-stream');
        }
        trace.head(statusCode, lines);
        for (const line of extra) lines.push(line);
        res.writeHead(statusCode, statusText, lines);
        // A streaming client should see the status before the first event, but when the first event came in the
        // same packet (onData runs before this microtask) head and event leave together in one write.
        if (isSse) queueMicrotask(() => wroteBody || res.destroyed || res.flushHeaders());
        return true;
      },
      onBodySent(chunk) {
        trace.bodyChunk(chunk as unknown as Buffer); // undici passes the chunk itself, whatever its types say
      },
      onData(chunk) {
        lease.touch();
        trace.data(chunk);
        wroteBody = true;
        // Chunks undici parsed from one packet go out in one write, not one each.
        if (!corked) {
          corked = true;
          res.cork();
          queueMicrotask(uncork);
        }
        if (res.write(chunk)) return true;
        // The client reads slower than the upstream sends: pause undici until the client has drained.
        if (!waitingForDrain) {
          waitingForDrain = true;
          res.on('drain', onDrain);
        }
        return false;
      },
      onComplete() {
        res.end();
        settle({ outcome: 'ok', status });
      },
      onError(err) {
        if (clientGone) return settle({ outcome: 'aborted', status, error: err });
        const answer = upstreamFailure(err, { ...failure, mayHaveLeft });
        // Never connected (refused, DNS, TLS, connect timeout): the upstream is unreachable, not just this request.
        if (!mayHaveLeft && answer.status >= 502) trace.unreachable(answer.message);
        if (!res.headersSent) {
          status = answer.status;
          writeProxyError(res, answer, extra);
        } else if (isSse) {
          // Mid-stream: an SSE error event the SDKs understand, then the end, never a hang. Its type is the
          // record's (answer.type): a shutdown or reconfiguration is overloaded_error (temporary, retry shortly)
          // for both, a broken socket api_error for both.
          res.end(sseErrorFrame(answer.type, `The upstream connection broke mid-stream: ${answer.message}`));
        } else {
          // A half-sent JSON body cannot be repaired; closing tells the client it is incomplete.
          res.destroy();
        }
        settle({ outcome: 'failed', status, error: answer });
      },
    };
    lease.dispatcher.dispatch({ method: request.method, path: request.path, headers: request.headers, body: request.body }, handler);
  });
}
