// Types for scripts/build.mjs (plain JavaScript, run by node before anything is built), as the tests import it.
/** Native modules: left outside the bundle, shipped in app.asar.unpacked. */
export declare const NATIVE: string[];
export declare const PLATFORM_NATIVE: string[];
/** The newest file among the build's inputs (sources, build scripts, installed dependencies). */
export declare function newestInput(root?: string): { file: string | null; mtimeMs: number };
/** True when dist/.build-stamp is newer than every input. */
export declare function isUpToDate(root?: string): boolean;
/** The one line `--if-stale` prints when nothing is rebuilt. */
export declare const UP_TO_DATE: string;
/** Builds everything (dist/main, dist/renderer) and writes the stamp. */
export declare function buildAll(): Promise<void>;
