import assert from "node:assert/strict";
import { decideCase, type AbsenceCase } from "../../src/domain/cases";
import type { Finding } from "../../src/domain/rules/finding";
import { taskDeadlines, DEFAULT_SETTINGS_DOCUMENT } from "../../src/domain/settings";
import { severityOf, sortBySeverity } from "../../src/domain/severity";
import { explainSeverity } from "../../src/i18n/explain";
import { calendar, rule } from "./rules/ruleKit";

const routine = { calendar, deadlines: taskDeadlines(DEFAULT_SETTINGS_DOCUMENT.municipality.routine), evaluationAfterSchoolDays: 10 };

function percent(value: number, step = 1): Finding {
  return {
    ruleId: step === 1 ? "days-percent" : "days-percent-high",
    kind: "percentage",
    step,
    from: "2026-10-26",
    to: "2026-11-20",
    value,
    threshold: step === 1 ? 10 : 25,
    inclusive: true,
    count: Math.round(value / 5),
    denominator: 20,
    unit: "days",
    kinds: ["day"],
    rule: rule({ id: "days-percent", kind: "percentage", unit: "days", minPercent: 10, step }),
  };
}

function streak(days: number): Finding {
  return { ...percent(0), ruleId: "days-in-a-row", kind: "consecutive", value: days, count: days, denominator: undefined, rule: rule({ id: "days-in-a-row", kind: "consecutive", minDays: 5, step: 1 }) };
}

function rising(): Finding {
  return { ...percent(0), ruleId: "rising", kind: "trend", value: 3, previousPercent: 10, rule: rule({ id: "rising", kind: "trend", schoolDays: 10, factor: 2, floorPercent: 10, step: 1 }) };
}

function caseWith(findings: Finding[], caseId = "00000000-0000-4000-8000-000000000001"): AbsenceCase {
  const decision = decideCase({
    findings,
    openCase: undefined,
    lastClosed: undefined,
    schoolDaysSinceClosed: undefined,
    cooldownSchoolDays: 10,
    newCase: { caseId, schoolId: "S1", pupilId: caseId.slice(-2), teacherIds: ["T1"], asOf: "2026-11-20", now: new Date("2026-11-21T04:30:00Z"), routine },
  });
  assert.equal(decision.action, "open");
  return decision.absenceCase;
}

const today = "2026-11-23";

describe("the severity of a case", () => {
  it("is high for 35 % of the last four weeks, rising, six days in a row, and says so in one line", () => {
    const severity = severityOf(caseWith([percent(35), rising(), streak(6)]), { today, calendar });
    assert.equal(severity.level, "high");
    assert.equal(explainSeverity(severity, "nb"), "Høy: 35 % siste 4 uker, økende, 6 dager på rad");
    assert.equal(explainSeverity(severity, "en"), "High: 35 % in the last 4 weeks, rising, 6 days in a row");
    assert.equal(explainSeverity(severity, "nn"), "Høg: 35 % siste 4 veker, aukande, 6 dagar på rad");
  });

  it("is low for a first step at the threshold, and rises as the answer gets overdue and the case is escalated", () => {
    const fresh = caseWith([percent(10)]);
    assert.equal(severityOf(fresh, { today, calendar }).level, "low");
    const overdue: AbsenceCase = { ...fresh, current: fresh.current && { ...fresh.current, dueOn: "2026-11-25", escalatedAt: "2026-11-26T05:00:00Z" } };
    const later = severityOf(overdue, { today: "2026-11-26", calendar });
    assert.ok(later.score > severityOf(fresh, { today, calendar }).score);
    assert.equal(later.level, "medium");
    assert.equal(explainSeverity(later, "nb"), "Middels: 10 % siste 4 uker, svar én skoledag over fristen, meldt til ledelsen");
    assert.equal(severityOf(overdue, { today: "2026-12-01", calendar }).level, "high", "four school days overdue");
  });

  it("is high on its own for the resource team's step, half the days away, or ten days in a row", () => {
    assert.equal(severityOf({ ...caseWith([percent(10)]), step: 3 }, { today, calendar }).level, "high");
    assert.equal(severityOf(caseWith([percent(50, 2)]), { today, calendar }).level, "high");
    assert.equal(severityOf(caseWith([streak(10)]), { today, calendar }).level, "high");
  });

  it("orders lists most severe first, by level and then by score", () => {
    const low = caseWith([percent(10)], "00000000-0000-4000-8000-000000000011");
    const medium = caseWith([percent(25, 2)], "00000000-0000-4000-8000-000000000012");
    const high = caseWith([percent(35), rising(), streak(6)], "00000000-0000-4000-8000-000000000013");
    const higherLow = caseWith([percent(15)], "00000000-0000-4000-8000-000000000014");
    const ordered = sortBySeverity([low, medium, higherLow, high], (absenceCase) => severityOf(absenceCase, { today, calendar }));
    assert.deepEqual(ordered.map((absenceCase) => absenceCase.pupilId), ["13", "12", "14", "11"]);
  });
});
