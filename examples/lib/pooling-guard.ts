// Flipping the *server's* pooling for a comparison, and always putting it back: on a normal end, an error,
// Ctrl-C (SIGINT), kill (SIGTERM) and a closed stdout (EPIPE, e.g. `| head`). The switch is runtime-only on
// the server (persist: false), so nothing is written to any config file even if this script is killed -9:
// a restart of the server brings back its configured value.
import { setServerPooling } from './perf.js';

/** What set() throws once the script is ending: the guard restores and exits, the caller only stops. */
export class EndingError extends Error {
  constructor() {
    super('ending: the server keeps its restored pooling');
    this.name = 'EndingError';
  }
}

export interface PoolingGuard {
  /** Switches the server's pooling for this run; refused once the script is ending. */
  set(enabled: boolean): Promise<void>;
  /** Puts the server back as it was (once; later calls wait for the first). */
  restore(): Promise<void>;
  /** Removes the signal and stdout handlers. */
  dispose(): void;
}

/** stdout may be the closed pipe: notes about the restore go to stderr, and never throw. */
function note(text: string): void {
  try {
    process.stderr.write(`${text}\n`);
  } catch {
    // stderr is gone too; nothing left to tell.
  }
}

export function guardServerPooling(baseURL: string, initial: boolean): PoolingGuard {
  let ending = false;
  let inFlight: Promise<void> = Promise.resolve();
  let restoring: Promise<void> | null = null;

  const restore = (): Promise<void> =>
    (restoring ??= (async () => {
      ending = true;
      await inFlight.catch(() => {}); // a switch already on its way must land before the restore, not after it
      try {
        await setServerPooling(baseURL, initial);
        note(`(server pooling restored to ${initial ? 'enabled' : 'disabled'})`);
      } catch (err) {
        note(`pool-performance-test: could not restore the server's pooling to ${initial ? 'enabled' : 'disabled'}: ${(err as Error).message}`);
        process.exitCode = process.exitCode || 1;
      }
    })());

  const endWith = (code: number, why: string) => () => {
    if (restoring) return;
    process.exitCode = code;
    note(`pool-performance-test: ${why}; restoring the server's pooling before exiting`);
    void restore().finally(() => process.exit());
  };
  const onSigint = endWith(130, 'interrupted');
  const onSigterm = endWith(143, 'terminated');
  const onStdoutError = (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') endWith(0, 'output closed')();
    else endWith(1, `cannot write output (${err.message})`)();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  process.stdout.on('error', onStdoutError);

  return {
    set(enabled) {
      if (ending) return Promise.reject(new EndingError());
      const next = inFlight.then(() => setServerPooling(baseURL, enabled));
      inFlight = next.catch(() => {});
      return next;
    },
    restore,
    dispose() {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
      process.stdout.off('error', onStdoutError);
    },
  };
}
