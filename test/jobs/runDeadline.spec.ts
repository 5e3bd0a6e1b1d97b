import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { closeSync, constants, openSync } from "node:fs";
import { join } from "node:path";
import sinon from "sinon";
import type { Clock } from "../../src/clock";
import { translator } from "../../src/i18n";
import type { NightlyInput } from "../../src/jobs/nightly";
import { runNightlyWithin } from "../../src/jobs/runDeadline";
import { silentLogger } from "../../src/log";
import { openStore, type Store } from "../../src/store";
import { TEST_WORK_DIR } from "../harness/bot";
import { startBotProcess, until, type BotProcess } from "../harness/botProcess";
import { COORDINATOR, writeMunicipality } from "../harness/municipality";
import { azuriteConnectionString } from "../harness/rootHooks";
import { freshStore } from "../harness/store";

/** Monday 23 November 2026, 07:00 in Oslo: the scheduled run judging Friday 20 November. */
const clock: Clock = { now: () => new Date("2026-11-23T06:00:00Z") };
const MINUTE = 60_000;

/** A step that does not return until the test lets it (a storage call that hangs). */
function hang(): { promise: Promise<void>; release(): void } {
  let release = () => {};
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

describe("a nightly run that does not end well", function () {
  this.timeout(60_000);
  let store: Store;
  let input: NightlyInput;
  const within = (options: { deadlineMs: number; stop?: AbortSignal }, extra: Partial<NightlyInput> = {}) =>
    runNightlyWithin({ store, clock, logger: silentLogger, t: translator("nb") }, { ...input, ...extra }, options);
  const failureAlerts = async () => (await store.outbox.list()).filter((message) => message.kind === "coordinator-alert" && message.subject.startsWith("run-failed:"));

  beforeEach(async () => {
    store = await freshStore();
    const files = await writeMunicipality();
    input = { feedPath: files.feed, rosterPath: files.roster, organisationPath: files.organisation, asOf: "2026-11-20", workDir: TEST_WORK_DIR, oncePerNight: true };
  });

  afterEach(() => sinon.restore());

  it("is stopped at its deadline when a step hangs, recorded as failed with the step it hung in, gives the lease back, and the next run runs", async () => {
    const stuck = hang();
    const save = store.organisation.save.bind(store.organisation);
    const hanging = sinon.stub(store.organisation, "save").callsFake(async (organisation) => {
      await stuck.promise;
      return save(organisation);
    });

    // Long enough for a busy machine to read the files and reach the hanging step.
    const failed = await within({ deadlineMs: 3_000 });
    assert.equal(failed.ok, false);
    assert.equal(failed.failure?.code, "deadline");
    assert.equal(failed.failure?.step, "import", "it hung storing the night's data");
    const recorded = await store.runs.latest();
    assert.equal((recorded?.summary.failure as { code: string } | undefined)?.code, "deadline", "recorded as failed");
    assert.equal(recorded?.asOf, "2026-11-20");
    const alerts = await failureAlerts();
    assert.deepEqual(alerts.map((alert) => [alert.recipientId, alert.subject]), [[COORDINATOR.aadObjectId, "run-failed:2026-11-23:deadline:import"]], "the coordinators are told once");

    hanging.restore();
    const next = await within({ deadlineMs: 10 * MINUTE });
    assert.equal(next.skipped, undefined, "the lease was given back: the next run is not refused, nor taken for tonight's finished run");
    assert.equal(next.ok, true);
    assert.equal(next.accepted, 7);
    assert.ok((await store.cases.listSchool("S1")).length > 0);
    assert.equal((await store.runs.latest())?.summary.failure, undefined, "the good run is the latest");

    // The hung step returns at last: the stopped run goes no further than its next step.
    stuck.release();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await failureAlerts()).length, 1);
  });

  it("that fails the same way again the same day tells the coordinators once", async () => {
    sinon.stub(store.pupils, "saveAll").rejects(Object.assign(new Error("the storage refused the write"), { name: "RestError", statusCode: 400 }));
    const first = await within({ deadlineMs: 10 * MINUTE });
    const second = await within({ deadlineMs: 10 * MINUTE });
    assert.equal(first.failure?.code, "error");
    assert.equal(second.failure?.code, "error", "a failed run is run again, not taken for tonight's finished run");
    assert.deepEqual((await failureAlerts()).map((alert) => alert.subject), ["run-failed:2026-11-23:error:import"]);
  });

  it("that throws part-way is recorded as failed, with the step, and the coordinators are told", async () => {
    sinon.stub(store.pupils, "saveAll").rejects(Object.assign(new Error("the storage refused the write"), { name: "RestError", statusCode: 400 }));
    const failed = await within({ deadlineMs: 10 * MINUTE });
    // The error's kind is kept, not its message, which could quote what is stored about a pupil.
    assert.deepEqual(failed.failure, { code: "error", cause: "storage", step: "import", reason: "RestError 400" });
    const recorded = await store.runs.latest();
    assert.deepEqual(recorded?.summary.failure, failed.failure);
    assert.equal(recorded?.summary.ok, false);
    assert.equal((await failureAlerts()).length, 1);
  });

  it("stopped with the process is recorded as stopped and told to nobody: the next start runs it again", async () => {
    const stuck = hang();
    sinon.stub(store.organisation, "save").callsFake(() => stuck.promise);
    const stop = new AbortController();
    const running = within({ deadlineMs: 10 * MINUTE, stop: stop.signal });
    await new Promise((resolve) => setTimeout(resolve, 200));
    stop.abort();
    const stopped = await running;
    assert.equal(stopped.failure?.code, "stopped");
    assert.equal(((await store.runs.latest())?.summary.failure as { code: string } | undefined)?.code, "stopped");
    assert.equal((await failureAlerts()).length, 0);
    stuck.release();
  });

  it("marks the feed processed only once its run is recorded: a failure at the record step reads the same feed again, with nothing twice and no false alarm of a missing feed", async () => {
    const record = store.runs.record.bind(store.runs);
    sinon.stub(store.runs, "record").onFirstCall().rejects(new Error("the storage went away")).callsFake(record);
    const failed = await within({ deadlineMs: 10 * MINUTE });
    assert.equal(failed.failure?.step, "record");
    const casesAfterFirst = (await store.cases.listSchool("S1")).length;
    const tasksAfterFirst = (await store.outbox.list()).filter((message) => message.kind === "task").length;
    assert.ok(casesAfterFirst > 0 && tasksAfterFirst > 0);

    sinon.restore();
    const again = await within({ deadlineMs: 10 * MINUTE });
    assert.equal(again.ok, true);
    assert.equal(again.feedAlarm, undefined, "the feed was not taken for one processed before");
    assert.equal(again.rows, 7, "the same feed is read again");
    assert.equal(again.unchangedDays, 7, "its days are as stored: nothing changes");
    assert.equal((await store.cases.listSchool("S1")).length, casesAfterFirst, "no case twice");
    const tasks = (await store.outbox.list()).filter((message) => message.kind === "task");
    assert.equal(tasks.length, tasksAfterFirst, "no message twice");

    // Now the feed is remembered: the same file another night is a missing feed, as before.
    const later = await within({ deadlineMs: 10 * MINUTE }, { asOf: "2026-11-23", oncePerNight: false });
    assert.deepEqual(later.feedAlarm, { kind: "missing" });
  });
});

