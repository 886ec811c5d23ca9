// Preloaded into the ccproxy child (node --import): if the bench dies without cleaning up (kill -9), its IPC
// channel closes and the proxy is sent the same SIGTERM a clean stop would send, so no proxy is left behind.
// Plain JS so it also works for --built, where tsx is not loaded. It only listens; the channel is unref'd so it
// never keeps the proxy alive and never touches a request.
if (process.channel) {
  process.channel.unref();
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
