// Compression for the dashboard (/ui) and its API (/admin/api): registered inside those route plugins only,
// so its hook stays in their scopes. The /v1 passthrough never sees it: its bytes go to the client as the
// upstream sent them. The event stream is written by hand (hijacked) and is not compressed either.
import compress from '@fastify/compress';
import type { FastifyInstance } from 'fastify';

/** brotli at quality 4 (the library's default): a few milliseconds for the dashboard's bundle, a fifth of its size. */
export async function compressThisScope(app: FastifyInstance): Promise<void> {
  await app.register(compress, { global: true, threshold: 1024, encodings: ['br', 'gzip'] });
}
