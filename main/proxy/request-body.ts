// The client's request body on its way through, held to [server] body_limit_mb.
// - A body whose declared length is at most [server] buffer_body_mb is read completely before a pooled connection
//   is taken, then sent in one go: a client that sends slowly holds no upstream connection while it does (nginx's
//   proxy_request_buffering, for the same reason). Larger and chunked bodies stream through as they arrive.
// - An over-limit body is refused (413) and then read and thrown away by time, not by a byte count, so a client
//   that writes its whole body before reading (Python's http.client, undici) reads the 413 instead of a reset
//   (nginx's lingering_time / lingering_timeout).
import type { IncomingMessage } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import { ProxyError } from './errors.js';

const MiB = 1024 * 1024;
/** A refused body that stops arriving for this long is given up on (nginx's lingering_timeout). */
export const DISCARD_PAUSE_MS = 5_000;

export function tooLarge(limitBytes: number): ProxyError {
  return new ProxyError(413, 'request_too_large', `Request body is larger than the proxy's limit of ${limitBytes / MiB} MiB ([server] body_limit_mb).`, {}, 'body_too_large');
}

/**
 * Reads and discards the rest of a refused body (the 413 goes out meanwhile). Reading stops, and the socket is
 * closed, when the body has not ended within `maxMs` ([server] request_timeout) or pauses for DISCARD_PAUSE_MS.
 */
export function discardBody(req: IncomingMessage, maxMs: number): void {
  if (req.complete) return;
  const give_up = () => req.socket.destroy();
  const deadline = setTimeout(give_up, maxMs);
  let pause = setTimeout(give_up, DISCARD_PAUSE_MS);
  const stop = () => {
    clearTimeout(deadline);
    clearTimeout(pause);
  };
  req.on('error', () => {});
  req.on('data', () => {
    clearTimeout(pause);
    pause = setTimeout(give_up, DISCARD_PAUSE_MS);
  });
  req.once('end', stop);
  req.once('close', stop);
}

/** The declared length, or null for a chunked body (or none). */
export function declaredLength(req: IncomingMessage): number | null {
  const value = req.headers['content-length'];
  if (value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** Error for a client that went away (or was cut by request_timeout) before its whole body arrived. */
export class BodyNotReceived extends Error {
  constructor() {
    super('The client went away (or was cut by [server] request_timeout) before its whole body arrived.');
    this.name = 'BodyNotReceived';
  }
}

/** Reads a body of a known, small length into one buffer (exactly `length` bytes, or BodyNotReceived). */
export function readWholeBody(req: IncomingMessage, length: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const body = Buffer.allocUnsafe(length);
    let at = 0;
    const onData = (chunk: Buffer) => {
      if (at + chunk.length > length) return fail();
      chunk.copy(body, at);
      at += chunk.length;
    };
    const onEnd = () => {
      cleanup();
      if (at === length) resolve(body);
      else reject(new BodyNotReceived());
    };
    const fail = () => {
      cleanup();
      reject(new BodyNotReceived());
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', fail);
      req.off('close', onClose);
    };
    const onClose = () => {
      if (!req.complete) fail();
    };
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', fail);
    req.once('close', onClose);
  });
}

/**
 * Resolves once the first bytes of a streamed body are there (or it ended), rejects if the client goes first, so a
 * connection is taken only when there is something to send. Nothing is consumed.
 */
export function bodyStarted(req: IncomingMessage): Promise<void> {
  if (req.readableLength > 0 || req.readableEnded || req.complete) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const done = (err?: Error) => {
      req.off('readable', onReadable);
      req.off('error', onError);
      req.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onReadable = () => done();
    const onError = () => done(new BodyNotReceived());
    const onClose = () => (req.complete ? done() : done(new BodyNotReceived()));
    req.on('readable', onReadable);
    req.once('error', onError);
    req.once('close', onClose);
  });
}

/** The body to stream upstream, or null when the request has none. Chunked bodies are counted as they pass. */
export function bodyFor(req: IncomingMessage, limitBytes: number, discardMs: number): Readable | null {
  const length = declaredLength(req);
  if (length !== null) return length > 0 ? req : null;
  if (req.headers['transfer-encoding'] === undefined) return null;
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen <= limitBytes) return done(null, chunk);
      req.unpipe(counter);
      discardBody(req, discardMs);
      done(tooLarge(limitBytes));
    },
  });
  req.on('error', (err) => counter.destroy(err));
  return req.pipe(counter);
}
