import assert from "node:assert/strict";
import { join } from "node:path";
import { RULE_KINDS } from "../src/domain/rules/definitions";
import { DEMO_AS_OF, DEMO_FOLDER } from "../src/demo/startDemo";
import { nightly } from "./harness/bot";
import { freshStore } from "./harness/store";

describe("the demo municipality", () => {
  it("trips every kind of rule on its Friday, at both schools, and reports its two bad rows", async () => {
    const store = await freshStore();
    const summary = await nightly(store, { feedPath: join(DEMO_FOLDER, "feed.csv"), rosterPath: join(DEMO_FOLDER, "roster.csv"), organisationPath: join(DEMO_FOLDER, "organisation.json"), asOf: DEMO_AS_OF });
    assert.deepEqual(summary.rejected.map((row) => row.code), ["feed.unknownPupil", "feed.invalidDate"]);
    const cases = [...(await store.cases.listSchool("FJS")), ...(await store.cases.listSchool("FUS"))];
    const kinds = new Set(cases.flatMap((stored) => stored.value.findings.map((finding) => finding.kind)));
    assert.deepEqual([...kinds].sort(), [...RULE_KINDS].sort());
    assert.ok(cases.some((stored) => stored.value.schoolId === "FJS") && cases.some((stored) => stored.value.schoolId === "FUS"));
    assert.ok(cases.some((stored) => stored.value.step >= 2), "someone is already at step 2");
  });
});
