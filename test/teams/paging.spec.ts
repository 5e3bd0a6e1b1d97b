import assert from "node:assert/strict";
import { queueDigests } from "../../src/jobs/digests";
import { LIST_PAGE_VERB } from "../../src/teams/cards";
import { cardAction, message, personalConversationId, postActivity, type TeamsUser } from "../harness/activities";
import { COORDINATOR, LEADER, TEACHER } from "../harness/municipality";
import { World } from "../harness/world";

/** What every message and every page must stay under, serialized: Teams refuses larger ones (about 28 KB in some clients). */
const BUDGET_BYTES = 24_000;

/** `count` pupils in ten groups, every one absent on two of the last 20 school days: a case each, the same severity. */
function bigSchool(count: number) {
  const roster = ["pupil_id,pupil_name,school_id,group,contact_teacher_id"];
  const feed = ["pupil_id,date,kind,documented"];
  for (let index = 1; index <= count; index += 1) {
    roster.push(`B${index},Elev Nummer ${index},S1,${1 + (index % 10)}A,${TEACHER.aadObjectId}`);
    feed.push(`B${index},2026-11-02,day,no`, `B${index},2026-11-19,day,yes`);
  }
  return { roster: roster.join("\n"), feed: feed.join("\n") };
}

type Card = Record<string, unknown> & { actions?: { verb: string; title: string; data: Record<string, unknown> }[] };

function bytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}

