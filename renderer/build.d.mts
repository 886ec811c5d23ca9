// Types for build.mjs (plain JS so scripts/build.mjs can import it without a TypeScript loader).
export interface BuildRendererOptions {
  /** Default: <repo>/dist/renderer */
  outDir?: string;
}
export function buildRenderer(options?: BuildRendererOptions): Promise<{ outDir: string }>;
