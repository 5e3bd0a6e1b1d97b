import assert from "node:assert/strict";
import { SchoolCalendar } from "../../src/domain/calendar";
import { parseDate } from "../../src/domain/dates";

const calendar = new SchoolCalendar({
  schoolYear: { from: "2026-08-17", to: "2027-06-18" },
  closed: [{ from: "2026-10-05", to: "2026-10-09", name: "Høstferie" }],
});

describe("the school calendar", () => {
  it("counts weekdays of the school year that are neither public holidays nor closed days", () => {
    assert.equal(calendar.whyNotASchoolDay("2026-11-21"), "weekend");
    assert.equal(calendar.whyNotASchoolDay("2027-05-17"), "public-holiday", "Constitution Day");
    assert.equal(calendar.whyNotASchoolDay("2027-03-25"), "public-holiday", "Maundy Thursday 2027");
    assert.equal(calendar.whyNotASchoolDay("2026-10-07"), "closed");
    assert.equal(calendar.whyNotASchoolDay("2026-08-14"), "outside-school-year");
    assert.equal(calendar.whyNotASchoolDay("2026-11-20"), undefined);
  });

  it("takes the last school days before a date, skipping weekends and closed days", () => {
    const days = calendar.lastSchoolDays("2026-10-13", 5);
    assert.deepEqual(days, ["2026-09-30", "2026-10-01", "2026-10-02", "2026-10-12", "2026-10-13"]);
  });

  it("has fewer days in a window at the start of the school year", () => {
    assert.deepEqual(calendar.lastSchoolDays("2026-08-19", 20), ["2026-08-17", "2026-08-18", "2026-08-19"]);
  });

  it("counts the school days between two dates as many as it lists, both ends included", () => {
    const pairs: [string, string][] = [["2026-08-17", "2027-06-18"], ["2026-10-03", "2026-10-12"], ["2026-10-05", "2026-10-09"], ["2026-11-20", "2026-11-20"], ["2026-11-21", "2026-11-20"], ["2026-06-01", "2026-08-17"]];
    for (const [from, to] of pairs) assert.equal(calendar.countSchoolDays(from, to), calendar.schoolDaysIn(from, to).length, `${from}..${to}`);
    assert.equal(calendar.countSchoolDays("2026-10-02", "2026-10-12"), 2);
  });

  it("puts a deadline of three school days from a Friday on the Wednesday, and skips a holiday week", () => {
    assert.equal(calendar.addSchoolDays("2026-11-20", 3), "2026-11-25");
    assert.equal(calendar.addSchoolDays("2026-10-02", 1), "2026-10-12");
  });
});

describe("dates in feeds", () => {
  it("reads ISO and Norwegian dates and refuses impossible ones", () => {
    assert.equal(parseDate("2026-11-20"), "2026-11-20");
    assert.equal(parseDate("20.11.2026"), "2026-11-20");
    assert.equal(parseDate("5.1.2027"), "2027-01-05");
    assert.equal(parseDate("31.02.2026"), undefined);
    assert.equal(parseDate("2026-13-01"), undefined);
    assert.equal(parseDate("yesterday"), undefined);
  });
});
