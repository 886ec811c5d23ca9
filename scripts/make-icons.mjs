// Draws the app and tray icons with plain Node (no ImageMagick, no canvas package) and writes them to build/icons/.
// The outputs are committed; run `node scripts/make-icons.mjs` again only after changing a design below.
//
// Motif: two hubs joined by three parallel lines, a connection pool. The tray variants keep the shapes apart by
// state (pool = three lines, direct = one arrow, error = "!") so they stay readable as macOS template images,
// where colour is not available.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'build', 'icons');

// ---- PNG encoder (RGBA, 8 bit, filter 0 on every row) ----
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** ICO holding PNG images (Windows Vista and later read these; electron-builder wants a 256 px entry). */
function encodeIco(pngs) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(pngs.length, 4);
  const entries = [];
  let offset = 6 + 16 * pngs.length;
  for (const { size, data } of pngs) {
    const e = Buffer.alloc(16);
    e[0] = size >= 256 ? 0 : size; // 0 means 256
    e[1] = size >= 256 ? 0 : size;
    e.writeUInt16LE(1, 4); // planes
    e.writeUInt16LE(32, 6); // bits per pixel
    e.writeUInt32LE(data.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += data.length;
    entries.push(e);
  }
  return Buffer.concat([header, ...entries, ...pngs.map((p) => p.data)]);
}

// ---- Shapes in unit coordinates (0..1), tested per sample point ----
const circle = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
function roundRect(x0, y0, x1, y1, r) {
  return (x, y) => {
    if (x < x0 || x > x1 || y < y0 || y > y1) return false;
    const dx = Math.max(x0 + r - x, 0, x - (x1 - r));
    const dy = Math.max(y0 + r - y, 0, y - (y1 - r));
    return dx * dx + dy * dy <= r * r;
  };
}
/** A line segment with round caps, `w` wide. */
function capsule(ax, ay, bx, by, w) {
  const r = w / 2;
  return (x, y) => {
    const vx = bx - ax;
    const vy = by - ay;
    const t = Math.max(0, Math.min(1, ((x - ax) * vx + (y - ay) * vy) / (vx * vx + vy * vy)));
    return (x - ax - t * vx) ** 2 + (y - ay - t * vy) ** 2 <= r * r;
  };
}
function triangle(ax, ay, bx, by, cx, cy) {
  const side = (px, py, qx, qy, x, y) => (qx - px) * (y - py) - (qy - py) * (x - px);
  return (x, y) => {
    const d1 = side(ax, ay, bx, by, x, y);
    const d2 = side(bx, by, cx, cy, x, y);
    const d3 = side(cx, cy, ax, ay, x, y);
    return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
  };
}
const union = (...shapes) => (x, y) => shapes.some((s) => s(x, y));

// ---- Rasteriser: supersampled coverage, "over" compositing in straight (non-premultiplied) RGBA ----
function render(size, layers) {
  const px = Buffer.alloc(size * size * 4);
  const n = size <= 64 ? 8 : 4; // more samples where every pixel counts
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (const { shape, color } of layers) {
        let hits = 0;
        for (let sy = 0; sy < n; sy++) {
          for (let sx = 0; sx < n; sx++) if (shape((x + (sx + 0.5) / n) / size, (y + (sy + 0.5) / n) / size)) hits++;
        }
        if (!hits) continue;
        const [cr, cg, cb, ca = 1] = typeof color === 'function' ? color((x + 0.5) / size, (y + 0.5) / size) : color;
        const sa = (hits / (n * n)) * ca;
        const oa = sa + a * (1 - sa);
        r = (cr * sa + r * a * (1 - sa)) / oa;
        g = (cg * sa + g * a * (1 - sa)) / oa;
        b = (cb * sa + b * a * (1 - sa)) / oa;
        a = oa;
      }
      const i = (y * size + x) * 4;
      px[i] = Math.round(r);
      px[i + 1] = Math.round(g);
      px[i + 2] = Math.round(b);
      px[i + 3] = Math.round(a * 255);
    }
  }
  return encodePng(size, px);
}

// ---- Designs ----
const WHITE = [255, 255, 255];
const BLACK = [0, 0, 0];
const AMBER = [255, 191, 71];
const STATE_COLOR = { pooling: [38, 150, 84], direct: [96, 108, 122], error: [206, 58, 58] };

