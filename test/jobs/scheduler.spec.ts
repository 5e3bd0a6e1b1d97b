import assert from "node:assert/strict";
import sinon from "sinon";
import { scheduleNightly } from "../../src/jobs/scheduler";
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
});
