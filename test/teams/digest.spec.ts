import assert from "node:assert/strict";
import { queueDigests } from "../../src/jobs/digests";
import { LIST_PAGE_VERB } from "../../src/teams/cards";
import { cardAction, personalConversationId, postActivity } from "../harness/activities";
import { LEADER, TEACHER } from "../harness/municipality";
import { World } from "../harness/world";

/** 150 pupils in six groups, every one of them absent on two of the last 20 school days. */
function bigSchool() {
  const roster = ["pupil_id,pupil_name,school_id,group,contact_teacher_id"];
  const feed = ["pupil_id,date,kind,documented"];
  for (let index = 1; index <= 150; index += 1) {
    roster.push(`B${index},Elev Nummer ${index},S1,${5 + (index % 6)}A,${TEACHER.aadObjectId}`);
    feed.push(`B${index},2026-11-02,day,no`, `B${index},2026-11-19,day,yes`);
  }
  return { roster: roster.join("\n"), feed: feed.join("\n") };
}

type Card = Record<string, unknown> & { actions?: { verb: string; title: string; data: Record<string, unknown> }[] };

/** The data of a card's «Vis flere» button, if it has one. */
function nextPage(card: Card | undefined): Record<string, unknown> | undefined {
  return card?.actions?.find((action) => action.verb === LIST_PAGE_VERB && action.title === "Vis flere")?.data;
}

describe("the leaders' digests", () => {
  let world: World;

  afterEach(async () => world.stop());

  it("pages a long daily digest in one message with «Vis flere», every page fitting in Teams, and sends it once a day at the delivery hour", async () => {
    world = await World.start({ now: "2026-11-24T06:00:00Z", files: bigSchool() });
    await world.install(LEADER);
    await world.night("2026-11-20");
    world.at("2026-11-26T06:30:00Z");

    assert.equal(await queueDigests({ store: world.store, clock: { now: () => new Date() } }), 2, "one for each leader");
    assert.equal(await queueDigests({ store: world.store, clock: { now: () => new Date() } }), 0, "running twice adds nothing");
    await world.bot.sender.drain();
    assert.equal(world.connector.cards(personalConversationId(LEADER)).length, 0, "07:30 in Oslo is before the delivery hours");

    world.at("2026-11-26T07:15:00Z");
    await world.bot.sender.drain();
    const sent = world.connector.cards(personalConversationId(LEADER));
    assert.equal(sent.length, 1, "one message, however long the lists");
    const pages = [sent[0] as Card];
    for (let more = nextPage(pages[0]); more; more = nextPage(pages[pages.length - 1])) {
      const response = await postActivity(world.bot.url, cardAction(LEADER, world.connector.url, LIST_PAGE_VERB, more));
      pages.push((response.body as { value: Card }).value);
    }
    assert.ok(pages.length >= 3, `${pages.length} pages for 150 overdue cases`);
    for (const [index, page] of pages.entries()) {
      const size = Buffer.byteLength(JSON.stringify(page));
      assert.ok(size < 24_000, `page ${index + 1} is ${size} bytes`);
      assert.match(JSON.stringify(page), new RegExp(`Side ${index + 1} av ${pages.length}`));
    }
    const first = JSON.stringify(pages[0]);
    assert.match(first, /Testvik skole: fravær, dagsoversikt 26\.11\.2026/);
    assert.match(first, /"title":"Ubesvart etter fristen","value":"150"/);
    const everything = pages.map((page) => JSON.stringify(page)).join("");
    assert.equal(everything.match(/Elev Nummer \d+ \(/g)?.length, 150, "every overdue case, once");
    assert.match(everything, /Saker per gruppe og steg/);
    assert.match(everything, /5A.*steg 1: 25/);
  });
});
