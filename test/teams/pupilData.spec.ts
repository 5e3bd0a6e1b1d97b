import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { ERASE_CONFIRM_VERB } from "../../src/teams/commands/pupilData";
import { cardAction, postActivity } from "../harness/activities";
import { COORDINATOR, ORGANISATION, ROSTER_CSV, TEACHER } from "../harness/municipality";
import { World } from "../harness/world";

const FOLLOW_UP = { guardiansContacted: "yes", guardiansContactedOn: "2026-11-23", guardiansResult: "concerned", documented: "no", cause: "vague", pupilHeard: "yes", pupilSaid: "Vil ikke på skolen", nurseInformed: "yes" };

/** The data behind the erasure card's Delete button, as Teams would send it back. */
function eraseData(text: string): Record<string, unknown> {
  const match = /"verb":"erase\.confirm"[^}]*?"data":(\{[^}]*\})|"data":(\{[^}]*"verb":"erase\.confirm"[^}]*\})/.exec(text);
  const data = JSON.parse(match?.[1] ?? match?.[2] ?? "{}") as Record<string, unknown>;
  assert.ok(data.pupilId, "an erasure card with a Delete button");
  return data;
}

describe("children's data: access, erasure and retention", () => {
  let world: World;

  afterEach(async () => world.stop());

  it("shows a coordinator everything stored about a pupil on 'innsyn', and refuses teachers and unknown ids", async () => {
    world = await World.start();
    await world.install(TEACHER, COORDINATOR);
    await world.night("2026-11-20");
    await world.answer(TEACHER, "P1", FOLLOW_UP);
    const shown = await world.say(COORDINATOR, "innsyn p1");
    assert.match(shown, /Innsyn: Emma Eksempel/);
    assert.match(shown, /Fraværsdager \(2\)/);
    assert.match(shown, /pupilSaid=Vil ikke på skolen/);
    assert.match(await world.say(TEACHER, "innsyn P1"), /er for koordinatorer/);
    assert.match(await world.say(COORDINATOR, "innsyn P99"), /Fant ingen elev med id «p99»/);
    const audit = (await world.store.audit.list()).filter((entry) => entry.action.startsWith("pupil.export") || entry.action === "command.export");
    assert.deepEqual(audit.map((entry) => entry.outcome).sort(), ["done", "refused", "refused"]);
  });

  it("erases a pupil when a coordinator confirms: the pupil, the absence, the cases with their answers and messages; the audit trail keeps only that it happened", async () => {
    world = await World.start();
    await world.install(TEACHER, COORDINATOR);
    await world.night("2026-11-20");
    await world.answer(TEACHER, "P1", FOLLOW_UP);
    const caseId = (await world.caseOf("P1"))?.value.caseId ?? "";
    const proposal = await world.say(COORDINATOR, "slett elev P1");
    assert.match(proposal, /Slette alt om Emma Eksempel\?/);
    assert.match(proposal, /fjern eleven fra eksporten først/);
    assert.ok(await world.store.pupils.get("S1", "P1"), "nothing is deleted before the confirmation");

    const teacherTries = await postActivity(world.bot.url, cardAction(TEACHER, world.connector.url, ERASE_CONFIRM_VERB, eraseData(proposal)));
    assert.match(JSON.stringify(teacherTries.body), /Fant ingen elev/);
    assert.ok(await world.store.pupils.get("S1", "P1"), "a teacher pressing the button erases nothing");

    const done = await postActivity(world.bot.url, cardAction(COORDINATOR, world.connector.url, ERASE_CONFIRM_VERB, eraseData(proposal)));
    assert.match(JSON.stringify(done.body), /Slettet Emma Eksempel: 1 saker, 2 fraværsdager/);
    assert.equal(await world.store.pupils.get("S1", "P1"), undefined);
    assert.deepEqual(await world.store.absence.listPupil("S1", "P1"), []);
    assert.equal(await world.caseOf("P1"), undefined);
    assert.equal((await world.store.outbox.list()).filter((message) => message.subject.includes(caseId)).length, 0);
    const trail = JSON.stringify(await world.store.audit.list());
    assert.ok(!trail.includes("Vil ikke på skolen"), "the answers copied into the audit trail are gone");
    assert.ok((await world.store.audit.list()).some((entry) => entry.action === "pupil.erase" && entry.outcome === "done" && entry.actor === COORDINATOR.aadObjectId));
    assert.ok(await world.store.pupils.get("S1", "P2"), "other pupils are untouched");
  });

  it("deletes a closed case after the retention period, and a pupil who has been off the roster as long, but not a pupil missing for one night", async () => {
    const organisation = { ...ORGANISATION, settings: { retentionDaysAfterClose: 30 } };
    world = await World.start({ files: { organisation } });
    await world.night("2026-11-20");
    assert.ok(await world.caseOf("P1"));
    // P1 leaves the school: the case is closed; the roster without P1 for one night deletes nothing.
    await writeFile(world.files.roster, ROSTER_CSV.split("\n").filter((row) => !row.startsWith("P1,")).join("\n"));
    world.at("2026-11-24T06:00:00Z");
    const left = await world.night("2026-11-23");
    assert.equal(left.casesClosed, 1);
    assert.equal(left.casesDeleted + left.pupilsDeleted, 0);
    assert.ok(await world.store.pupils.get("S1", "P1"), "kept while the retention period runs");

    world.at("2027-01-06T06:00:00Z");
    const later = await world.night("2027-01-05");
    assert.equal(later.casesDeleted, 1);
    assert.equal(later.pupilsDeleted, 1);
    assert.equal(await world.caseOf("P1"), undefined);
    assert.equal(await world.store.pupils.get("S1", "P1"), undefined);
    assert.deepEqual(await world.store.absence.listPupil("S1", "P1"), []);
    assert.ok(await world.store.pupils.get("S1", "P2"), "pupils on the roster stay");
    assert.ok((await world.store.audit.list()).some((entry) => entry.action === "retention" && entry.actor === "system"));
  });
});
