import assert from "node:assert/strict";
import type { NightlySummary } from "../../src/jobs/nightly";
import { summaryText } from "../../src/jobs/summaryText";
import { translator } from "../../src/i18n";
import type { Store } from "../../src/store";
import { personalConversationId } from "../harness/activities";
import { nightly } from "../harness/bot";
import { COORDINATOR, FEED_CSV, LEADER, ORGANISATION, ROSTER_CSV, TEACHER, writeMunicipality } from "../harness/municipality";
import { freshStore } from "../harness/store";
import { overTableLimits } from "../harness/tableLimits";
import { World } from "../harness/world";

const AS_OF = "2026-11-20";
const ROSTER_HEADER = "pupil_id,pupil_name,school_id,group,grade,contact_teacher_id,enrolled_from";
const nb = translator("nb");

async function night(store: Store, files: { roster?: string; feed?: string; organisation?: unknown }, asOf = AS_OF): Promise<NightlySummary> {
  const written = await writeMunicipality(files);
  return nightly(store, { feedPath: written.feed, rosterPath: written.roster, organisationPath: written.organisation, asOf });
}

async function runSummariesQueued(store: Store): Promise<string[]> {
  return (await store.outbox.list()).filter((message) => message.kind === "run-summary").map((message) => message.recipientId);
}

/** Every stored case has its card in the outbox, and no notice left waiting on it. */
async function casesWithoutTheirCard(store: Store): Promise<string[]> {
  const subjects = new Set((await store.outbox.list()).map((message) => message.subject));
  return (await store.cases.listSchool("S1")).filter((stored) => !subjects.has(stored.value.caseId) || stored.value.pendingNotices.length > 0).map((stored) => stored.value.pupilId);
}

function rosterWith(...rows: string[]): string {
  return [ROSTER_CSV, ...rows].join("\n");
}

