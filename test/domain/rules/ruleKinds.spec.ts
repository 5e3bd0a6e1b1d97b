import assert from "node:assert/strict";
import { explainFinding } from "../../../src/i18n/explain";
import { absentDays, judge, rule } from "./ruleKit";

// The last 20 school days up to Friday 20 November 2026 are 26 October to 20 November.

describe("rule kinds, each at its boundary", () => {
  describe("percentage of school days in a rolling window", () => {
    const tenPercent = rule({ kind: "percentage", minPercent: 10, window: { type: "rolling", schoolDays: 20 } });

    it("does not fire just below (1 of 20 days, 5 %)", () => {
      assert.equal(judge(tenPercent, absentDays("2026-11-19")), undefined);
    });

    it("fires at the threshold (2 of 20, 10 %) and explains itself", () => {
      const finding = judge(tenPercent, absentDays("2026-10-26", "2026-11-19"));
      assert.equal(finding?.value, 10);
      assert.equal(finding?.denominator, 20);
      assert.equal(explainFinding(finding!, "nb"), "2 av 20 skoledager borte (10 %) fra 26.10.2026 til 20.11.2026.");
    });

    it("fires above (3 of 20, 15 %), and for a pupil absent every day (100 %)", () => {
      assert.equal(judge(tenPercent, absentDays("2026-10-26", "2026-11-02", "2026-11-19"))?.value, 15);
      const everyDay = Array.from({ length: 40 }, (_, index) => new Date(Date.UTC(2026, 9, 12 + index)).toISOString().slice(0, 10));
      assert.equal(judge(tenPercent, absentDays(...everyDay))?.value, 100);
    });

    it("with an exclusive boundary, must pass the threshold", () => {
      const moreThan = rule({ kind: "percentage", minPercent: 10, inclusive: false });
      assert.equal(judge(moreThan, absentDays("2026-10-26", "2026-11-19")), undefined);
      assert.ok(judge(moreThan, absentDays("2026-10-26", "2026-11-02", "2026-11-19")));
    });

    it("reaches back past the autumn break and weekends: 20 school days before 16 October start on 14 September", () => {
      const finding = judge(tenPercent, absentDays("2026-09-14", "2026-10-16"), {}, {}, "2026-10-16");
      assert.equal(finding?.from, "2026-09-14");
      assert.equal(finding?.denominator, 20);
    });

    it("counts only school days since enrolment", () => {
      const finding = judge(tenPercent, absentDays("2026-11-17"), { enrolledFrom: "2026-11-16" });
      assert.equal(finding?.denominator, 5);
      assert.equal(finding?.value, 20);
    });

    it("does not judge a pupil enrolled fewer school days than the minimum", () => {
      assert.equal(judge(tenPercent, absentDays("2026-11-19"), { enrolledFrom: "2026-11-18" }, { minEnrolledSchoolDays: 5 }), undefined);
      assert.ok(judge(tenPercent, absentDays("2026-11-19"), { enrolledFrom: "2026-11-18" }, { minEnrolledSchoolDays: 3 }));
    });

    it("stops firing when a correction removes the absence", () => {
      const corrected = [{ date: "2026-10-26" }, { date: "2026-11-19", kind: "present" as const, documented: "yes" as const }];
      assert.equal(judge(tenPercent, corrected), undefined);
    });

    it("counts only documented absence when told to", () => {
      const documentedOnly = rule({ kind: "percentage", minPercent: 10, documented: "documented" });
      assert.equal(judge(documentedOnly, [{ date: "2026-10-26", documented: "yes" }, { date: "2026-11-19", documented: "no" }]), undefined);
      assert.ok(judge(documentedOnly, [{ date: "2026-10-26", documented: "yes" }, { date: "2026-11-19", documented: "yes" }]));
    });
  });

  describe("percentage in a calendar period and of lessons", () => {
    it("takes the month so far: 15 school days in November up to the 20th", () => {
      const month = rule({ kind: "percentage", minPercent: 10, window: { type: "calendar", period: "month" } });
      assert.equal(judge(month, absentDays("2026-11-19")), undefined, "1 of 15 is 6.7 %");
      assert.equal(judge(month, absentDays("2026-10-30", "2026-11-19")), undefined, "October does not count");
      assert.equal(judge(month, absentDays("2026-11-02", "2026-11-19"))?.value, 13.3);
    });

    it("counts lessons: a whole day is all of the day's lessons", () => {
      const lessons = rule({ kind: "percentage", unit: "lessons", minPercent: 10, kinds: ["day", "lesson"] });
      const eleven = [...absentDays("2026-11-19"), ...[1, 2, 3, 4, 5].map((lesson) => ({ date: "2026-11-18", kind: "lesson" as const, lesson }))];
      assert.equal(judge(lessons, eleven), undefined, "11 of 120 lessons");
      const finding = judge(lessons, [...eleven, { date: "2026-11-17", kind: "lesson" as const, lesson: 1 }]);
      assert.equal(finding?.count, 12);
      assert.equal(finding?.denominator, 120);
      assert.equal(explainFinding(finding!, "nb"), "12 av 120 timer borte (10 %) fra 26.10.2026 til 20.11.2026.");
    });
  });

  describe("count of events in a window", () => {
    const lateThree = rule({ kind: "count", kinds: ["late", "left_early"], min: 3, window: { type: "rolling", schoolDays: 20 } });
    const late = (date: string) => ({ date, kind: "late" as const });

    it("fires at 3 late arrivals or early departures, not at 2", () => {
      assert.equal(judge(lateThree, [late("2026-11-02"), late("2026-11-10")]), undefined);
      const finding = judge(lateThree, [late("2026-11-02"), late("2026-11-10"), { date: "2026-11-19", kind: "left_early" }]);
      assert.equal(finding?.count, 3);
      assert.equal(explainFinding(finding!, "nb"), "3 forsentkomminger eller ganger gått tidlig fra 26.10.2026 til 20.11.2026.");
    });

    it("counts single lessons over the term (half-year), from August", () => {
      const lessonsTerm = rule({ kind: "count", kinds: ["lesson"], min: 10, window: { type: "calendar", period: "term" } });
      const nine = Array.from({ length: 9 }, (_, index) => ({ date: "2026-08-20", kind: "lesson" as const, lesson: index + 1 }));
      assert.equal(judge(lessonsTerm, nine), undefined);
      assert.equal(judge(lessonsTerm, [...nine, { date: "2026-11-20", kind: "lesson", lesson: 1 }])?.from, "2026-08-17");
    });
  });

  describe("consecutive school days absent", () => {
    const fiveInARow = rule({ kind: "consecutive", minDays: 5 });

    it("counts a streak across a weekend: Thursday to Wednesday is 5 school days", () => {
      assert.equal(judge(fiveInARow, absentDays("2026-11-12", "2026-11-13", "2026-11-16", "2026-11-17")), undefined);
      const finding = judge(fiveInARow, absentDays("2026-11-12", "2026-11-13", "2026-11-16", "2026-11-17", "2026-11-18"));
      assert.equal(finding?.count, 5);
      assert.equal(explainFinding(finding!, "nb"), "5 skoledager borte på rad, fra 12.11.2026 til 18.11.2026.");
    });

    it("is broken by a day present", () => {
      assert.equal(judge(fiveInARow, absentDays("2026-11-12", "2026-11-13", "2026-11-17", "2026-11-18", "2026-11-19")), undefined);
    });
  });

  describe("the same weekday", () => {
    const mondays = rule({ kind: "weekday", minTimes: 3, window: { type: "rolling", schoolDays: 25 } });

    it("fires on 3 Mondays of the last 5, not on 2", () => {
      assert.equal(judge(mondays, absentDays("2026-11-02", "2026-11-16")), undefined);
      const finding = judge(mondays, absentDays("2026-11-02", "2026-11-09", "2026-11-16", "2026-11-18"));
      assert.equal(finding?.weekday, 1);
      assert.equal(explainFinding(finding!, "nb"), "Borte 3 av de siste 5 mandagene (fra 19.10.2026 til 20.11.2026).");
      assert.equal(explainFinding(finding!, "en"), "Absent 3 of the last 5 Mondays (from 19/10/2026 to 20/11/2026).");
    });
  });

  describe("the same subject", () => {
    const sameSubject = rule({ kind: "subject", minTimes: 3 });
    const maths = (date: string) => ({ date, kind: "lesson" as const, lesson: 2, subject: "MAT" });

    it("fires on the third missed maths lesson, not on two", () => {
      assert.equal(judge(sameSubject, [maths("2026-11-02"), maths("2026-11-09"), { date: "2026-11-10", kind: "lesson", subject: "NOR" }]), undefined);
      const finding = judge(sameSubject, [maths("2026-11-02"), maths("2026-11-09"), maths("2026-11-16")]);
      assert.equal(finding?.subject, "MAT");
      assert.equal(explainFinding(finding!, "nb"), "Borte fra MAT 3 ganger fra 26.10.2026 til 20.11.2026.");
    });
  });

  describe("undocumented absence not yet followed up", () => {
    const undocumented = rule({ kind: "undocumented", min: 1, window: { type: "rolling", schoolDays: 5 } });

    it("fires on an undocumented absence, not on a documented or pending one", () => {
      assert.equal(judge(undocumented, [{ date: "2026-11-19", documented: "yes" }, { date: "2026-11-18", documented: "pending" }]), undefined);
      const finding = judge(undocumented, [{ date: "2026-11-19", kind: "lesson", documented: "no", lesson: 3 }]);
      assert.equal(explainFinding(finding!, "nb"), "1 udokumentert fravær (IG) fra 16.11.2026 til 20.11.2026 som ikke er fulgt opp.");
    });

    it("does not fire again for absence that was already followed up", () => {
      assert.equal(judge(undocumented, [{ date: "2026-11-17", documented: "no" }], { followedUpThrough: "2026-11-18" }), undefined);
      assert.ok(judge(undocumented, [{ date: "2026-11-19", documented: "no" }], { followedUpThrough: "2026-11-18" }));
    });
  });

  describe("a rising trend", () => {
    const rising = rule({ kind: "trend", schoolDays: 10, factor: 2, floorPercent: 10 });
    // Previous window: 26 October - 6 November; current window: 9 - 20 November.

    it("fires when this window's absence is twice the previous window's and above the floor", () => {
      assert.equal(judge(rising, absentDays("2026-11-02", "2026-11-19")), undefined, "10 % then 10 %: not rising");
      const finding = judge(rising, absentDays("2026-11-02", "2026-11-18", "2026-11-19"));
      assert.equal(finding?.value, 2);
      assert.equal(explainFinding(finding!, "nb"), "Økende: 20 % de siste 10 skoledagene, mot 10 % de 10 før.");
    });

    it("fires from no absence at all once the floor is reached, not below it", () => {
      assert.ok(judge(rising, absentDays("2026-11-19")));
      assert.equal(judge(rule({ kind: "trend", schoolDays: 10, factor: 2, floorPercent: 15 }), absentDays("2026-11-19")), undefined);
    });
  });
});
