// The client's request body on its way through: streamed, never buffered, and held to [server] body_limit_mb.
// An over-limit body is still read (and thrown away) up to a cap before anything closes, so a client that
// writes its whole body before reading (Python's http.client, undici) sees the 413 instead of a reset.
import type { IncomingMessage } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import { ProxyError } from './errors.js';

const MiB = 1024 * 1024;

export function tooLarge(limitBytes: number): ProxyError {
  return new ProxyError(413, 'request_too_large', `Request body is larger than the proxy's limit of ${limitBytes / MiB} MiB ([server] body_limit_mb).`);
}

/** Reads and discards the rest of a refused body; past the cap the socket is closed (the 413 has been sent by then). */
export function discardBody(req: IncomingMessage, limitBytes: number): void {
  const cap = Math.max(limitBytes, 16 * MiB);
  let seen = 0;
  req.on('error', () => {});
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > cap) req.socket.destroy();
  });
}

/** The declared length, or null for a chunked body (or none). */
export function declaredLength(req: IncomingMessage): number | null {
  const value = req.headers['content-length'];
  if (value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** The body to send upstream, or null when the request has none. Chunked bodies are counted as they pass. */
export function bodyFor(req: IncomingMessage, limitBytes: number): Readable | null {
  const length = declaredLength(req);
  if (length !== null) return length > 0 ? req : null;
  if (req.headers['transfer-encoding'] === undefined) return null;
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen <= limitBytes) return done(null, chunk);
      req.unpipe(counter);
      discardBody(req, limitBytes);
      done(tooLarge(limitBytes));
    },
  });
  req.on('error', (err) => counter.destroy(err));
  return req.pipe(counter);
}
