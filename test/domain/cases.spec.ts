import assert from "node:assert/strict";
import { answerTask, closeCase, decideCase, followedUpThrough, HISTORY_KEPT, type AbsenceCase } from "../../src/domain/cases";
import { taskDeadlines, DEFAULT_SETTINGS_DOCUMENT } from "../../src/domain/settings";
import type { Finding } from "../../src/domain/rules/finding";
import { calendar, rule } from "./rules/ruleKit";

const routine = { calendar, deadlines: taskDeadlines(DEFAULT_SETTINGS_DOCUMENT.municipality.routine), evaluationAfterSchoolDays: 10 };

function finding(step: number, ruleId = `step-${step}`): Finding {
  return {
    ruleId,
    kind: "count",
    step,
    from: "2026-10-26",
    to: "2026-11-20",
    value: 4,
    threshold: 4,
    inclusive: true,
    count: 4,
    unit: "events",
    kinds: ["day"],
    rule: rule({ id: ruleId, kind: "count", kinds: ["day"], min: 4, step }),
  };
}

const newCase = { caseId: "00000000-0000-4000-8000-000000000001", schoolId: "S1", pupilId: "P1", teacherIds: ["T1"], asOf: "2026-11-20", now: new Date("2026-11-21T04:30:00Z"), routine };

function opened(step: number): AbsenceCase {
  const decision = decideCase({ findings: [finding(step)], openCase: undefined, lastClosed: undefined, schoolDaysSinceClosed: undefined, cooldownSchoolDays: 10, newCase });
  assert.equal(decision.action, "open");
  return { ...decision.absenceCase, pendingNotices: [] };
}

describe("cases and the ladder", () => {
  it("opens one case at the highest step any rule started, and asks the contact teachers", () => {
    const decision = decideCase({ findings: [finding(1), finding(2)], openCase: undefined, lastClosed: undefined, schoolDaysSinceClosed: undefined, cooldownSchoolDays: 10, newCase });
    assert.equal(decision.action, "open");
    assert.equal(decision.absenceCase.step, 2);
    assert.equal(decision.absenceCase.current?.task, "meeting", "step 2 starts with the meeting");
    assert.deepEqual(decision.absenceCase.pendingNotices, [{ kind: "task", recipientId: "T1", serial: 1, deliverFrom: undefined }]);
  });

  it("does not nag when a rule fires again at the case's step or lower", () => {
    const open = opened(2);
    for (const step of [1, 2]) {
      const decision = decideCase({ findings: [finding(step)], openCase: open, lastClosed: undefined, schoolDaysSinceClosed: undefined, cooldownSchoolDays: 10, newCase });
      assert.equal(decision.action, "none");
    }
  });

  it("climbs when a higher step fires, keeping the earlier step and its answers", () => {
    const answered = answerTask(opened(1), { answers: { guardiansContacted: "yes" }, answeredBy: "T1", now: new Date("2026-11-23T10:00:00Z"), today: "2026-11-23", routine });
    const decision = decideCase({
      findings: [finding(1), finding(3)],
      openCase: answered,
      lastClosed: undefined,
      schoolDaysSinceClosed: undefined,
      cooldownSchoolDays: 10,
      newCase: { ...newCase, asOf: "2026-12-01" },
    });
    assert.equal(decision.action, "advance");
    const climbed = decision.absenceCase;
    assert.equal(climbed.step, 3);
    assert.equal(climbed.stage, "awaiting-answer");
    assert.equal(climbed.current?.task, "referral");
    assert.equal(climbed.current?.dueOn, "2026-12-08", "5 school days to record the referral");
    assert.deepEqual(climbed.done.map((task) => [task.task, task.answers?.guardiansContacted]), [["follow-up", "yes"]]);
    assert.deepEqual(climbed.pendingNotices, [{ kind: "task", recipientId: "T1", serial: 2, deliverFrom: undefined }]);
    assert.equal(followedUpThrough(climbed), "2026-11-23");
  });

  it("opens a new case after a closed one only when the cool-down has passed", () => {
    const closed = closeCase(opened(1), "improved", "2026-11-20");
    const during = decideCase({ findings: [finding(1)], openCase: undefined, lastClosed: closed, schoolDaysSinceClosed: 9, cooldownSchoolDays: 10, newCase });
    assert.equal(during.action, "cooling-down");
    const after = decideCase({ findings: [finding(1)], openCase: undefined, lastClosed: closed, schoolDaysSinceClosed: 10, cooldownSchoolDays: 10, newCase });
    assert.equal(after.action, "open");
  });

  it("does nothing without findings", () => {
    assert.equal(decideCase({ findings: [], openCase: undefined, lastClosed: undefined, schoolDaysSinceClosed: undefined, cooldownSchoolDays: 10, newCase }).action, "none");
  });
});

describe("a case's history is bounded", () => {
  it("keeps the latest tasks and the latest of each kind, and numbers new tasks after every earlier one", () => {
    let value = answerTask(opened(2), { answers: { meetingOn: "2026-11-23", measures: "Tett oppfølging", evaluationOn: "2026-12-07" }, answeredBy: "T1", now: new Date("2026-11-23T10:00:00Z"), today: "2026-11-23", routine });
    for (let cycle = 0; cycle < HISTORY_KEPT + 20; cycle += 1) {
      value = answerTask(value, { answers: { improved: "partly", decision: "continue", nextEvaluationOn: "2027-06-01" }, answeredBy: "T1", now: new Date("2026-12-07T10:00:00Z"), today: "2026-12-07", routine });
    }
    assert.equal(value.done.length, HISTORY_KEPT + 1, "the latest evaluations and the meeting");
    assert.equal(value.done[0]?.task, "meeting");
    assert.equal(value.current?.serial, HISTORY_KEPT + 22, "serials go on counting past what is kept");
    assert.equal(value.done.at(-1)?.serial, HISTORY_KEPT + 21);
  });
});
