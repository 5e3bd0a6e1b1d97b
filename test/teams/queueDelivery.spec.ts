import assert from "node:assert/strict";
import { openStore } from "../../src/store";
import { BOT, personalConversationId, TENANT_ID } from "../harness/activities";
import { nightly } from "../harness/bot";
import { TEACHER } from "../harness/municipality";
import { azuriteConnectionString } from "../harness/rootHooks";
import { World } from "../harness/world";

/** The teacher's 1:1 chat as the bot stores it when the app is installed (stored directly: no drain follows). */
function installationReference(serviceUrl: string): Record<string, unknown> {
  const conversation = { id: personalConversationId(TEACHER), conversationType: "personal", tenantId: TENANT_ID };
  return { channelId: "msteams", serviceUrl, bot: BOT, user: { id: `29:${TEACHER.aadObjectId}`, aadObjectId: TEACHER.aadObjectId }, conversation };
}

describe("delivery through the delivery queue (several instances)", () => {
  let world: World;

  afterEach(async () => world.stop());

  const teacherCards = () => world.connector.cards(personalConversationId(TEACHER)).map((card) => JSON.stringify(card));

  it("sends a message the queue hands out twice once, and leaves the queue empty", async () => {
    world = await World.start({ outboxQueue: true });
    await world.install(TEACHER);
    await world.night("2026-11-20");
    const queue = world.store.outbox.queue;
    assert.ok(queue, "the store hands messages out through a queue");
    for (const message of await world.store.outbox.list()) await queue.put(message.id, new Date(), new Date());
    await world.bot.sender.drain();
    await world.bot.sender.drain();
    assert.equal(teacherCards().length, 2, "each of the teacher's two cards");
    assert.equal(new Set(teacherCards()).size, 2, "none twice");
    assert.deepEqual(await queue.take(32, 1), [], "the duplicates are gone from the queue too");
  });

  it("puts a message whose queue message was lost back in the queue once it is overdue, and sends it", async () => {
    world = await World.start({ outboxQueue: true });
    await world.store.conversations.save({ userId: TEACHER.aadObjectId, reference: installationReference(world.connector.url), updatedAt: new Date().toISOString() });
    // The run wrote the outbox but the queue never got the messages (a crash between the two).
    const withoutQueue = await openStore({ connectionString: azuriteConnectionString(), tablePrefix: world.store.tablePrefix });
    await nightly(withoutQueue, { feedPath: world.files.feed, rosterPath: world.files.roster, organisationPath: world.files.organisation, asOf: "2026-11-20" });
    assert.equal(await world.store.outbox.requeueOverdue(new Date(), 4 * 60 * 1000), 0, "not overdue yet: the queue may just be busy");

    world.at("2026-11-23T09:05:00Z");
    const result = await world.bot.sender.drain();
    assert.equal(result.sent, 2);
    assert.equal(teacherCards().length, 2);
    assert.equal(new Set(teacherCards()).size, 2, "none twice");
  });

  it("hides a throttled message (429) in the queue as long as Retry-After says, then delivers it once", async function () {
    this.timeout(30_000);
    world = await World.start({ outboxQueue: true });
    await world.install(TEACHER);
    // The Bot Framework client retries a few times by itself; the fourth 429 to the same card reaches the outbox.
    let card: string | undefined;
    const sameCard = (body: Record<string, unknown>) => Array.isArray(body.attachments) && (card ??= JSON.stringify(body.attachments)) === JSON.stringify(body.attachments);
    const throttle = { status: 429, headers: { "retry-after": "1" }, when: sameCard };
    world.connector.failNext(throttle, throttle, throttle, throttle);
    await world.night("2026-11-20");
    const first = await world.bot.sender.drain();
    assert.equal(first.retried, 1);
    assert.equal(first.sent, 1);
    world.at("2026-11-23T09:00:02Z");
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    await world.bot.sender.drain();
    const attempts = world.connector.received.filter((request) => request.conversationId === personalConversationId(TEACHER) && request.body.attachments);
    const throttled = attempts.findLastIndex((request) => request.status === 429);
    const retry = attempts.slice(throttled + 1).find((request) => JSON.stringify(request.body.attachments) === JSON.stringify(attempts[throttled]?.body.attachments));
    assert.ok(retry && retry.at - (attempts[throttled]?.at ?? 0) >= 950, "the retry came after the second Teams asked for");
    assert.equal(new Set(teacherCards()).size, 2);
    assert.equal(teacherCards().length, 2, "both cards, each once");
  });
});
