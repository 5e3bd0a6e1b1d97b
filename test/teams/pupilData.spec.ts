import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { ERASE_CONFIRM_VERB } from "../../src/teams/commands/pupilData";
import { cardAction, postActivity } from "../harness/activities";
import type { TeamsUser } from "../harness/activities";
import { COORDINATOR, LEADER, ORGANISATION, ROSTER_CSV, TEACHER } from "../harness/municipality";
import { World } from "../harness/world";

const FOLLOW_UP = { guardiansContacted: "yes", guardiansContactedOn: "2026-11-23", guardiansResult: "concerned", documented: "no", cause: "vague", pupilHeard: "yes", pupilSaid: "Vil ikke på skolen", nurseInformed: "yes" };

/** The data behind the erasure card's Delete button, as Teams would send it back. */
function eraseData(text: string): Record<string, unknown> {
  const match = /"verb":"erase\.confirm"[^}]*?"data":(\{[^}]*\})|"data":(\{[^}]*"verb":"erase\.confirm"[^}]*\})/.exec(text);
  const data = JSON.parse(match?.[1] ?? match?.[2] ?? "{}") as Record<string, unknown>;
  assert.ok(data.pupilId, "an erasure card with a Delete button");
  return data;
}

const SCHOOL_COORDINATOR: TeamsUser = { aadObjectId: "66666666-6666-4666-8666-666666666666", name: "Siri Skolekoordinator" };
const OTHER_COORDINATOR: TeamsUser = { aadObjectId: "77777777-7777-4777-8777-777777777777", name: "Per Perifer" };

/** The test municipality with two more schools, each with a coordinator of its own. */
const THREE_SCHOOLS = {
  ...ORGANISATION,
  schools: [
    ORGANISATION.schools[0],
    { ...ORGANISATION.schools[0], id: "S2", name: "Nyby skole", leaders: [LEADER.aadObjectId], coordinators: [SCHOOL_COORDINATOR.aadObjectId] },
    { ...ORGANISATION.schools[0], id: "S3", name: "Fjernvik skole", leaders: [LEADER.aadObjectId], coordinators: [OTHER_COORDINATOR.aadObjectId] },
  ],
};

/**
 * Emma (P1) has a case and two days of absence at S1; then the roster lists her at S2, where she is absent on
 * Monday 23 November: two rows, absence under both schools, and the old case closed as moved.
 */
async function pupilWhoMoved(): Promise<World> {
  const world = await World.start({ files: { organisation: THREE_SCHOOLS } });
  await world.install(TEACHER, COORDINATOR, SCHOOL_COORDINATOR, OTHER_COORDINATOR);
  await world.night("2026-11-20");
  await world.answer(TEACHER, "P1", FOLLOW_UP);
  await writeFile(world.files.roster, ROSTER_CSV.replace("P1,Emma Eksempel,S1,", "P1,Emma Eksempel,S2,"));
  await world.files.replaceFeed("pupil_id,date,kind,documented\nP1,2026-11-23,day,no\n");
  world.at("2026-11-24T06:00:00Z");
  const moved = await world.night("2026-11-23");
  assert.equal(moved.casesClosed, 1, "the case at the old school is closed as moved");
  assert.deepEqual((await world.store.absence.listPupil("S2", "P1")).map((day) => day.date), ["2026-11-23"]);
  assert.equal((await world.store.absence.listPupil("S1", "P1")).length, 2);
  return world;
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

  describe("a pupil who moved between two schools of the municipality", () => {
    it("shows a coordinator of the new school the whole record, the old school's absence and case included; a coordinator of neither school is refused", async () => {
      world = await pupilWhoMoved();
      const shown = await world.say(SCHOOL_COORDINATOR, "innsyn P1");
      assert.match(shown, /Innsyn: Emma Eksempel/);
      assert.match(shown, /Nyby skole, 7B/, "the current school first");
      assert.match(shown, /Tidligere skoler/);
      assert.match(shown, /Testvik skole \(til 23\.11\.2026\)/);
      assert.match(shown, /Fraværsdager \(3\)/, "two days at the old school and one at the new");
      assert.match(shown, /Saker \(1\)/);
      assert.match(shown, /pupilSaid=Vil ikke på skolen/);
      assert.match(await world.say(OTHER_COORDINATOR, "innsyn P1"), /Fant ingen elev med id «p1»/);
    });

    it("erases the pupil at both schools when a coordinator of the new school confirms, and a second erasure finds nothing", async () => {
      world = await pupilWhoMoved();
      const caseId = (await world.caseOf("P1"))?.value.caseId ?? "";
      const proposal = await world.say(SCHOOL_COORDINATOR, "slett elev P1");
      const outsider = await postActivity(world.bot.url, cardAction(OTHER_COORDINATOR, world.connector.url, ERASE_CONFIRM_VERB, eraseData(proposal)));
      assert.match(JSON.stringify(outsider.body), /Fant ingen elev/);
      assert.ok(await world.store.pupils.get("S1", "P1"), "a coordinator of neither school erases nothing");

      const done = await postActivity(world.bot.url, cardAction(SCHOOL_COORDINATOR, world.connector.url, ERASE_CONFIRM_VERB, eraseData(proposal)));
      assert.match(JSON.stringify(done.body), /Slettet Emma Eksempel: 1 saker, 3 fraværsdager/);
      for (const school of ["S1", "S2"]) {
        assert.equal(await world.store.pupils.get(school, "P1"), undefined, `no row at ${school}`);
        assert.deepEqual(await world.store.absence.listPupil(school, "P1"), [], `no absence at ${school}`);
        assert.equal((await world.store.cases.listSchool(school)).filter((stored) => stored.value.pupilId === "P1").length, 0, `no case at ${school}`);
      }
      assert.equal((await world.store.outbox.list()).filter((message) => message.subject.includes(caseId)).length, 0);
      assert.ok(!JSON.stringify(await world.store.audit.list()).includes("Vil ikke på skolen"));
      assert.match(proposal, /lagret ved 2 skoler/, "the card said both schools");
      assert.match(await world.say(SCHOOL_COORDINATOR, "slett elev P1"), /Fant ingen elev med id «p1»/);
      assert.match(await world.say(COORDINATOR, "innsyn P1"), /Fant ingen elev/);
    });
  });
});
