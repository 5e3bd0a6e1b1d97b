import assert from "node:assert/strict";
import { SchoolCalendar } from "../../src/domain/calendar";
import { nextDeliveryTime } from "../../src/domain/delivery";
import { personalConversationId } from "../harness/activities";
import { DEPUTY, LEADER, ORGANISATION, TEACHER } from "../harness/municipality";
import { World } from "../harness/world";

/** The test school with a planning day on Tuesday 1 December 2026. */
const WITH_PLANNING_DAY = {
  ...ORGANISATION,
  schools: ORGANISATION.schools.map((school) => ({
    ...school,
    calendar: { ...school.calendar, closed: [...school.calendar.closed, { from: "2026-12-01", to: "2026-12-01", name: "Planleggingsdag" }] },
  })),
};

describe("reminders and escalation follow school days and the delivery hours", () => {
  let world: World;

  afterEach(async () => world.stop());

  it("reminds at half the deadline and on the deadline day, escalates after it, never on a weekend or a closed day", async () => {
    world = await World.start({ now: "2026-11-27T06:00:00Z", files: { organisation: WITH_PLANNING_DAY, feed: "pupil_id,date,kind,documented\nP1,2026-11-25,day,no\nP1,2026-11-26,day,no" } });
    await world.install(TEACHER, LEADER, DEPUTY);
    const notBefore = async (kind: string) =>
      (await world.store.outbox.list()).filter((message) => message.kind === kind && message.subject === emma).map((message) => message.notBefore).sort();
    let emma = "";

    // Friday 27 November: the case opens, judged on Thursday; due three school days later, skipping the planning day.
    await world.night("2026-11-26");
    const opened = await world.caseOf("P1");
    emma = opened?.value.caseId ?? "";
    assert.equal(opened?.value.current?.dueOn, "2026-12-02");

    // Saturday's run (judging Friday): half the deadline has passed; the reminder waits for Monday 08:00 in Oslo.
    world.at("2026-11-28T06:00:00Z");
    const saturday = await world.night("2026-11-27");
    assert.equal(saturday.remindersQueued, 1);
    assert.deepEqual(await notBefore("reminder"), ["2026-11-30T07:00:00.000Z"]);

    for (const [now, asOf] of [["2026-11-29T06:00:00Z", "2026-11-28"], ["2026-11-30T06:00:00Z", "2026-11-29"]]) {
      world.at(now as string);
      assert.equal((await world.night(asOf)).remindersQueued, 0, "one gentle reminder");
    }

    // Tuesday is a planning day: the last reminder is for Wednesday, the deadline day.
    world.at("2026-12-01T06:00:00Z");
    assert.equal((await world.night("2026-11-30")).remindersQueued, 1);
    assert.deepEqual(await notBefore("last-reminder"), ["2026-12-02T07:00:00.000Z"]);
    world.at("2026-12-02T06:00:00Z");
    assert.equal((await world.night("2026-12-01")).casesEscalated, 0, "not before the deadline day has ended");

    // Thursday: the deadline has passed; the case is escalated. It is not severe, so the leaders read it in the digest.
    world.at("2026-12-03T05:30:00Z");
    const thursday = await world.night("2026-12-02");
    assert.equal(thursday.casesEscalated, 1);
    assert.deepEqual(await notBefore("escalation"), [], "no message of its own: the daily digest lists it");
    world.at("2026-12-03T07:01:00Z");
    await world.bot.sender.drain();
    assert.equal(world.connector.cards(personalConversationId(LEADER)).length, 0);
    const toTeacher = world.connector.cards(personalConversationId(TEACHER)).map((card) => JSON.stringify(card));
    assert.ok(toTeacher.some((card) => card.includes("Påminnelse: Emma Eksempel")));
    assert.ok(toTeacher.some((card) => card.includes("Siste påminnelse: Emma Eksempel")));
  });

  it("does not send a reminder for a task that was answered in the meantime", async () => {
    world = await World.start({ now: "2026-11-27T06:00:00Z", files: { feed: "pupil_id,date,kind,documented\nP1,2026-11-25,day,no\nP1,2026-11-26,day,no" } });
    await world.install(TEACHER);
    await world.night("2026-11-26");
    world.at("2026-11-27T07:00:00Z"); // 08:00 in Oslo: the delivery hours open and the first card goes out
    await world.bot.sender.drain();
    world.at("2026-11-28T06:00:00Z");
    await world.night("2026-11-27");
    await world.answer(TEACHER, "P1", { guardiansContacted: "no", documented: "no", cause: "unknown", pupilHeard: "no", nurseInformed: "no" });
    world.at("2026-11-30T08:00:00Z");
    const result = await world.bot.sender.drain();
    assert.equal(result.skipped, 1, "the reminder is dropped");
    assert.ok(!world.connector.cards(personalConversationId(TEACHER)).some((card) => JSON.stringify(card).includes("Påminnelse")));
  });
});

describe("the delivery hours", () => {
  const calendar = new SchoolCalendar({ schoolYear: { from: "2026-08-17", to: "2027-06-18" }, closed: [] });
  const at = (instant: string) => nextDeliveryTime({ now: new Date(instant), calendar, timeZone: "Europe/Oslo", hours: { from: "08:00", to: "16:00" } }).toISOString();

  it("keep a message from 16:00 until 08:00 the next school day, across a weekend, in winter and in summer time", () => {
    assert.equal(at("2026-11-27T15:30:00Z"), "2026-11-30T07:00:00.000Z", "Friday 16:30 in Oslo waits for Monday");
    assert.equal(at("2026-11-26T10:00:00Z"), "2026-11-26T10:00:00.000Z", "inside the hours: at once");
    assert.equal(at("2027-05-18T05:00:00Z"), "2027-05-18T06:00:00.000Z", "07:00 in summer time waits for 08:00 (06:00 UTC)");
    assert.equal(at("2027-05-16T12:00:00Z"), "2027-05-18T06:00:00.000Z", "Sunday, then Monday 17 May (Constitution Day) is a public holiday");
  });
});
