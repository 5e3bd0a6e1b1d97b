import assert from "node:assert/strict";
import { DaySpill } from "../../src/feeds/daySpill";
import { TEST_WORK_DIR } from "../harness/bot";

describe("the spill of a large feed", () => {
  it("gives every row back as written, a field with a line break or a separator too, and counts a repeated row once", async () => {
    const spill = new DaySpill({ workDir: TEST_WORK_DIR, buckets: 2 });
    try {
      const rows = [
        { line: 2, schoolId: "S1", pupilId: "P1", date: "2026-11-02", event: { kind: "lesson" as const, documented: "no" as const, lesson: 3, subject: "MAT" } },
        { line: 3, schoolId: "S1", pupilId: "P1", date: "2026-11-02", event: { kind: "late" as const, documented: "yes" as const, minutes: 15, reason: "a\nb\u001fc" } },
        { line: 4, schoolId: "S1", pupilId: "P1", date: "2026-11-02", event: { kind: "lesson" as const, documented: "no" as const, lesson: 3, subject: "MAT" } },
        { line: 5, schoolId: "S\u001e2", pupilId: "P2", date: "2026-11-03", event: { kind: "day" as const, documented: "pending" as const } },
      ];
      for (const row of rows) spill.add(row);
      const buckets = [];
      for await (const bucket of spill.days()) buckets.push(bucket);
      const days = buckets.flatMap((bucket) => bucket.days).sort((a, b) => a.pupilId.localeCompare(b.pupilId));
      assert.deepEqual(days, [
        { schoolId: "S1", pupilId: "P1", date: "2026-11-02", events: [rows[0]?.event, rows[1]?.event] },
        { schoolId: "S\u001e2", pupilId: "P2", date: "2026-11-03", events: [rows[3]?.event] },
      ]);
      assert.equal(buckets.reduce((sum, bucket) => sum + bucket.duplicated, 0), 1);
    } finally {
      await spill.cleanup();
    }
  });
});
