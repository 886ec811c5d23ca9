// Request and answer bodies for the history ([history] capture_bodies, off by default): each kept up to 1 MiB
// with a flag when cut, secrets redacted before they are stored, and a streamed answer reassembled into the final
// message when it is read. Capture holds references to the chunks as they pass; it never delays or changes them.
import zlib from 'node:zlib';
import { redact } from '../logging/redact.js';

export const BODY_CAP = 1024 * 1024;

export interface StoredBodies {
  request: string | null;
  request_truncated: boolean;
  response: string | null;
  response_truncated: boolean;
}

export class BodyCapture {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  push(chunk: Buffer): void {
    if (this.size >= BODY_CAP) {
      this.truncated = true;
      return;
    }
    const room = BODY_CAP - this.size;
    const take = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (take.length < chunk.length) this.truncated = true;
    this.chunks.push(take);
    this.size += take.length;
  }

  /** The text, decompressed when whole and compressed, secrets redacted; null when nothing was sent. */
  text(encoding?: string, knownSecrets: readonly string[] = []): string | null {
    if (this.size === 0) return null;
    let body = Buffer.concat(this.chunks);
    if (!this.truncated && encoding && encoding !== 'identity') {
      try {
        if (encoding === 'gzip') body = zlib.gunzipSync(body);
        else if (encoding === 'br') body = zlib.brotliDecompressSync(body);
        else if (encoding === 'deflate') body = zlib.inflateSync(body);
      } catch {
        // Kept as it came.
      }
    }
    return redact(body.toString('utf8'), knownSecrets);
  }
}

/** Rebuilds the final Messages object from the text of an SSE answer (null when it has no message_start). */
export function reassembleSse(text: string): unknown {
  let message: Record<string, any> | null = null;
  const partialJson = new Map<number, string>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('data:')) continue;
    let ev: Record<string, any>;
    try {
      ev = JSON.parse(line.slice(5));
    } catch {
      continue;
    }
    if (ev.type === 'message_start') message = { ...ev.message, content: [...(ev.message?.content ?? [])] };
    if (!message) continue;
    const content = message.content as Array<Record<string, any>>;
    if (ev.type === 'content_block_start') content[ev.index] = { ...ev.content_block };
    else if (ev.type === 'content_block_delta') {
      const block = (content[ev.index] ??= {});
      const d = ev.delta ?? {};
      if (d.type === 'text_delta') block.text = (block.text ?? '') + d.text;
      else if (d.type === 'thinking_delta') block.thinking = (block.thinking ?? '') + d.thinking;
      else if (d.type === 'signature_delta') block.signature = d.signature;
      else if (d.type === 'input_json_delta') partialJson.set(ev.index, (partialJson.get(ev.index) ?? '') + d.partial_json);
    } else if (ev.type === 'content_block_stop' && partialJson.has(ev.index)) {
      try {
        content[ev.index]!.input = JSON.parse(partialJson.get(ev.index) || '{}');
      } catch {
        content[ev.index]!.input = partialJson.get(ev.index);
      }
    } else if (ev.type === 'message_delta') {
      Object.assign(message, ev.delta ?? {});
      message.usage = { ...(message.usage ?? {}), ...(ev.usage ?? {}) };
    }
  }
  return message;
}
