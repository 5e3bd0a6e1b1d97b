import assert from "node:assert/strict";
import sinon from "sinon";
import { missedRun, scheduleNightly } from "../../src/jobs/scheduler";
import { silentLogger } from "../../src/log";

describe("the nightly schedule", () => {
  let clock: sinon.SinonFakeTimers;

  afterEach(() => clock.restore());

  it("starts the run at the cron time in the organisation's time zone, not the server's", async () => {
    // 04:29:50 UTC is 05:29:50 in Oslo in November (CET, UTC+1).
    clock = sinon.useFakeTimers({ now: new Date("2026-11-23T04:29:50Z"), shouldAdvanceTime: false });
    const runs: string[] = [];
    const schedule = scheduleNightly({
      expression: "30 5 * * *",
      timeZone: "Europe/Oslo",
      logger: silentLogger,
      run: async () => {
        runs.push(new Date().toISOString());
      },
    });
    try {
      await clock.tickAsync(5_000);
      assert.equal(runs.length, 0, "not before 05:30 Oslo time");
      await clock.tickAsync(10_000);
      assert.equal(runs.length, 1);
      assert.ok(runs[0]?.startsWith("2026-11-23T04:30:0"), `ran at ${runs[0]}`);
      await clock.tickAsync(60 * 60 * 1000);
      assert.equal(runs.length, 1, "once a day");
    } finally {
      schedule.stop();
    }
  });

  it("refuses a schedule that is not a cron expression", () => {
    clock = sinon.useFakeTimers();
    assert.throws(() => scheduleNightly({ expression: "every night", timeZone: "Europe/Oslo", logger: silentLogger, run: async () => {} }), /not a cron expression/);
  });

  it("moves with summer time: the run after Friday 26 March 2027 is Monday at 07:00 Oslo, which is 05:00 UTC, not 06:00", async () => {
    clock = sinon.useFakeTimers({ now: new Date("2027-03-26T08:00:00Z"), shouldAdvanceTime: false });
    const schedule = scheduleNightly({ expression: "0 7 * * 1-5", timeZone: "Europe/Oslo", logger: silentLogger, run: async () => {} });
    try {
      assert.equal(schedule.nextRun()?.toISOString(), "2027-03-29T05:00:00.000Z");
    } finally {
      schedule.stop();
    }
  });

  it("catches up a run missed while the bot was stopped, once, unless the schedule runs it within the hour", () => {
    clock = sinon.useFakeTimers();
    const friday = new Date("2027-03-26T06:00:00Z");
    const monday = new Date("2027-03-29T07:30:00Z");
    const tuesday = new Date("2027-03-30T05:00:00Z");
    assert.equal(missedRun({ lastStartedAt: friday, now: monday, nextRun: tuesday }), true, "Monday's run was missed");
    assert.equal(missedRun({ lastStartedAt: monday, now: new Date("2027-03-29T08:00:00Z"), nextRun: tuesday }), false, "caught up: not again");
    assert.equal(missedRun({ lastStartedAt: friday, now: new Date("2027-03-29T04:30:00Z"), nextRun: new Date("2027-03-29T05:00:00Z") }), false, "the schedule is about to run it");
    assert.equal(missedRun({ lastStartedAt: undefined, now: monday, nextRun: tuesday }), true, "never run: run now");
  });
});