function pupilsOn(card: unknown): string[] {
  return JSON.stringify(card).match(/Elev Nummer \d+ \(/g) ?? [];
}

/** Presses «Vis flere» until the last page, as Teams would (Action.Execute); returns every page, the first included. */
async function pageThrough(world: World, user: TeamsUser, first: Card): Promise<Card[]> {
  const pages = [first];
  for (let card = first; ; ) {
    const more = card.actions?.find((action) => action.verb === LIST_PAGE_VERB && action.title === "Vis flere");
    if (!more) return pages;
    const response = await postActivity(world.bot.url, cardAction(user, world.connector.url, LIST_PAGE_VERB, more.data));
    card = (response.body as { value: Card }).value;
    assert.equal(card.type, "AdaptiveCard", JSON.stringify(response.body).slice(0, 200));
    pages.push(card);
    assert.ok(pages.length < 100, "the pages end");
  }
}

/** The card of the bot's last message to the user, checking the whole activity against the budget. */
function lastCard(world: World, user: TeamsUser): Card {
  const activity = world.connector.sent(personalConversationId(user)).pop();
  assert.ok(activity, "the bot answered");
  assert.ok(bytes(activity) < BUDGET_BYTES, `the message is ${bytes(activity)} bytes`);
  const card = (activity.attachments as { content: Card }[] | undefined)?.[0]?.content;
  assert.ok(card, "the answer is a card");
  return card;
}

for (const count of [200, 1_000]) {
  describe(`long lists with ${count} open cases page within Teams' message size`, function () {
    this.timeout(300_000);
    let world: World;

    before(async () => {
      world = await World.start({ now: "2026-11-24T06:00:00Z", files: bigSchool(count) });
      await world.install(TEACHER, LEADER, COORDINATOR);
      const night = await world.night("2026-11-20");
      assert.equal(night.casesOpened, count);
    });

    after(async () => world.stop());

    it("shows a leader's «mine saker» a page at a time, and every case is reached with «Vis flere»", async () => {
      await postActivity(world.bot.url, message(LEADER, world.connector.url, "mine saker"));
      const first = lastCard(world, LEADER);
      const pages = await pageThrough(world, LEADER, first);
      assert.ok(pages.length > 1);
      for (const [index, page] of pages.entries()) {
        assert.ok(bytes(page) < BUDGET_BYTES, `page ${index + 1} is ${bytes(page)} bytes`);
        assert.match(JSON.stringify(page), new RegExp(`Side ${index + 1} av ${pages.length}`));
        if (index > 0) assert.ok(page.actions?.some((action) => action.title === "Forrige side"), "a way back");
      }
      const seen = pages.flatMap(pupilsOn);
      assert.equal(seen.length, count, "every case once");
      assert.equal(new Set(seen).size, count);
    });

    it("takes a page asked for in words («mine saker 2») and a page past the end as the last page", async () => {
      await postActivity(world.bot.url, message(TEACHER, world.connector.url, "mine saker 2"));
      assert.match(JSON.stringify(lastCard(world, TEACHER)), /Side 2 av \d+/);
      const response = await postActivity(world.bot.url, cardAction(TEACHER, world.connector.url, LIST_PAGE_VERB, { list: "my-cases", page: 99_999 }));
      const card = (response.body as { value: Card }).value;
      assert.match(JSON.stringify(card), /Side (\d+) av \1/);
      assert.ok(!card.actions?.some((action) => action.title === "Vis flere"));
    });

    it("refuses another user's list pages by role: a teacher cannot page through the coordinator's status or the leaders' digest", async () => {
      const status = await postActivity(world.bot.url, cardAction(TEACHER, world.connector.url, LIST_PAGE_VERB, { list: "status", page: 1 }));
      assert.match(JSON.stringify(status.body), /er for koordinatorer/);
      const digest = await postActivity(world.bot.url, cardAction(TEACHER, world.connector.url, LIST_PAGE_VERB, { list: "digest", schoolId: "S1", subject: "daily|2026-11-26", page: 2 }));
      assert.doesNotMatch(JSON.stringify(digest.body), /Elev Nummer/);
      const forged = await postActivity(world.bot.url, cardAction(LEADER, world.connector.url, LIST_PAGE_VERB, { list: "every-pupil", page: "1; drop" }));
      assert.doesNotMatch(JSON.stringify(forged.body), /Elev Nummer/);
    });

    it("sends the leaders' daily digest as one message under the budget, and «Vis flere» reaches every overdue case", async () => {
      world.at("2026-11-26T07:15:00Z");
      await queueDigests({ store: world.store, clock: { now: () => new Date() } });
      await world.bot.sender.drain();
      const digests = world.connector.sent(personalConversationId(LEADER)).filter((activity) => JSON.stringify(activity).includes("dagsoversikt"));
      assert.equal(digests.length, 1, "one message, not one per page");
      const first = lastCard(world, LEADER);
      assert.match(JSON.stringify(first), new RegExp(`"title":"Ubesvart etter fristen","value":"${count}"`));
      const pages = await pageThrough(world, LEADER, first);
      for (const [index, page] of pages.entries()) assert.ok(bytes(page) < BUDGET_BYTES, `page ${index + 1} is ${bytes(page)} bytes`);
      const overdue = pages.flatMap(pupilsOn);
      assert.equal(new Set(overdue).size, count, "every overdue case can be reached");
      assert.match(pages.map((page) => JSON.stringify(page)).join(""), /Saker per gruppe og steg/);
    });

    it("lists in «status» every person who cannot be reached, a page at a time", async () => {
      for (let index = 1; index <= count; index += 1) {
        const userId = `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`;
        await world.store.conversations.save({ userId, reference: {}, name: `Lærer Nummer ${index}`, updatedAt: new Date().toISOString(), unreachable: { reason: "blocked", at: new Date().toISOString() } } as never);
      }
      await postActivity(world.bot.url, message(COORDINATOR, world.connector.url, "status"));
      const first = lastCard(world, COORDINATOR);
      assert.match(JSON.stringify(first), new RegExp(`"title":"Kan ikke nås i Teams","value":"${count}"`));
      const pages = await pageThrough(world, COORDINATOR, first);
      for (const [index, page] of pages.entries()) assert.ok(bytes(page) < BUDGET_BYTES, `page ${index + 1} is ${bytes(page)} bytes`);
      const people = pages.flatMap((page) => JSON.stringify(page).match(/Lærer Nummer \d+"/g) ?? []);
      assert.equal(new Set(people).size, count);
    });
  });
}
