import assert from "node:assert/strict";
import type { AbsenceEvent } from "../../src/domain/absence";
import type { SchoolPupilDay } from "../../src/store/absenceRepository";
import { freshStore } from "../harness/store";

/** Every lesson of every school day of a term missed, with subjects: far more than one property holds. */
function heavyTerm(pupilId: string): SchoolPupilDay[] {
  const days: SchoolPupilDay[] = [];
  for (let day = 0; day < 120; day += 1) {
    const date = new Date(Date.UTC(2026, 0, 5 + day)).toISOString().slice(0, 10);
    const events: AbsenceEvent[] = Array.from({ length: 10 }, (_, lesson) => ({ kind: "lesson", documented: "no", lesson: lesson + 1, subject: "MAT", reason: "X" }));
    days.push({ schoolId: "S1", pupilId, date, events });
  }
  return days;
}

describe("the absence of a pupil in one record", () => {
  it("keeps a whole heavy term of one pupil, cut into chunks, and gives every day back as written", async () => {
    const store = await freshStore();
    const days = heavyTerm("P/1#?");
    assert.ok(JSON.stringify(days).length > 64_000, "more than one property can hold");
    await store.absence.replaceDays(days);
    const back = await store.absence.listPupil("S1", "P/1#?");
    assert.deepEqual(back, days.map(({ schoolId: _school, ...day }) => day));
    assert.equal((await store.absence.listSchool("S1")).get("P/1#?")?.length, 120);
  });

  it("replaces a day read again and keeps the pupil's other days; a range lists only its days", async () => {
    const store = await freshStore();
    await store.absence.replaceDays([
      { schoolId: "S1", pupilId: "P1", date: "2026-11-02", events: [{ kind: "day", documented: "no" }] },
      { schoolId: "S1", pupilId: "P1", date: "2026-11-03", events: [{ kind: "day", documented: "no" }] },
    ]);
    await store.absence.replaceDays([{ schoolId: "S1", pupilId: "P1", date: "2026-11-03", events: [{ kind: "late", documented: "yes", minutes: 10 }] }]);
    assert.deepEqual(await store.absence.listPupil("S1", "P1"), [
      { pupilId: "P1", date: "2026-11-02", events: [{ kind: "day", documented: "no" }] },
      { pupilId: "P1", date: "2026-11-03", events: [{ kind: "late", documented: "yes", minutes: 10 }] },
    ]);
    assert.deepEqual([...(await store.absence.listSchool("S1", { from: "2026-11-03", to: "2026-11-30" })).values()].flat().map((day) => day.date), ["2026-11-03"]);
    assert.equal(await store.absence.deletePupil("S1", "P1"), 2);
    assert.deepEqual(await store.absence.listPupil("S1", "P1"), []);
  });
});
