import assert from "node:assert/strict";
import { advance, answerTask, openCase, remindOrEscalate, type AbsenceCase } from "../../src/domain/cases";
import type { Finding } from "../../src/domain/rules/finding";
import { DEFAULT_SETTINGS_DOCUMENT, taskDeadlines } from "../../src/domain/settings";
import { activeSnooze, snooze } from "../../src/domain/snooze";
import { calendar, rule } from "./rules/ruleKit";

const routine = { calendar, deadlines: taskDeadlines(DEFAULT_SETTINGS_DOCUMENT.municipality.routine), evaluationAfterSchoolDays: 10 };
const now = new Date("2026-11-23T09:00:00Z");

function finding(step: number): Finding {
  return { ruleId: `step-${step}`, kind: "count", step, from: "2026-10-26", to: "2026-11-20", value: 4, threshold: 4, inclusive: true, count: 4, unit: "events", kinds: ["day"], rule: rule({ id: `step-${step}`, kind: "count", kinds: ["day"], min: 4, step }) };
}

/** Opened on Friday 20 November at step 1, due Wednesday 25 November. */
function opened(): AbsenceCase {
  const absenceCase = openCase({ caseId: "00000000-0000-4000-8000-000000000001", schoolId: "S1", pupilId: "P1", findings: [finding(1)], teacherIds: ["T1"], asOf: "2026-11-20", now, routine });
  return { ...absenceCase, pendingNotices: [] };
}

function snoozed(until = "2026-12-02"): AbsenceCase {
  const result = snooze(opened(), { until, reason: "following-up", by: "T1", now, today: "2026-11-23", routine, deliverFrom: (date) => `${date}T07:00:00.000Z` });
  assert.ok(result.ok);
  return result.absenceCase;
}

const remind = (absenceCase: AbsenceCase, asOf: string, deliveryDay: string) =>
  remindOrEscalate(absenceCase, { asOf, deliveryDay, deliverFrom: `${deliveryDay}T07:00:00.000Z`, leaderIds: ["L1"], now, calendar });

describe("snooze: putting the current task off until a date", () => {
  it("moves the deadline to the day plus the task's deadline, and queues the card for that day", () => {
    const absenceCase = snoozed();
    assert.equal(absenceCase.current?.dueOn, "2026-12-07");
    assert.deepEqual(absenceCase.pendingNotices, [{ kind: "snooze-ended", recipientId: "T1", serial: 1, deliverFrom: "2026-12-02T07:00:00.000Z" }]);
    assert.ok(activeSnooze(absenceCase, "2026-12-01"));
    assert.equal(activeSnooze(absenceCase, "2026-12-02"), undefined, "over on the day");
  });

  it("accepts a date after today and within the period only, and puts a task off once", () => {
    const check = (until: string, reason = "other") => {
      const result = snooze(opened(), { until, reason, by: "T1", now, today: "2026-11-23", routine });
      return result.ok ? "ok" : result.problems.map((problem) => problem.problem).join(",");
    };
    assert.equal(check("2026-11-23"), "not-after-today");
    assert.equal(check("2026-12-07"), "ok", "the tenth school day");
    assert.equal(check("2026-12-08"), "beyond-period");
    assert.equal(check("2026-02-30"), "invalid-date");
    assert.equal(check("2026-11-30", "holiday"), "invalid-option");
    const again = snooze(snoozed(), { until: "2026-12-03", reason: "other", by: "T1", now, today: "2026-11-24", routine });
    assert.deepEqual(again.ok ? [] : again.problems, [{ field: "task", problem: "already-snoozed" }]);
  });

  it("keeps reminders and escalation quiet until the day, which counts as the gentle reminder", () => {
    const absenceCase = snoozed();
    for (const [asOf, deliveryDay] of [["2026-11-24", "2026-11-25"], ["2026-11-26", "2026-11-27"], ["2026-11-30", "2026-12-01"], ["2026-12-01", "2026-12-02"]]) {
      assert.equal(remind(absenceCase, asOf as string, deliveryDay as string), absenceCase, `judged ${asOf}`);
    }
    assert.equal(remind(absenceCase, "2026-12-04", "2026-12-07").pendingNotices.at(-1)?.kind, "last-reminder");
    assert.ok(remind(absenceCase, "2026-12-07", "2026-12-08").current?.escalatedAt);
  });

  it("wakes early when a higher step fires, and ends when the task is answered", () => {
    const climbed = advance(snoozed(), { findings: [finding(2)], teacherIds: ["T1"], asOf: "2026-11-25", routine });
    assert.deepEqual(climbed.snoozed?.woken, { on: "2026-11-25", step: 2, why: "higher-step" });
    assert.equal(climbed.current?.serial, 2);
    assert.equal(activeSnooze(climbed, "2026-11-26"), undefined);
    const answered = answerTask(snoozed(), { answers: { documented: "yes" }, answeredBy: "T1", now, today: "2026-11-24", routine });
    assert.equal(answered.snoozed, undefined);
  });
});
