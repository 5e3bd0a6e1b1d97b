import assert from "node:assert/strict";
import { queueDigests } from "../../src/jobs/digests";
import { SNOOZE_VERB, TASK_VERB, TASK_VIEW_VERB } from "../../src/teams/cards";
import { cardAction, personalConversationId, postActivity, type TeamsUser } from "../harness/activities";
import { DEPUTY, FEED_CSV, LEADER, OTHER_TEACHER, TEACHER } from "../harness/municipality";
import { World } from "../harness/world";

/** Emma (P1) alone is flagged: 2 of the 20 school days up to Friday 20 November (step 1). */
const EMMA_ONLY = "pupil_id,date,kind,documented\nP1,2026-11-02,day,no\nP1,2026-11-19,day,yes";
/** The week after, Emma is away three more days: 25 % starts step 2. */
const MORE_ABSENCE = `${FEED_CSV}\nP1,2026-11-23,day,no\nP1,2026-11-24,day,no\nP1,2026-11-25,day,no`;

const shown = (value: unknown) => JSON.stringify(value);
const cardsTo = (world: World, user: TeamsUser) => world.connector.cards(personalConversationId(user)).map(shown);

/** Clicks a button of Emma's current task card (or the card of task `serial`) as Teams would send it. */
async function click(world: World, user: TeamsUser, verb: string, fields: Record<string, string>, serial?: number) {
  const stored = await world.caseOf("P1");
  assert.ok(stored, "Emma has a case");
  const data = { caseId: stored.value.caseId, schoolId: "S1", serial: serial ?? stored.value.current?.serial ?? 0, ...fields };
  return shown((await postActivity(world.bot.url, cardAction(user, world.connector.url, verb, data))).body);
}

