/** Times are the median of this many runs: one run of 100 000 pupils is short enough to be thrown off by a GC. */
export const RUNS = 3;

/** Runs `work` RUNS times and returns the median time, in seconds, with that run's result. */
export async function medianSeconds<T>(work: () => Promise<T> | T): Promise<{ seconds: number; result: T }> {
  const runs: { seconds: number; result: T }[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const started = performance.now();
    const result = await work();
    runs.push({ seconds: (performance.now() - started) / 1000, result });
  }
  return runs.sort((a, b) => a.seconds - b.seconds)[Math.floor(RUNS / 2)] as { seconds: number; result: T };
}
