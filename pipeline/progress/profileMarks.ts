/**
 * PIPELINE_PROFILE=1: a stopwatch for the steps of one operation outside DuckDB
 * (e.g. the Postgres sync). Each call prints the time since the previous one
 * (`[profile] export  123 ms  rows upserted`) to stderr; without the variable it
 * does nothing.
 */
export function profileMarks(what: string): (step: string) => void {
  if (process.env.PIPELINE_PROFILE !== '1') return () => {};
  let last = performance.now();
  return (step: string) => {
    const now = performance.now();
    process.stderr.write(`[profile] ${what} ${(now - last).toFixed(0).padStart(6)} ms  ${step}\n`);
    last = now;
  };
}
