import assert from "node:assert/strict";
import { personalConversationId } from "../harness/activities";
import { DEPUTY, LEADER, TEACHER } from "../harness/municipality";
import { World } from "../harness/world";

/** Emma (P1) away six school days in a row up to Friday 20 November (30 %); Noah (P2) two days of twenty (10 %). */
const FEED = ["pupil_id,date,kind,documented", ...["13", "16", "17", "18", "19", "20"].map((day) => `P1,2026-11-${day},day,no`), "P2,2026-11-02,day,no", "P2,2026-11-19,day,yes"].join("\n");

describe("triage by severity", () => {
  let world: World;

  afterEach(async () => world.stop());

  it("lists a teacher's cases most severe first, each with its severity in one line", async () => {
    world = await World.start({ files: { feed: FEED } });
    await world.install(TEACHER);
    await world.night("2026-11-20");
    const list = await world.say(TEACHER, "mine saker");
    const emma = list.indexOf("Emma Eksempel");
    const noah = list.indexOf("Noah Nordmann");
    assert.ok(emma >= 0 && noah > emma, "Emma, the severe case, comes first");
    assert.match(list, /Høy: 30 % siste 4 uker, 6 dager på rad, steg 2/);
    assert.match(list, /Lav: 10 % siste 4 uker/);
  });

  it("tells the leaders of a severe unanswered case at once, in the delivery hours; a less severe one waits for the digest", async () => {
    world = await World.start({ now: "2026-11-21T05:00:00Z", files: { feed: FEED } });
    await world.install(TEACHER, LEADER, DEPUTY);
    await world.night("2026-11-20");
    const emma = (await world.caseOf("P1"))?.value;
    assert.equal(emma?.current?.task, "meeting");
    assert.equal(emma?.current?.dueOn, "2026-11-27");

    world.at("2026-11-26T05:00:00Z");
    const wednesday = await world.night("2026-11-25");
    assert.equal(wednesday.casesEscalated, 1, "Noah's follow-up was due on the 25th");
    world.at("2026-11-28T05:00:00Z");
    const friday = await world.night("2026-11-27");
    assert.equal(friday.casesEscalated, 1, "Emma's meeting was due on the 27th");

    const escalations = (await world.store.outbox.list()).filter((message) => message.kind === "escalation");
    assert.deepEqual(escalations.map((message) => [message.subject, message.notBefore]).sort(), [
      [emma?.caseId, "2026-11-30T07:00:00.000Z"],
      [emma?.caseId, "2026-11-30T07:00:00.000Z"],
    ], "Emma's case to both leaders, on Monday at 08:00 in Oslo; Noah's in the digest only");
    world.at("2026-11-30T07:01:00Z");
    await world.bot.sender.drain();
    const toLeader = world.connector.cards(personalConversationId(LEADER)).map((card) => JSON.stringify(card));
    assert.equal(toLeader.length, 1);
    assert.match(toLeader[0] ?? "", /Emma Eksempel/);
  });
});
