// Loaded only when profiling (`npm run bench -- --profile`): V8 writes a --cpu-prof profile on a
// normal exit, not when a signal kills the process. Nest's shutdown hooks close the app and then
// raise SIGTERM again; this listener turns that second signal (or a signal no one handles) into
// process.exit, so the profile is written after a graceful shutdown.
let signalled = 0;
process.on('SIGTERM', () => {
  if (++signalled > 1) process.exit(0);
  setTimeout(() => process.exit(0), 10_000).unref();
});
