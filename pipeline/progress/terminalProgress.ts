import { NO_PROGRESS, type ProgressReporter, type ProgressStage, type ProgressUnit } from './ProgressReporter.js';
import { renderProgressLine } from './renderProgressLine.js';

/** The bit of a tty.WriteStream progress needs (a fake one in tests). */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface TerminalProgressOptions {
  /** Show nothing until the reporter is this old (watch: only batches longer than ~2 s). Default 0. */
  showAfterMs?: number;
  /** Redraw interval; at most ~10 redraws a second. Default 100 ms. */
  intervalMs?: number;
}

interface Running {
  name: string;
  unit: ProgressUnit;
  total?: number;
  done: number;
  started: number;
}

/** Moves to the start of the first of `lines` drawn lines and clears to the end of the screen. */
function eraseSequence(lines: number): string {
  return `\r${lines > 1 ? `\x1b[${lines - 1}A` : ''}\x1b[J`;
}

/**
 * Progress bars on a terminal: one line per running stage, with rate and ETA,
 * redrawn at most every intervalMs and erased once the last stage ends (so the
 * report that follows starts on a clean line). Not a terminal: NO_PROGRESS,
 * nothing is ever written.
 */
export function terminalProgress(stream: ProgressStream, options: TerminalProgressOptions = {}): ProgressReporter {
  if (!stream.isTTY) return NO_PROGRESS;
  const created = Date.now();
  const showAfter = options.showAfterMs ?? 0;
  const running = new Set<Running>();
  let drawn = 0; // lines on screen now
  let timer: NodeJS.Timeout | undefined;

  const draw = () => {
    const now = Date.now();
    if (now - created < showAfter) return;
    const width = stream.columns || 80; // a pseudo-terminal may report 0
    const lines = [...running].map((s) =>
      renderProgressLine({ name: s.name, unit: s.unit, done: s.done, total: s.total, elapsed: (now - s.started) / 1000 }, width),
    );
    stream.write(`${drawn > 0 ? eraseSequence(drawn) : ''}${lines.join('\n')}`);
    drawn = lines.length;
  };

  const finish = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    if (drawn > 0) stream.write(eraseSequence(drawn));
    drawn = 0;
  };

  return {
    enabled: true,
    stage(name: string, total?: number, unit: ProgressUnit = 'percent'): ProgressStage {
      const s: Running = { name, unit, total, done: 0, started: Date.now() };
      running.add(s);
      if (!timer) {
        timer = setInterval(draw, options.intervalMs ?? 100);
        timer.unref();
      }
      return {
        update(done: number) {
          s.done = done;
        },
        end() {
          if (!running.delete(s)) return;
          if (running.size === 0) finish();
        },
      };
    },
  };
}