describe("the bot process with a nightly run whose feed never delivers (a named pipe nobody writes to)", function () {
  this.timeout(120_000);
  const bots: BotProcess[] = [];
  const writers: number[] = [];

  afterEach(async () => {
    for (const bot of bots.splice(0)) await bot.kill();
    for (const fd of writers.splice(0)) closeSync(fd);
  });

  async function start(env: Record<string, string>): Promise<{ bot: BotProcess; store: Store; fifo: string }> {
    const prefix = `hang${Date.now().toString(36)}`;
    const store = await openStore({ connectionString: azuriteConnectionString(), tablePrefix: prefix });
    const files = await writeMunicipality();
    const fifo = join(files.folder, "feed-pipe.csv");
    execFileSync("mkfifo", [fifo]);
    const bot = await startBotProcess(prefix, { ORGANISATION_FILE: files.organisation, ROSTER_FILE: files.roster, FEED_FILE: fifo, ...env });
    bots.push(bot);
    return { bot, store, fifo };
  }

  it("stops the run past its deadline, records it as failed, tells the coordinators, says so on /healthz, and runs the next scheduled run", async () => {
    const { bot, store } = await start({ NIGHTLY_DEADLINE_MINUTES: "0.05", NIGHTLY_SCHEDULE: "*/2 * * * * *", LOG_LEVEL: "error" });
    await until(() => bot.logged("nightly run failed").length >= 2, "two scheduled runs to fail at their deadline", 90_000);
    assert.ok(bot.logged("nightly run failed").every((line) => line.code === "deadline" && line.step === "feed"));
    const latest = await store.runs.latest();
    assert.deepEqual(latest?.summary.failure, { code: "deadline", step: "feed", minutes: 0.05, reason: "not finished within its deadline of 0.05 minutes" });
    const alerts = (await store.outbox.list()).filter((message) => message.subject.startsWith("run-failed:"));
    assert.deepEqual(alerts.map((alert) => [alert.kind, alert.recipientId]), [["coordinator-alert", COORDINATOR.aadObjectId]], "once, however many runs fail the same way that day");
    assert.match(alerts[0]?.subject ?? "", /^run-failed:\d{4}-\d{2}-\d{2}:deadline:feed$/);
    const health = await fetch(`${bot.url}/healthz`);
    const body = (await health.json()) as { status: string; nightly: string; lastNightlyRun: { outcome: string } };
    assert.deepEqual([health.status, body.status, body.nightly, body.lastNightlyRun.outcome], [200, "degraded", "failed", "failed"]);
  });

  it("ends on SIGTERM while the run hangs reading the feed: the run is recorded as stopped, and the process is gone", async () => {
    const { bot, store, fifo } = await start({ NIGHTLY_SCHEDULE: "0 3 1 1 *" });
    // A writer that writes nothing: opening it succeeds once the bot's run is reading the pipe, which then waits for ever.
    await until(() => {
      try {
        writers.push(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
        return true;
      } catch {
        return false;
      }
    }, "the caught-up run to read the feed", 60_000);
    await bot.stop();
    assert.ok(bot.process.exitCode !== null || bot.process.signalCode !== null, "the process is gone");
    const latest = await store.runs.latest();
    assert.equal((latest?.summary.failure as { code: string; step: string } | undefined)?.code, "stopped");
    assert.equal((latest?.summary.failure as { code: string; step: string } | undefined)?.step, "feed");
  });
});
