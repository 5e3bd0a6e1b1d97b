import assert from "node:assert/strict";
import { personalConversationId } from "../harness/activities";
import { ORGANISATION, TEACHER } from "../harness/municipality";
import { World } from "../harness/world";

const text = (value: unknown) => JSON.stringify(value);
type InvokeBody = { type: string; value: unknown };

/** Noah (P2) is away ten school days in a row, 9 to 20 November 2026, and back on Monday 23 November. */
const NOAH_AWAY = ["2026-11-09", "2026-11-10", "2026-11-11", "2026-11-12", "2026-11-13", "2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"];
/** Sara (P3) is away from 10 November and still away on the 23rd. */
const SARA_AWAY = ["2026-11-10", "2026-11-11", "2026-11-12", "2026-11-13", "2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20", "2026-11-23"];
const feed = (...extra: string[]) =>
  ["pupil_id,date,kind,documented,lesson,subject,minutes,reason", ...NOAH_AWAY.map((date) => `P2,${date},day,no,,,,`), ...SARA_AWAY.map((date) => `P3,${date},day,no,,,,`), ...extra].join("\n");

/** The feed of Friday night 20 November: Sara's Monday is not in it yet. */
const fridayFeed = () => feed().split("\n").filter((line) => !line.includes("2026-11-23")).join("\n");

const PLAN = { welcomeTalk: "yes", adjustedTimetable: "yes", dailyCheckIn: "other-adult", evaluationOn: "2026-12-08" };

describe("the return to school after a long absence, over HTTP", () => {
  let world: World;

  afterEach(async () => world.stop());

  it("asks the contact teacher the return questions with the absence shown, evaluates on the agreed day with attendance before and after, and closes only when attendance held", async function () {
    this.timeout(30_000);
    world = await World.start({ now: "2026-11-21T04:00:00Z", files: { feed: fridayFeed() } });
    await world.install(TEACHER);
    await world.night("2026-11-20");
    assert.equal((await world.caseOf("P2"))?.value.current?.task, "meeting", "ten days away: the rules have started the meeting");

    await world.files.replaceFeed(feed());
    world.at("2026-11-24T04:00:00Z");
    const night = await world.night("2026-11-23");
    assert.equal(night.casesReturned, 1, "Noah is back; Sara is still away");
    const noah = (await world.caseOf("P2"))?.value;
    assert.equal(noah?.current?.task, "return");
    assert.deepEqual(noah?.done.map((task) => [task.task, task.supersededOn]), [["meeting", "2026-11-23"]]);
    assert.notEqual((await world.caseOf("P3"))?.value.current?.task, "return");
    assert.ok((await world.store.audit.list()).some((entry) => entry.action === "case.return" && entry.subject === noah?.caseId));

    world.at("2026-11-24T07:30:00Z");
    await world.bot.sender.drain();
    const returnCard = world.connector.cards(personalConversationId(TEACHER)).map(text).find((card) => card.includes("Noah Nordmann") && card.includes("velkomstsamtale"));
    assert.ok(returnCard, "the return card");
    for (const label of ["Er det holdt en velkomstsamtale med eleven?", "Har eleven fått tilpasset timeplan?", "Hvem sjekker inn med eleven hver dag de to første ukene?", "Dato for evaluering"]) {
      assert.ok(returnCard.includes(label), label);
    }
    assert.match(returnCard, /Borte 10 av 10 skoledager fra 09\.11\.2026 til 20\.11\.2026\. Tilbake på skolen 23\.11\.2026\./);
    assert.ok(!world.connector.cards(personalConversationId(TEACHER)).map(text).some((card) => card.includes("Sara Solberg") && card.includes("velkomstsamtale")), "no return card for a pupil still away");

    world.at("2026-11-24T09:00:00Z");
    const answered = await world.answer(TEACHER, "P2", PLAN);
    assert.match(text((answered.body as InvokeBody).value), /Neste steg: evaluering 08\.12\.2026/);
    const evaluating = (await world.caseOf("P2"))?.value;
    assert.equal(evaluating?.current?.task, "evaluation");
    assert.equal(evaluating?.current?.openedOn, "2026-12-08");
    assert.equal(evaluating?.measuresStartedOn, "2026-11-23");

    // Noah misses one day after coming back.
    await world.files.replaceFeed(feed("P2,2026-12-01,day,yes,,,,"));
    world.at("2026-12-08T04:00:00Z");
    await world.night("2026-12-07");
    world.at("2026-12-08T07:30:00Z");
    await world.bot.sender.drain();
    const evaluationCard = world.connector.cards(personalConversationId(TEACHER)).map(text).find((card) => card.includes("Noah Nordmann") && card.includes("Har oppmøtet holdt seg?"));
    assert.ok(evaluationCard, "the evaluation card on the agreed day");
    assert.match(evaluationCard, /Før tiltakene: 83,3 % borte \(12 skoledager\)\. Etter at tiltakene startet 23\.11\.2026: 8,3 % borte \(12 skoledager\)\./);
    assert.match(evaluationCard, /Oppmøte per skoleuke, eldste først \(\| = tiltakene startet\): █▁▁\|█▇█/);

    const refused = await world.answer(TEACHER, "P2", { improved: "partly", decision: "close" });
    assert.match(text((refused.body as InvokeBody).value), /Saken kan ikke avsluttes før oppmøtet har holdt seg/);
    assert.equal((await world.caseOf("P2"))?.value.stage, "awaiting-answer");

    const closed = await world.answer(TEACHER, "P2", { improved: "yes", decision: "close" });
    assert.match(text((closed.body as InvokeBody).value), /Saken er avsluttet/);
    assert.equal((await world.caseOf("P2"))?.value.stage, "closed");
  });

  it("opens a return-to-school case for a pupil back without an open case, once; a pupil still away gets none until back", async () => {
    world = await World.start({ now: "2026-11-24T04:00:00Z", files: { feed: feed(), organisation: { ...ORGANISATION, settings: { rules: [] } } } });
    const night = await world.night("2026-11-23");
    assert.equal(night.casesOpened, 1);
    assert.equal(night.casesReturned, 1);
    const noah = (await world.caseOf("P2"))?.value;
    assert.equal(noah?.concern, "return-to-school");
    assert.equal(noah?.current?.task, "return");
    assert.deepEqual(noah?.returned, { on: "2026-11-23", stretch: { from: "2026-11-09", to: "2026-11-20", schoolDaysAbsent: 10, schoolDays: 10 } });
    assert.equal(await world.caseOf("P3"), undefined, "Sara is still away");

    await world.files.replaceFeed(feed("P1,2026-11-24,late,no,,,10,"));
    world.at("2026-11-25T04:00:00Z");
    const next = await world.night("2026-11-24");
    assert.equal(next.casesReturned, 1, "Sara is back on the 24th");
    assert.equal((await world.caseOf("P3"))?.value.concern, "return-to-school");
    const noahsCases = (await world.store.cases.listSchool("S1")).filter((stored) => stored.value.pupilId === "P2");
    assert.deepEqual(noahsCases.map((stored) => stored.value.current?.serial), [1], "Noah's return is not asked again");
  });
});
