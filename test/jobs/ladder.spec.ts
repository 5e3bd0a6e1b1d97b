import assert from "node:assert/strict";
import { systemClock } from "../../src/clock";
import { closeCase } from "../../src/domain/cases";
import { settingsFromOrganisation } from "../../src/domain/settings";
import { runWhatIf } from "../../src/jobs/whatIf";
import type { Store } from "../../src/store";
import { nightly } from "../harness/bot";
import { ORGANISATION, OTHER_TEACHER, ROSTER_CSV, TEACHER, writeMunicipality } from "../harness/municipality";
import { freshStore } from "../harness/store";

/** A two-step ladder: 2 whole days this school year start step 1, 4 start step 2. */
const LADDER = {
  rules: [
    { id: "days-2", kind: "count", step: 1, kinds: ["day"], min: 2, window: { type: "calendar", period: "school-year" } },
    { id: "days-4", kind: "count", step: 2, kinds: ["day"], min: 4, window: { type: "calendar", period: "school-year" } },
  ],
  cooldownSchoolDays: 10,
};

const FEED_HEADER = "pupil_id,date,kind,documented";

describe("the ladder and the case rules over nightly runs", () => {
  let store: Store;

  beforeEach(async () => {
    store = await freshStore();
  });

  async function night(asOf: string, feedRows: string[], settings: unknown = LADDER) {
    const files = await writeMunicipality({ organisation: { ...ORGANISATION, settings }, feed: [FEED_HEADER, ...feedRows].join("\n") });
    return nightly(store, { feedPath: files.feed, rosterPath: files.roster, organisationPath: files.organisation, asOf });
  }

  const emmasCases = async () => (await store.cases.listSchool("S1")).filter((stored) => stored.value.pupilId === "P1");

  it("opens a case at step 1, does not nag while the rule keeps firing, and climbs to step 2 when a higher rule fires", async () => {
    const first = await night("2026-11-20", ["P1,2026-11-02,day,no", "P1,2026-11-19,day,yes"]);
    assert.equal(first.casesOpened, 1);
    assert.equal(first.settingsVersion, 1, "the organisation file's settings are stored as version 1");

    const again = await night("2026-11-23", ["P1,2026-11-23,late,no"]);
    assert.equal(again.casesOpened + again.casesAdvanced, 0, "the same step does not nag");
    assert.equal(again.notificationsQueued, again.remindersQueued, "only the routine's own reminder");

    const higher = await night("2026-11-25", ["P1,2026-11-24,day,no", "P1,2026-11-25,day,no"]);
    assert.equal(higher.casesAdvanced, 1);
    assert.equal(higher.notificationsQueued, 1, "the contact teacher is asked again, for step 2");
    const [stored] = await emmasCases();
    assert.equal(stored?.value.step, 2);
    assert.deepEqual(stored?.value.done.map((task) => [task.task, task.supersededOn]), [["follow-up", "2026-11-25"]]);
    assert.equal(stored?.value.current?.task, "meeting");
    assert.ok((await store.outbox.list()).some((message) => message.kind === "task" && message.serial === 2 && message.recipientId === TEACHER.aadObjectId));
    assert.equal((await emmasCases()).length, 1, "still one case for the pupil");
  });

  it("opens a new case after a closed one only once the cool-down has passed", async () => {
    await night("2026-11-20", ["P1,2026-11-02,day,no", "P1,2026-11-19,day,yes"]);
    const [stored] = await emmasCases();
    assert.ok(stored);
    await store.cases.update(closeCase(stored.value, "improved", "2026-11-20"), stored.etag);

    // Each night's feed covers its day (a late arrival of another pupil): a night without new data opens nothing.
    const during = await night("2026-12-03", ["P2,2026-12-03,late,no"]);
    assert.equal(during.casesOpened, 0, "9 school days after closing");
    const after = await night("2026-12-04", ["P2,2026-12-04,late,no"]);
    assert.equal(after.casesOpened, 1, "10 school days after closing");
    assert.equal((await emmasCases()).length, 2);
  });

  it("moves an open case with the pupil to new contact teachers, and closes it when the pupil leaves", async () => {
    await night("2026-11-20", ["P1,2026-11-02,day,no", "P1,2026-11-19,day,yes", "P4,2026-11-17,day,no", "P4,2026-11-18,day,no"]);
    const roster = ROSTER_CSV.replace(`P1,Emma Eksempel,S1,7B,7,${TEACHER.aadObjectId},`, `P1,Emma Eksempel,S1,7A,7,${OTHER_TEACHER.aadObjectId},`)
      .split("\n")
      .filter((line) => !line.startsWith("P4,"))
      .join("\n");
    const files = await writeMunicipality({ organisation: { ...ORGANISATION, settings: LADDER }, roster, feed: FEED_HEADER });
    const summary = await nightly(store, { feedPath: files.feed, rosterPath: files.roster, organisationPath: files.organisation, asOf: "2026-11-23" });
    assert.equal(summary.casesClosed, 1);
    const [emma] = await emmasCases();
    assert.deepEqual(emma?.value.teacherIds, [OTHER_TEACHER.aadObjectId]);
    assert.ok((await store.outbox.list()).some((message) => message.subject === emma?.value.caseId && message.kind === "task" && message.recipientId === OTHER_TEACHER.aadObjectId));
    const liam = (await store.cases.listSchool("S1")).find((stored) => stored.value.pupilId === "P4");
    assert.equal(liam?.value.stage, "closed");
    assert.equal(liam?.value.closeReason, "left-school");
  });

  it("answers what a proposed rule set would do without changing anything, and nothing for the rule set in force", async () => {
    await night("2026-11-20", ["P1,2026-11-02,day,no", "P1,2026-11-19,day,yes", "P2,2026-11-10,day,no"]);
    const casesBefore = await store.cases.listSchool("S1");
    const versionsBefore = await store.settings.history();

    const same = await runWhatIf({ store, clock: systemClock }, { proposed: settingsFromOrganisation(LADDER) });
    assert.deepEqual([same?.newFlags, same?.droppedFlags, same?.changedSteps], [[], [], []]);
    assert.deepEqual(same?.schools, [{ schoolId: "S1", current: { "1": 1 }, proposed: { "1": 1 } }]);

    const stricter = await runWhatIf({ store, clock: systemClock }, { proposed: settingsFromOrganisation({ ...LADDER, rules: [{ ...LADDER.rules[0], min: 1 }, LADDER.rules[1]] }) });
    assert.deepEqual(stricter?.newFlags.map((flag) => flag.pupilId), ["P2"], "P2 has one day, P3 and P4 none");
    assert.deepEqual(stricter?.schools[0]?.proposed, { "1": 2 });

    assert.deepEqual(await store.cases.listSchool("S1"), casesBefore, "what-if changes no case");
    assert.deepEqual(await store.settings.history(), versionsBefore, "what-if changes no setting");
  });
});
