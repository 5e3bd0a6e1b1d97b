import { addDays, dateInZone } from "../domain/dates";
import type { Organisation } from "../domain/organisation";
import { causeOf, errorKind } from "./runFailure";
import { emptySummary, queueForCoordinators, runNightly, type NightlyDependencies, type NightlyInput, type NightlySummary, type RunFailure, type RunWatch } from "./nightly";

/** After the run is told to stop, how long it may take to reach its next step and clean up after itself. */
export const STOP_GRACE_MS = 5_000;
/** Recording the failure and telling the coordinators must end too (a storage that stops answering). */
const REPORT_WITHIN_MS = 30_000;

/** Runs given up on whose step has not returned yet: a process that stops with one cannot wait for it. */
let leftBehind = 0;

/** How many runs of this process were given up on while a step of theirs still had not returned. */
export function runsLeftBehind(): number {
  return leftBehind;
}

type Ending = { kind: "done"; summary: NightlySummary } | { kind: "threw"; error: unknown } | { kind: "deadline" } | { kind: "stopped" };

/**
 * The nightly run with a deadline: a run past it, one that throws, or one stopped with the process, is stopped
 * between its steps, recorded as failed, and (but for a stop, which the next start runs again) reported to the
 * coordinators. It always ends: a step that never returns is left behind once the grace after the stop has passed,
 * so the schedule's next run is never held up. Returns the run's summary; a failed run's has `failure`.
 */
export async function runNightlyWithin(deps: NightlyDependencies, input: NightlyInput, options: { deadlineMs: number; stop?: AbortSignal | undefined }): Promise<NightlySummary> {
  const { logger } = deps;
  const startedAt = deps.clock.now();
  const controller = new AbortController();
  const watch: RunWatch = { signal: controller.signal, step: "start", deadlineMs: options.deadlineMs };
  const run = runNightly(deps, { ...input, watch });
  const ending = await first(run, options.deadlineMs, options.stop);
  if (ending.kind === "done") return ending.summary;

  let code: RunFailure["code"] = "error";
  let reason = ending.kind === "threw" ? errorKind(ending.error) : "";
  if (ending.kind !== "threw") {
    code = ending.kind;
    const minutes = Math.round((options.deadlineMs / 60_000) * 100) / 100;
    reason = ending.kind === "deadline" ? `not finished within its deadline of ${minutes} minutes` : "the process is stopping";
    controller.abort(new Error(reason));
    // A run that ends within the grace has cleaned up after itself; one that does not is left behind.
    const settled = await first(run, STOP_GRACE_MS, undefined);
    if (settled.kind === "done") return settled.summary;
    if (settled.kind === "deadline") {
      leftBehind += 1;
      void run.then(() => undefined, () => undefined).finally(() => (leftBehind -= 1));
    }
  }
  controller.abort(new Error(reason));
  const failure: RunFailure = {
    code,
    step: watch.step,
    reason,
    ...(code === "deadline" ? { minutes: options.deadlineMs / 60_000 } : {}),
    ...(ending.kind === "threw" ? { cause: causeOf(ending.error) } : {}),
  };
  logger.error({ code, step: watch.step, err: { message: ending.kind === "threw" ? errorText(ending.error) : reason } }, "nightly run failed");
  const summary: NightlySummary = { ...(watch.summary ?? emptySummary(input.dryRun ?? false)), ok: false, failure };
  if (input.dryRun) return summary;
  await bounded(recordFailure(deps, input, summary, startedAt, watch.organisation), code === "stopped" ? STOP_GRACE_MS : REPORT_WITHIN_MS).catch((error: unknown) =>
    logger.error({ err: { message: errorText(error) } }, "the failed nightly run could not be recorded or reported"),
  );
  return summary;
}

/** Keeps the failed run as the latest, and (unless the process is stopping) tells the coordinators once a day. */
async function recordFailure(deps: NightlyDependencies, input: NightlyInput, summary: NightlySummary, startedAt: Date, read: Organisation | undefined): Promise<void> {
  const { store, clock } = deps;
  const organisation = read ?? (await store.organisation.get());
  const timeZone = organisation?.timeZone ?? "Europe/Oslo";
  const asOf = summary.asOf ?? input.asOf ?? addDays(dateInZone(clock.now(), timeZone), -1);
  await store.runs.record({ startedAt: startedAt.toISOString(), finishedAt: clock.now().toISOString(), asOf, summary: { ...summary } });
  const failure = summary.failure;
  if (!failure || failure.code === "stopped") return;
  // One message a day for the same failure, however often it is tried again.
  const subject = `run-failed:${dateInZone(clock.now(), timeZone)}:${failure.code}:${failure.step}`;
  await queueForCoordinators(deps, organisation, { kind: "coordinator-alert", subject });
}

/** What ends first: the run, its deadline, or the process stopping. */
function first(run: Promise<NightlySummary>, ms: number, stop: AbortSignal | undefined): Promise<Ending> {
  return new Promise<Ending>((resolve) => {
    const end = (ending: Ending) => {
      clearTimeout(timer);
      stop?.removeEventListener("abort", onStop);
      resolve(ending);
    };
    const onStop = () => end({ kind: "stopped" });
    const timer = setTimeout(() => end({ kind: "deadline" }), ms);
    if (stop?.aborted) onStop();
    stop?.addEventListener("abort", onStop, { once: true });
    run.then(
      (summary) => end({ kind: "done", summary }),
      (error: unknown) => end({ kind: "threw", error }),
    );
  });
}

function bounded<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 300);
}