/** Two hubs and three connections, scaled into the box [x0, x1] × [y0, y1]. */
function poolMotif(x0, y0, x1, y1, weight) {
  const w = x1 - x0;
  const h = y1 - y0;
  const X = (u) => x0 + u * w;
  const Y = (v) => y0 + v * h;
  const hubW = 0.2 * w;
  const line = weight * h;
  const hubs = union(roundRect(X(0), Y(0), X(0) + hubW, Y(1), hubW / 2), roundRect(X(1) - hubW, Y(0), X(1), Y(1), hubW / 2));
  const lines = [0.25, 0.5, 0.75].map((v) => capsule(X(0.1), Y(v), X(0.9), Y(v), line));
  return { hubs, lines };
}

function appIcon(size) {
  const gradient = (_x, y) => [31 - 14 * y, 111 - 51 * y, 139 - 49 * y];
  const { hubs, lines } = poolMotif(0.2, 0.27, 0.8, 0.73, 0.13);
  return render(size, [
    { shape: roundRect(0.04, 0.04, 0.96, 0.96, 0.2), color: gradient },
    { shape: union(lines[0], lines[2]), color: WHITE },
    { shape: lines[1], color: AMBER }, // the connection in use
    { shape: hubs, color: WHITE },
  ]);
}

// Tray glyphs sit on a 16-unit grid so every edge lands on a pixel edge at 16 px and at 32 px (@2x): no blur.
const g = (v) => v / 16;
const rect = (x0, y0, x1, y1, r = 0) => roundRect(g(x0), g(y0), g(x1), g(y1), g(r));

/** Pool: two hubs, three connections; the middle one is thicker (the one in use) so the glyph stays centred. */
function poolGlyph(hubX0, hubX1, hubW) {
  return union(
    rect(hubX0, 3, hubX0 + hubW, 13, 1),
    rect(hubX1 - hubW, 3, hubX1, 13, 1),
    rect(hubX0 + hubW, 4, hubX1 - hubW, 5),
    rect(hubX0 + hubW, 7, hubX1 - hubW, 9),
    rect(hubX0 + hubW, 11, hubX1 - hubW, 12),
  );
}
/** Direct: one connection, opened per request. */
const arrowGlyph = (x0, x1) => union(rect(x0, 7, x1 - 3, 9), triangle(g(x1 - 4), g(3.5), g(x1), g(8), g(x1 - 4), g(12.5)));

function stateGlyph(state) {
  if (state === 'pooling') return poolGlyph(3, 13, 2);
  if (state === 'direct') return arrowGlyph(3, 13);
  return union(rect(7, 3, 9, 10, 0.5), rect(7, 11, 9, 13, 0.5));
}

/** Colour tray icon: a filled disc (reads on light and dark panels) with the state glyph cut out in white. */
function trayIcon(state, size) {
  return render(size, [
    { shape: circle(0.5, 0.5, 0.48), color: STATE_COLOR[state] },
    { shape: stateGlyph(state), color: WHITE },
  ]);
}

/** macOS template: black and alpha only; the menu bar tints it for light/dark mode. */
function templateIcon(state, size) {
  const glyph = state === 'pooling' ? poolGlyph(1, 15, 2) : arrowGlyph(1, 15);
  return render(size, [{ shape: glyph, color: BLACK }]);
}

fs.mkdirSync(OUT, { recursive: true });
const write = (name, data) => {
  fs.writeFileSync(path.join(OUT, name), data);
  console.log(`build/icons/${name} (${data.length} bytes)`);
};

write('icon.png', appIcon(512));
write('icon.ico', encodeIco([16, 24, 32, 48, 64, 128, 256].map((size) => ({ size, data: appIcon(size) }))));
for (const state of ['pooling', 'direct', 'error']) {
  write(`tray-${state}.png`, trayIcon(state, 16));
  write(`tray-${state}@2x.png`, trayIcon(state, 32));
}
write('trayTemplate.png', templateIcon('pooling', 16));
write('trayTemplate@2x.png', templateIcon('pooling', 32));
write('trayDirectTemplate.png', templateIcon('direct', 16));
write('trayDirectTemplate@2x.png', templateIcon('direct', 32));
