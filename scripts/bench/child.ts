import { fork } from "node:child_process";
import { extname, join } from "node:path";
import type { BenchData } from "./generate";

/** One measurement, run in a process of its own so that its peak memory is its alone. */
export type ChildTask =
  | { kind: "import"; data: BenchData; file: "whole" | "delta" }
  | { kind: "csv-parse"; path: string }
  | { kind: "evaluate"; data: BenchData }
  | { kind: "duckdb"; data: BenchData };

export type ChildAnswer<T> = { result: T; peakRssMb: number } | { error: string };

/** The peak resident memory of this process so far, in MB (maxRSS is in kilobytes). */
export function peakRssMb(): number {
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}

/** Runs a task in a forked worker process and returns its result and the worker's peak memory. */
export function inChild<T>(task: ChildTask): Promise<{ result: T; peakRssMb: number }> {
  // Compiled, the worker is worker.js next to this file; run from source, worker.ts.
  const worker = fork(join(__dirname, `worker${extname(__filename)}`), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  return new Promise((resolve, reject) => {
    let answer: ChildAnswer<T> | undefined;
    worker.on("message", (message: ChildAnswer<T>) => (answer = message));
    worker.on("error", reject);
    worker.on("exit", (code) => {
      if (answer && "result" in answer) resolve(answer);
      else reject(new Error(`the ${task.kind} worker failed: ${answer && "error" in answer ? answer.error : `exit code ${code}`}`));
    });
    worker.send(task);
  });
}
