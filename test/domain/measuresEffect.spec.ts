import assert from "node:assert/strict";
import { attendanceBars, measuresEffect } from "../../src/domain/measuresEffect";
import { calendar } from "./rules/ruleKit";

describe("the effect of the measures", () => {
  // Measures started Monday 16 November; judged at the evaluation on Friday 27 November (10 school days since).
  const absentDays = new Set(["2026-11-10", "2026-11-11", "2026-11-12", "2026-11-13", "2026-11-24"]);

  it("compares attendance since the measures started with as many school days before", () => {
    const effect = measuresEffect({ calendar, since: "2026-11-16", until: "2026-11-27", absentDays });
    assert.deepEqual(effect.before, { schoolDays: 10, absentDays: 4, absentPercent: 40, presentPercent: 60 });
    assert.deepEqual(effect.after, { schoolDays: 10, absentDays: 1, absentPercent: 10, presentPercent: 90 });
    assert.deepEqual(
      effect.weeks.map((week) => [week.monday, week.presentPercent, week.sinceMeasures]),
      [["2026-11-02", 100, false], ["2026-11-09", 20, false], ["2026-11-16", 100, true], ["2026-11-23", 80, true]],
    );
  });

  it("draws a bar a week, oldest first, higher for better attendance, with | where the measures started", () => {
    const effect = measuresEffect({ calendar, since: "2026-11-16", until: "2026-11-27", absentDays });
    assert.equal(attendanceBars(effect.weeks), "█▂|█▇");
  });

  it("splits the week the measures started in, and leaves out days before the pupil's enrolment", () => {
    const effect = measuresEffect({ calendar, since: "2026-11-18", until: "2026-11-20", absentDays: new Set(["2026-11-16", "2026-11-17"]), enrolledFrom: "2026-11-12" });
    assert.deepEqual(effect.before, { schoolDays: 4, absentDays: 2, absentPercent: 50, presentPercent: 50 }, "12 November to 17 November");
    assert.deepEqual(effect.weeks.map((week) => [week.monday, week.schoolDays, week.sinceMeasures]), [["2026-11-09", 2, false], ["2026-11-16", 2, false], ["2026-11-16", 3, true]]);
    assert.equal(attendanceBars(effect.weeks), "█▁|█");
  });
});
