import assert from "node:assert/strict";
import { answerTask, HISTORY_KEPT, type AbsenceCase } from "../../src/domain/cases";
import { calendarOf } from "../../src/domain/organisation";
import { addDays } from "../../src/domain/dates";
import { DEFAULT_SETTINGS_DOCUMENT, taskDeadlines } from "../../src/domain/settings";
import { LIST_PAGE_VERB } from "../../src/teams/cards";
import { cardAction, message, personalConversationId, postActivity } from "../harness/activities";
import { COORDINATOR, ORGANISATION, TEACHER } from "../harness/municipality";
import { World } from "../harness/world";

const school = ORGANISATION.schools[0] as (typeof ORGANISATION.schools)[number];
const routine = { calendar: calendarOf(school as never), deadlines: taskDeadlines(DEFAULT_SETTINGS_DOCUMENT.municipality.routine), evaluationAfterSchoolDays: 10 };
const MEASURES = "Fast møtepunkt med kontaktlærer hver morgen, tilpasset timeplan i matematikk og norsk, ukentlig samtale med helsesykepleier og foresatte; ".repeat(3).slice(0, 300);

/** The case after the meeting and `cycles` evaluations, each changing the measures (the longest answers the card allows). */
function evaluatedFor(start: AbsenceCase, cycles: number): AbsenceCase {
  let today = "2026-11-23";
  let value = answerTask(start, { answers: { meetingOn: today, measures: MEASURES, evaluationOn: addDays(today, 14) }, answeredBy: TEACHER.aadObjectId, now: new Date(`${today}T10:00:00Z`), today, routine });
  for (let cycle = 0; cycle < cycles; cycle += 1) {
    today = addDays(today, 14);
    value = answerTask(value, {
      answers: { improved: "partly", decision: "change", newMeasures: MEASURES, nextEvaluationOn: addDays(today, 14) },
      answeredBy: TEACHER.aadObjectId,
      now: new Date(`${today}T10:00:00Z`),
      today,
      routine,
    });
  }
  return { ...value, pendingNotices: [] };
}

const P1_AT_STEP_TWO = "pupil_id,date,kind,documented,lesson,subject,minutes,reason\nP1,2026-11-02,day,no\nP1,2026-11-03,day,no\nP1,2026-11-04,day,no\nP1,2026-11-05,day,no\nP1,2026-11-06,day,no\nP1,2026-11-09,day,no\nP2,2026-11-20,present,yes";

describe("a case with a long history", () => {
  let world: World;

  afterEach(async () => world.stop());

  it("keeps a case of 200 evaluation cycles (more than one property holds), and the contact teacher can still answer it", async () => {
    world = await World.start({ files: { feed: P1_AT_STEP_TWO } });
    await world.install(TEACHER);
    await world.night("2026-11-20");
    const opened = await world.caseOf("P1");
    assert.equal(opened?.value.current?.task, "meeting");

    const long = evaluatedFor(opened.value, 200);
    assert.ok(JSON.stringify(long).length > 32_000, `${JSON.stringify(long).length} characters: more than one string property holds`);
    assert.equal(long.current?.serial, 202, "the meeting and 200 evaluations before it");
    assert.ok(long.done.length <= HISTORY_KEPT + 5, `${long.done.length} earlier tasks kept on the case`);
    assert.deepEqual(long.done[0]?.task, "meeting", "the meeting is kept: the referral summary quotes its measures");
    await world.store.cases.update(long, opened.etag);
    const read = await world.store.cases.get("S1", long.caseId);
    assert.deepEqual(read?.value, JSON.parse(JSON.stringify(long)));

    // The coordinator's «innsyn» shows the whole kept history, a page at a time within a Teams message.
    await world.install(COORDINATOR);
    await postActivity(world.bot.url, message(COORDINATOR, world.connector.url, "innsyn P1"));
    type Card = { actions?: { title: string; data: Record<string, unknown> }[] };
    const pages: Card[] = [];
    const sent = world.connector.cards(personalConversationId(COORDINATOR)).filter((card) => JSON.stringify(card).includes("Innsyn: Emma Eksempel")).pop() as Card | undefined;
    for (let card: Card | undefined = sent; card; ) {
      pages.push(card);
      assert.ok(Buffer.byteLength(JSON.stringify(card)) < 24_000, `page ${pages.length} is ${Buffer.byteLength(JSON.stringify(card))} bytes`);
      const more = card.actions?.find((action) => action.title === "Vis flere");
      card = more ? ((await postActivity(world.bot.url, cardAction(COORDINATOR, world.connector.url, LIST_PAGE_VERB, more.data))).body as { value: Card }).value : undefined;
    }
    assert.ok(pages.length > 1, "more than one page");
    assert.equal(pages.map((page) => JSON.stringify(page)).join("").match(/evaluation: improved=partly/g)?.length, long.done.length - 1, "every kept evaluation");

    const answered = await world.answer(TEACHER, "P1", { improved: "yes", decision: "close" });
    assert.match(JSON.stringify(answered.body), /Saken er avsluttet|avsluttet/);
    const closed = await world.caseOf("P1");
    assert.equal(closed?.value.stage, "closed");
    assert.equal(closed?.value.done.at(-1)?.serial, 202);
  });

  it("reads a case stored before cases were chunked (one body property), and chunks it when it is next written", async () => {
    world = await World.start();
    await world.install(TEACHER);
    await world.night("2026-11-20");
    const stored = await world.caseOf("P1");
    assert.ok(stored);
    const table = world.store.storage.table("cases");
    await table.upsertEntity({ partitionKey: "S1", rowKey: stored.value.caseId, pupilId: "P1", stage: stored.value.stage, body: JSON.stringify(stored.value) }, "Replace");
    const legacy = await world.store.cases.get("S1", stored.value.caseId);
    assert.deepEqual(legacy?.value, stored.value);
    assert.equal((await world.store.cases.listOpen("S1")).length, (await world.store.cases.listSchool("S1")).filter((c) => c.value.stage !== "closed").length);

    await world.answer(TEACHER, "P1", { guardiansContacted: "no", documented: "no", cause: "unknown", pupilHeard: "no", nurseInformed: "no" });
    const entity = await table.getEntity<Record<string, unknown>>("S1", stored.value.caseId);
    assert.equal(entity.body, undefined, "written again in chunks");
    assert.equal((await world.store.cases.get("S1", stored.value.caseId))?.value.done[0]?.task, "follow-up");
  });
});