describe("input limits: a bad value never stops the night", () => {
  let store: Store;

  beforeEach(async () => {
    store = await freshStore();
  });

  it("a roster with 450 pupils of a school the organisation file does not know yet: the 300 good pupils pass, the run is recorded, the summary fits", async () => {
    const good = Array.from({ length: 296 }, (_, index) => `Q${index},Elev ${index},S1,7C,7,${TEACHER.aadObjectId},`);
    const unknown = Array.from({ length: 450 }, (_, index) => `N${index},Ny elev ${index},S9,1A,1,${TEACHER.aadObjectId},`);
    const summary = await night(store, { roster: rosterWith(...good, ...unknown) });

    assert.equal(summary.ok, true);
    assert.equal(summary.roster.accepted, 300);
    assert.equal(summary.roster.rejectedTotal, 450);
    assert.equal(summary.roster.rejected.length, 200, "the first 200 are listed, like a feed's");
    assert.deepEqual(summary.roster.rejected[0], { line: 302, code: "roster.unknownSchool", reason: "ukjent skole «S9» (finnes ikke i organisasjonsfilen)" });
    assert.equal((await store.pupils.listAll()).length, 300);
    assert.equal(summary.casesOpened, 2, "Emma's and Liam's cases are opened as any night");

    const latest = await store.runs.latest();
    assert.equal(latest?.asOf, AS_OF, "the run is recorded");
    assert.equal((latest?.summary as unknown as NightlySummary).roster.rejectedTotal, 450);
    assert.deepEqual(await runSummariesQueued(store), [COORDINATOR.aadObjectId], "the coordinators are told");
    assert.deepEqual(await overTableLimits(store), []);

    const lines = summaryText(latest?.summary as unknown as NightlySummary, nb, { listed: 40 });
    assert.equal(lines.filter((line) => line.includes("Elevlisten, linje")).length, 40);
    assert.ok(lines.includes("  … og 410 avviste rader i elevlisten til."), lines.join("\n"));
  });

  it("250 rejected feed rows with long values: each listed row is named by line and column without the value, and the summary fits", async () => {
    const junk = "Sara sier at hun ikke orker mer og ".repeat(100);
    const bad = Array.from({ length: 250 }, (_, index) => `P2,2026-11-${String(2 + (index % 4)).padStart(2, "0")},${junk}${index},no`);
    const summary = await night(store, { feed: [FEED_CSV, ...bad].join("\n") });

    assert.equal(summary.ok, true);
    assert.equal(summary.accepted, 7);
    assert.equal(summary.rejectedTotal, 250);
    assert.equal(summary.rejected.length, 200);
    assert.deepEqual([summary.rejected[0]?.line, summary.rejected[0]?.code], [9, "feed.invalidKind.withheld"]);
    assert.doesNotMatch(JSON.stringify(summary), /Sara/);
    assert.equal((await store.runs.latest())?.asOf, AS_OF);
    assert.deepEqual(await runSummariesQueued(store), [COORDINATOR.aadObjectId]);
    assert.deepEqual(await overTableLimits(store), []);
  });

  it("a contact-teacher id of 1,000 characters: the pupil's row is rejected, the others' cases are opened with their cards", async () => {
    const roster = [ROSTER_HEADER, `P1,Emma Eksempel,S1,7B,7,${"T".repeat(1_000)},`, ...ROSTER_CSV.split("\n").slice(2)].join("\n");
    const summary = await night(store, { roster });

    assert.equal(summary.ok, true);
    assert.deepEqual(summary.roster.rejected.map(({ line, code }) => ({ line, code })), [{ line: 2, code: "field.idTooLong" }]);
    assert.match(summary.roster.rejected[0]?.reason ?? "", /contact_teacher_id er for lang til å være en id: høyst 100 tegn/);
    assert.equal((await store.cases.listSchool("S1")).filter((stored) => stored.value.pupilId === "P1").length, 0, "no case for the pupil whose row was rejected");
    assert.deepEqual(await casesWithoutTheirCard(store), []);
    assert.equal((await store.runs.latest())?.asOf, AS_OF);
    assert.deepEqual(await runSummariesQueued(store), [COORDINATOR.aadObjectId]);
    assert.deepEqual(await overTableLimits(store), []);

    // The next night, with the same roster: the same answer, and still no half-written case.
    const again = await night(store, { roster, feed: FEED_CSV.replace("P1,2026-11-02", "P1,2026-11-03") }, "2026-11-23");
    assert.equal(again.ok, true);
    assert.deepEqual(await casesWithoutTheirCard(store), []);
  });

  for (const [label, id] of [
    ["1,000 characters", "1".repeat(1_000)],
    ["300 × ø", "ø".repeat(300)],
    ["51 × ø (102 bytes)", "ø".repeat(51)],
  ] as const) {
    it(`a pupil id of ${label}: that pupil's roster and feed rows are rejected, everyone else is imported`, async () => {
      const summary = await night(store, { roster: rosterWith(`${id},Ola Lang,S1,7B,7,${TEACHER.aadObjectId},`), feed: `${FEED_CSV}\n${id},2026-11-03,day,no` });

      assert.equal(summary.ok, true);
      assert.deepEqual(summary.roster.rejected.map(({ line, code }) => ({ line, code })), [{ line: 6, code: "field.idTooLong" }]);
      assert.deepEqual(summary.rejected.map(({ line, code }) => ({ line, code })), [{ line: 9, code: "field.idTooLong" }]);
      assert.match(summary.rejected[0]?.reason ?? "", /^pupil_id er for lang/);
      assert.equal(summary.accepted, 7);
      assert.equal((await store.pupils.listAll()).length, 4);
      assert.equal(summary.casesOpened, 2, "Emma's and Liam's cases, as any night");
      assert.equal((await store.runs.latest())?.asOf, AS_OF);
      assert.deepEqual(await runSummariesQueued(store), [COORDINATOR.aadObjectId]);
      assert.deepEqual(await overTableLimits(store), []);
    });
  }

  it("a pupil id of 50 × ø (100 bytes) is within the limit and stored", async () => {
    const id = "ø".repeat(50);
    const summary = await night(store, { roster: rosterWith(`${id},Ola Lang,S1,7B,7,${TEACHER.aadObjectId},`), feed: `${FEED_CSV}\n${id},2026-11-03,day,no` });
    assert.equal(summary.roster.rejectedTotal, 0);
    assert.equal(summary.accepted, 8);
    assert.equal((await store.absence.listPupil("S1", id)).length, 1);
    assert.deepEqual(await overTableLimits(store), []);
  });

  it("a 10,000-character name and a 40,000-character group: those rows are rejected by column, the rest are stored", async () => {
    const roster = rosterWith(`P5,${"Emma ".repeat(2_000)},S1,7B,7,${TEACHER.aadObjectId},`, `P6,Nora Nilsen,S1,${"7".repeat(40_000)},7,${TEACHER.aadObjectId},`, `P7,Per\u0007Hansen,S1,7B,7,${TEACHER.aadObjectId},`);
    const summary = await night(store, { roster });

    assert.equal(summary.ok, true);
    assert.deepEqual(
      summary.roster.rejected.map(({ line, code, reason }) => ({ line, code, reason })),
      [
        { line: 6, code: "field.tooLong", reason: "pupil_name er for lang: høyst 200 tegn; verdien vises ikke" },
        { line: 7, code: "field.tooLong", reason: "group er for lang: høyst 50 tegn; verdien vises ikke" },
        { line: 8, code: "field.controlCharacter", reason: "pupil_name inneholder kontrolltegn (som tabulator eller linjeskift); verdien vises ikke" },
      ],
    );
    assert.equal((await store.pupils.listAll()).length, 4);
    assert.equal((await store.runs.latest())?.asOf, AS_OF);
    assert.deepEqual(await overTableLimits(store), []);
  });

  it("a 100,000-character name is a line no export has: the roster is refused whole with its line, the run recorded and the coordinators told", async () => {
    const roster = rosterWith(`P5,${"Emma ".repeat(20_000)},S1,7B,7,${TEACHER.aadObjectId},`);
    const summary = await night(store, { roster });

    assert.equal(summary.fileRejected?.code, "file.lineTooLong");
    assert.match(summary.fileRejected?.reason ?? "", /linje 6/);
    assert.equal((await store.pupils.listAll()).length, 0, "nothing of the roster is stored");
    assert.ok((await store.runs.latest())?.summary.fileRejected, "the refused run is recorded");
    assert.equal((await runSummariesQueued(store)).length > 0, true, "the coordinators are told");
    assert.deepEqual(await overTableLimits(store), []);
  });

  it("an organisation file whose settings override 250 schools (a settings document over one property's 32 K characters) is stored whole", async () => {
    const school = ORGANISATION.schools[0] as (typeof ORGANISATION.schools)[number];
    const ids = ["S1", ...Array.from({ length: 249 }, (_, index) => `SKOLE-${index}`)];
    const override = { rules: { "days-percent": { minPercent: 8 }, "days-in-a-row": { minDays: 4 } }, minEnrolledSchoolDays: 10, lessonsPerDay: 6, cooldownSchoolDays: 20 };
    const organisation = { ...ORGANISATION, schools: ids.map((id) => ({ ...school, id })), settings: { schools: Object.fromEntries(ids.map((id) => [id, override])) } };
    const summary = await night(store, { organisation });

    assert.equal(summary.ok, true);
    assert.ok(JSON.stringify((await store.settings.current())?.document).length > 32 * 1024, "the document is longer than one property holds");
    assert.equal(Object.keys((await store.settings.current())?.document.schools ?? {}).length, 250);
    assert.equal((await store.runs.latest())?.asOf, AS_OF);
    assert.deepEqual(await overTableLimits(store), []);
  });

  describe("a bad organisation file is refused whole with its reason, and nothing stored changes", () => {
    const school = ORGANISATION.schools[0] as (typeof ORGANISATION.schools)[number];
    const cases: [string, unknown, RegExp][] = [
      ["a school id with /", { ...ORGANISATION, schools: [{ ...school, id: "S/1" }] }, /schools\.0\.id: must not contain/],
      ["a school id with #", { ...ORGANISATION, schools: [{ ...school, id: "S#1" }] }, /schools\.0\.id: must not contain/],
      ["a school id with ?", { ...ORGANISATION, schools: [{ ...school, id: "S?1" }] }, /schools\.0\.id: must not contain/],
      ["a school id with \\", { ...ORGANISATION, schools: [{ ...school, id: "S\\1" }] }, /schools\.0\.id: must not contain/],
      ["a school id with a control character", { ...ORGANISATION, schools: [{ ...school, id: "S\u00851" }] }, /schools\.0\.id: must not contain/],
      ["a school id of 101 characters", { ...ORGANISATION, schools: [{ ...school, id: "S".repeat(101) }] }, /schools\.0\.id: must be at most 100 characters/],
      ["a leader's id of 1,000 characters", { ...ORGANISATION, schools: [{ ...school, leaders: ["L".repeat(1_000)] }] }, /schools\.0\.leaders\.0: must be at most 100/],
      ["21 leaders at one school", { ...ORGANISATION, schools: [{ ...school, leaders: Array.from({ length: 21 }, (_, index) => `L${index}`) }] }, /schools\.0\.leaders: Array must contain at most 20/],
      ["a coordinator's id with #", { ...ORGANISATION, coordinators: ["K#1"] }, /coordinators\.0: must not contain/],
      ["a school's coordinator id of 300 × ø", { ...ORGANISATION, schools: [{ ...school, coordinators: ["ø".repeat(300)] }] }, /schools\.0\.coordinators\.0: must be at most 100/],
      ["a school name of 100,000 characters", { ...ORGANISATION, schools: [{ ...school, name: "Skole ".repeat(20_000) }] }, /schools\.0\.name: must be at most 200 characters/],
      ["a municipality name with a line break", { ...ORGANISATION, municipality: "Testvik\nkommune" }, /municipality: must not contain control characters/],
    ];
    for (const [label, organisation, detail] of cases) {
      it(label, async () => {
        await night(store, {});
        const before = await store.absence.listSchool("S1");
        const summary = await night(store, { organisation, feed: `${FEED_CSV}\nP2,2026-11-23,day,no` }, "2026-11-23");

        assert.equal(summary.fileRejected?.code, "file.invalidOrganisation");
        assert.match(summary.fileRejected?.reason ?? "", detail);
        assert.ok((summary.fileRejected?.reason.length ?? 0) <= 500);
        assert.deepEqual(await store.absence.listSchool("S1"), before);
        assert.equal((await store.runs.latest())?.summary.ok, false, "the refused run is recorded");
        assert.deepEqual(await runSummariesQueued(store), [COORDINATOR.aadObjectId], "the coordinators are told");
        assert.deepEqual(await overTableLimits(store), []);
      });
    }

    it("a school without leaders, named in the reason: unanswered cases would escalate to nobody", async () => {
      await night(store, {});
      const organisation = { ...ORGANISATION, schools: [school, { ...school, id: "S2", name: "Lederløs skole", leaders: [] }] };
      const summary = await night(store, { organisation }, "2026-11-23");

      assert.equal(summary.fileRejected?.code, "file.schoolWithoutLeaders");
      assert.match(summary.fileRejected?.reason ?? "", /ingen ledere \(leaders\) i organisasjonsfilen: Lederløs skole\. /);
      assert.equal((await store.organisation.get())?.schools.length, 1, "the stored organisation is the last good one");
      assert.deepEqual(await runSummariesQueued(store), [COORDINATOR.aadObjectId]);
    });

    it("leaders given, the file passes", async () => {
      const summary = await night(store, { organisation: { ...ORGANISATION, schools: [{ ...school, leaders: [LEADER.aadObjectId] }] } });
      assert.equal(summary.fileRejected, undefined);
      assert.equal(summary.ok, true);
    });
  });

  describe("the coordinators' card", () => {
    let world: World | undefined;

    afterEach(async () => world?.stop());

    it("shows the first 40 rejected rows of each file and counts the rest, and stays under Teams' size limit", async () => {
      const junk = "Sara sier at hun ikke orker mer og ".repeat(100);
      const feed = [FEED_CSV, ...Array.from({ length: 250 }, (_, index) => `P2,2026-11-03,${junk}${index},no`)].join("\n");
      const roster = rosterWith(...Array.from({ length: 450 }, (_, index) => `N${index},Ny elev ${index},S9,1A,1,${TEACHER.aadObjectId},`));
      world = await World.start({ files: { feed, roster } });
      await world.install(COORDINATOR);
      await world.night(AS_OF);
      await world.bot.sender.drain();

      const sent = world.connector.sent(personalConversationId(COORDINATOR));
      const card = JSON.stringify(sent.map((activity) => activity.attachments));
      assert.match(card, /Nattlig kjøring ferdig/);
      assert.match(card, /… og 210 avviste rader til\./);
      assert.match(card, /… og 410 avviste rader i elevlisten til\./);
      assert.equal((card.match(/Elevlisten, linje/g) ?? []).length, 40);
      assert.ok(Buffer.byteLength(card) < 80 * 1024, `${Buffer.byteLength(card)} bytes`);
      assert.doesNotMatch(card, /Sara/);
    });
  });
});
