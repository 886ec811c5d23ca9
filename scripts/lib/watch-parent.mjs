// Calls `onGone` once when the process that started this one has gone. npm forwards SIGTERM only to the shell it
// started (`sh -c "<script>"`), and dash (Debian's sh) does not exec the command, so a supervisor's
// `kill <npm pid>` kills the shell and leaves our launcher orphaned; on Windows npm's cmd.exe is terminated
// outright. Either way the launcher sees its parent vanish, and then stops as it would on SIGTERM.
export function watchParent(onGone, everyMs = 250) {
  const parent = process.ppid;
  const gone = () => {
    if (process.ppid !== parent) return true; // POSIX: re-parented to init or a subreaper
    try {
      process.kill(parent, 0); // Windows keeps the old ppid: ask whether it still exists
      return false;
    } catch (err) {
      return err.code === 'ESRCH';
    }
  };
  const timer = setInterval(() => {
    if (!gone()) return;
    clearInterval(timer);
    onGone();
  }, everyMs);
  timer.unref();
}
