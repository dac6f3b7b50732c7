import type { ChildProcess } from 'node:child_process';

/** The guard's killNow for a server this process spawned. */
export function killChildNow(child: ChildProcess | undefined): void {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
}

/** Asks a postmaster for a fast shutdown (SIGINT) and waits for it to exit; SIGQUIT (immediate) after timeoutMs. */
export async function stopServerProcess(child: ChildProcess | undefined, timeoutMs = 20_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGQUIT'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGINT');
  });
}

export interface ExitGuardOptions {
  /** Asks the server for a fast shutdown, synchronously (all an 'exit' handler can do). */
  killNow: () => void;
  /** Stops the server and waits for it. */
  stop: () => Promise<void>;
  /** Synchronous clean-up that must happen on any exit (e.g. removing a temporary password file). */
  cleanup?: () => void;
  /** SIGINT/SIGTERM: stop the server, then exit 130/143. Off for callers that handle signals themselves (watch). */
  signals: boolean;
  onSignal?: (signal: NodeJS.Signals) => void;
}

const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/**
 * While this process runs a server it started, no exit path leaves it running:
 * on SIGINT/SIGTERM/SIGHUP it is stopped and the process exits 128+signal; on
 * any other exit (process.exit, an uncaught error) it is sent SIGINT (a fast
 * shutdown it completes on its own). Returns the function that removes the guard.
 */
export function guardServerOnExit(options: ExitGuardOptions): () => void {
  let signalled = false;
  const onExit = () => {
    options.cleanup?.();
    options.killNow();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) return; // a second Ctrl-C while stopping: keep stopping
    signalled = true;
    options.onSignal?.(signal);
    void options.stop().catch(() => undefined).finally(() => {
      options.cleanup?.();
      process.exit(SIGNAL_EXIT[signal] ?? 1);
    });
  };
  const signals = options.signals ? (Object.keys(SIGNAL_EXIT) as NodeJS.Signals[]) : [];
  process.on('exit', onExit);
  for (const s of signals) process.on(s, onSignal);
  return () => {
    process.removeListener('exit', onExit);
    for (const s of signals) process.removeListener(s, onSignal);
  };
}
