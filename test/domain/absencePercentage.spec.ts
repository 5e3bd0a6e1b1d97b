import assert from "node:assert/strict";
import type { PupilDay } from "../../src/domain/absence";
import { SchoolCalendar } from "../../src/domain/calendar";
import { evaluateAbsencePercentage } from "../../src/domain/rules/absencePercentage";
import { DEFAULT_SETTINGS } from "../../src/domain/settings";

const calendar = new SchoolCalendar({
  schoolYear: { from: "2026-08-17", to: "2027-06-18" },
  closed: [{ from: "2026-10-05", to: "2026-10-09", name: "Høstferie" }],
});
const rule = DEFAULT_SETTINGS.rules.absencePercentage;

const absentOn = (...dates: string[]): PupilDay[] =>
  dates.map((date) => ({ pupilId: "P", date, events: [{ kind: "day", documented: "no" }] }));

describe("the absence percentage rule (defaults: 10 % of the last 20 school days)", () => {
  it("does not fire just below the threshold (1 of 20 days, 5 %)", () => {
    assert.equal(evaluateAbsencePercentage({ rule, calendar, asOf: "2026-11-20", days: absentOn("2026-11-19") }), undefined);
  });

  it("fires at the threshold (2 of 20 days, 10 %) and explains itself in numbers", () => {
    const finding = evaluateAbsencePercentage({ rule, calendar, asOf: "2026-11-20", days: absentOn("2026-10-26", "2026-11-19") });
    assert.deepEqual(finding, {
      ruleId: "absence-percentage",
      step: 1,
      daysAbsent: 2,
      schoolDays: 20,
      percent: 10,
      from: "2026-10-26",
      to: "2026-11-20",
      thresholdPercent: 10,
      windowSchoolDays: 20,
    });
  });

  it("fires above the threshold, also for a pupil absent every day", () => {
    const everyDay = calendar.lastSchoolDays("2026-11-20", 20);
    const finding = evaluateAbsencePercentage({ rule, calendar, asOf: "2026-11-20", days: absentOn(...everyDay) });
    assert.equal(finding?.percent, 100);
  });

  it("does not count absence outside the window, lessons or late arrivals", () => {
    const days: PupilDay[] = [
      ...absentOn("2026-10-23", "2026-11-19"),
      { pupilId: "P", date: "2026-11-18", events: [{ kind: "lesson", documented: "no", lesson: 2 }, { kind: "late", documented: "no", minutes: 10 }] },
    ];
    assert.equal(evaluateAbsencePercentage({ rule, calendar, asOf: "2026-11-20", days }), undefined);
  });

  it("skips the autumn break: the window reaches back past it", () => {
    const finding = evaluateAbsencePercentage({ rule, calendar, asOf: "2026-10-16", days: absentOn("2026-09-21", "2026-10-16") });
    assert.equal(finding?.from, "2026-09-14", "20 school days back from 16 October, with 5–9 October closed, start on 14 September");
    assert.equal(finding?.schoolDays, 20);
  });

  it("counts only the school days since enrolment", () => {
    const finding = evaluateAbsencePercentage({ rule, calendar, asOf: "2026-11-20", days: absentOn("2026-11-17"), enrolledFrom: "2026-11-16" });
    assert.equal(finding?.schoolDays, 5);
    assert.equal(finding?.percent, 20);
  });

  it("follows the settings for the threshold and the window", () => {
    const strict = { ...rule, minPercent: 5, windowSchoolDays: 10 };
    const finding = evaluateAbsencePercentage({ rule: strict, calendar, asOf: "2026-11-20", days: absentOn("2026-11-19") });
    assert.equal(finding?.percent, 10);
    assert.equal(finding?.schoolDays, 10);
    assert.equal(evaluateAbsencePercentage({ rule: { ...rule, enabled: false }, calendar, asOf: "2026-11-20", days: absentOn("2026-11-19", "2026-11-20") }), undefined);
  });
});
