export interface ExitGuardOptions {
  /**
   * Synchronous, all an 'exit' handler can do: leave the server (the last
   * process using it sends it SIGINT, a fast shutdown it completes on its own),
   * kill an initdb in progress, remove its password file.
   */
  onExit: () => void;
  /** Leaves the server, waiting for it to stop when this was the last process using it. */
  leave: () => Promise<void>;
  /** True while the server is being set up here (initdb, start): a signal then does onExit and exits at once. */
  busy: () => boolean;
  /** SIGINT/SIGTERM/SIGHUP: leave, then exit 130/143/129. Off for callers that handle signals themselves (watch). */
  signals: boolean;
  onSignal?: (signal: NodeJS.Signals) => void;
}

const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/**
 * While this process uses the embedded server, no exit path leaves it running
 * unused or leaves a secret behind: on SIGINT/SIGTERM/SIGHUP the process
 * leaves it (stopping it if it was the last user) and exits 128+signal; on any
 * other exit (process.exit, an uncaught error) onExit runs. Returns the
 * function that removes the guard.
 */
export function guardServerOnExit(options: ExitGuardOptions): () => void {
  let signalled = false;
  const onExit = () => options.onExit();
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) return; // a second Ctrl-C while stopping: keep stopping
    signalled = true;
    options.onSignal?.(signal);
    const code = SIGNAL_EXIT[signal] ?? 1;
    if (options.busy()) process.exit(code); // the 'exit' handler runs onExit
    void options.leave().catch(() => undefined).finally(() => process.exit(code));
  };
  const signals = options.signals ? (Object.keys(SIGNAL_EXIT) as NodeJS.Signals[]) : [];
  process.on('exit', onExit);
  for (const s of signals) process.on(s, onSignal);
  return () => {
    process.removeListener('exit', onExit);
    for (const s of signals) process.removeListener(s, onSignal);
  };
}