/** The night of `asOf`, run at 05:00 in Oslo the day after. */
async function nightOf(world: World, asOf: string) {
  const next = new Date(`${asOf}T04:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  world.at(next.toISOString());
  return world.night(asOf);
}

function* days(from: string, to: string) {
  for (let day = new Date(`${from}T00:00:00Z`); day <= new Date(`${to}T00:00:00Z`); day.setUTCDate(day.getUTCDate() + 1)) yield day.toISOString().slice(0, 10);
}

describe("putting a task off until a date (snooze), over HTTP", () => {
  let world: World;

  afterEach(async () => world.stop());

  it("keeps reminders and escalation quiet until the date, sends the card again that day, and tells the leaders only after the moved deadline", async function () {
    this.timeout(40_000);
    world = await World.start({ files: { feed: EMMA_ONLY } });
    await world.install(TEACHER, LEADER, DEPUTY);
    await world.night("2026-11-20");
    assert.equal((await world.caseOf("P1"))?.value.current?.dueOn, "2026-11-25");

    // Monday 23 November: the form offers the four reasons and dates up to the evaluation period (10 school days).
    const form = await click(world, TEACHER, TASK_VIEW_VERB, { view: "snooze" });
    assert.match(form, /Hvorfor utsetter du\?/);
    for (const reason of ["Jeg følger allerede opp", "Venter på et møte som er avtalt", "Fraværet er dokumentert og forklart", "Annet"]) assert.ok(form.includes(reason), reason);
    assert.match(form, /"max":"2026-12-07"/);

    const confirmed = await click(world, TEACHER, SNOOZE_VERB, { snoozeReason: "meeting-booked", snoozeUntil: "2026-12-02" });
    assert.match(confirmed, /Utsatt til 02\.12\.2026: Venter på et møte som er avtalt/);
    assert.ok(confirmed.includes(`"verb":"${TASK_VERB}"`), "the teacher can still answer now");
    assert.ok(!confirmed.includes(`"view":"snooze"`), "a task is put off once");
    const snoozed = (await world.caseOf("P1"))?.value;
    assert.deepEqual([snoozed?.snoozed?.until, snoozed?.snoozed?.reason, snoozed?.snoozed?.by, snoozed?.snoozed?.serial], ["2026-12-02", "meeting-booked", TEACHER.aadObjectId, 1]);
    assert.equal(snoozed?.current?.dueOn, "2026-12-07", "three school days after the snooze date");
    assert.ok((await world.store.audit.list()).some((entry) => entry.action === "case.snoozed" && entry.actor === TEACHER.aadObjectId && entry.outcome === "done"));
    assert.match(await world.say(TEACHER, "mine saker"), /utsatt til 02\.12\.2026/);

    for (const asOf of days("2026-11-23", "2026-12-01")) {
      const night = await nightOf(world, asOf);
      assert.deepEqual([night.remindersQueued, night.casesEscalated], [0, 0], `night of ${asOf}`);
    }
    world.at("2026-12-01T14:00:00Z");
    await world.bot.sender.drain();
    assert.ok(!cardsTo(world, TEACHER).some((card) => card.includes("Påminnelse")), "no reminder while the task is put off");

    // Wednesday 2 December, in the delivery hours: the card again, with the new deadline.
    world.at("2026-12-02T07:01:00Z");
    await world.bot.sender.drain();
    const again = cardsTo(world, TEACHER).find((card) => card.includes("Påminnelse du ba om: Emma Eksempel"));
    assert.ok(again, "the card comes again on the day");
    assert.match(again, /Svar innen 07\.12\.2026/);

    for (const asOf of days("2026-12-02", "2026-12-06")) assert.equal((await nightOf(world, asOf)).casesEscalated, 0, `night of ${asOf}`);
    assert.equal((await nightOf(world, "2026-12-07")).casesEscalated, 1, "the moved deadline has passed unanswered");
    world.at("2026-12-08T08:00:00Z");
    await queueDigests({ store: world.store, clock: { now: () => new Date() } });
    await world.bot.sender.drain();
    // Not severe: the leaders read it in the daily digest, among the escalated cases.
    assert.match(cardsTo(world, LEADER).join("\n"), /Meldt til ledelsen.*Emma Eksempel \(7B\).*frist 07\.12\.2026/s);
  });

  it("wakes early when a higher step fires: the teacher is asked at once, and the card of the put-off day never comes", async function () {
    this.timeout(20_000);
    world = await World.start();
    await world.install(TEACHER);
    await world.night("2026-11-20");
    await click(world, TEACHER, SNOOZE_VERB, { snoozeReason: "following-up", snoozeUntil: "2026-12-03" });

    await world.files.replaceFeed(MORE_ABSENCE);
    world.at("2026-11-26T06:00:00Z");
    assert.equal((await world.night("2026-11-25")).casesAdvanced, 1);
    const woken = (await world.caseOf("P1"))?.value;
    assert.equal(woken?.current?.task, "meeting");
    assert.deepEqual(woken?.snoozed?.woken, { on: "2026-11-25", step: 2, why: "higher-step" });
    const audit = (await world.store.audit.list()).find((entry) => entry.action === "case.snooze-woken");
    assert.ok(audit, "the early wake-up is in the audit trail");
    world.at("2026-11-26T07:00:00Z"); // 08:00 in Oslo: the delivery hours of the same morning
    await world.bot.sender.drain();
    assert.ok(cardsTo(world, TEACHER).some((card) => card.includes("møte med foresatte og elev innen en uke")), "the meeting card the same morning");

    world.at("2026-12-03T08:00:00Z");
    await world.bot.sender.drain();
    assert.ok(!cardsTo(world, TEACHER).some((card) => card.includes("Påminnelse du ba om")), "the snooze of the replaced task is over");
  });

  it("refuses a date in the past, today or beyond the period, a second snooze, another teacher and an old card; an answer ends the snooze", async function () {
    this.timeout(20_000);
    world = await World.start();
    await world.install(TEACHER, OTHER_TEACHER);
    await world.night("2026-11-20");
    const before = await world.caseOf("P1");
    const refusals: [string, TeamsUser, Record<string, string>, RegExp][] = [
      ["a date in the past", TEACHER, { snoozeReason: "other", snoozeUntil: "2026-11-20" }, /Velg en dato etter i dag/],
      ["today", TEACHER, { snoozeReason: "other", snoozeUntil: "2026-11-23" }, /Velg en dato etter i dag/],
      ["beyond the evaluation period", TEACHER, { snoozeReason: "other", snoozeUntil: "2026-12-08" }, /Velg en dato senest 07\.12\.2026/],
      ["not a date", TEACHER, { snoozeReason: "other", snoozeUntil: "neste uke" }, /Skriv en gyldig dato/],
      ["no reason", TEACHER, { snoozeUntil: "2026-11-30" }, /Svar på dette spørsmålet/],
      ["a reason that is not one of the choices", TEACHER, { snoozeReason: "ferie", snoozeUntil: "2026-11-30" }, /Velg et av alternativene/],
      ["a teacher who is not Emma's contact teacher", OTHER_TEACHER, { snoozeReason: "other", snoozeUntil: "2026-11-30" }, /Bare elevens kontaktlærer/],
    ];
    for (const [what, user, fields, expected] of refusals) {
      assert.match(await click(world, user, SNOOZE_VERB, fields), expected, what);
      assert.equal((await world.caseOf("P1"))?.etag, before?.etag, `${what}: nothing changed`);
    }
    assert.match(await click(world, TEACHER, SNOOZE_VERB, { snoozeReason: "other", snoozeUntil: "2026-11-30" }, 7), /gjelder et tidligere steg/, "a forged serial");
    assert.ok((await world.store.audit.list()).some((entry) => entry.action === "case.snooze" && entry.actor === OTHER_TEACHER.aadObjectId && entry.outcome === "refused"));

    await click(world, TEACHER, SNOOZE_VERB, { snoozeReason: "documented", snoozeUntil: "2026-11-28" });
    assert.equal((await world.caseOf("P1"))?.value.snoozed?.until, "2026-11-30", "a Saturday becomes the next school day");
    assert.match(await click(world, TEACHER, SNOOZE_VERB, { snoozeReason: "other", snoozeUntil: "2026-12-01" }), /allerede utsatt én gang/);

    await world.answer(TEACHER, "P1", { guardiansContacted: "no", documented: "yes", cause: "known", pupilHeard: "no", nurseInformed: "no" });
    assert.equal((await world.caseOf("P1"))?.value.snoozed, undefined, "the answer ends the snooze");
    world.at("2026-11-30T08:00:00Z");
    await world.bot.sender.drain();
    assert.ok(!cardsTo(world, TEACHER).some((card) => card.includes("Påminnelse du ba om")));
  });
});
