import assert from "node:assert/strict";
import { TeamsAdapter } from "@microsoft/teams-ai";
import { systemClock } from "../../src/clock";
import { silentLogger } from "../../src/log";
import { OutboxSender } from "../../src/teams/outboxSender";
import { personalConversationId } from "../harness/activities";
import { COORDINATOR, DEPUTY, LEADER, ORGANISATION, OTHER_TEACHER, TEACHER } from "../harness/municipality";
import { World } from "../harness/world";

describe("delivery through the outbox to Teams", () => {
  let world: World;

  afterEach(async () => world.stop());

  it("waits as long as Retry-After says when Teams throttles (429), and delivers the card once", async () => {
    world = await World.start();
    await world.install(TEACHER);
    world.connector.failNext({ status: 429, headers: { "retry-after": "1" } });
    await world.night("2026-11-20");
    await world.bot.sender.drain();
    const attempts = world.connector.received.filter((request) => request.conversationId === personalConversationId(TEACHER) && request.body.attachments);
    const throttled = attempts.findIndex((request) => request.status === 429);
    const retry = attempts[throttled + 1];
    assert.ok(throttled >= 0 && retry);
    assert.equal(retry.status, 201);
    assert.ok(retry.at - (attempts[throttled]?.at ?? 0) >= 950, "the retry came after the second Teams asked for");
    assert.equal(world.connector.cards(personalConversationId(TEACHER)).length, 2, "both of the teacher's cards, each once");
  });

  it("retries a failure that outlasts the connection's own retries later, from the outbox, and delivers once", async function () {
    this.timeout(30_000);
    world = await World.start();
    await world.install(TEACHER);
    // The Bot Framework client retries a 5xx three times by itself (about 7 s); the fourth failure reaches the outbox.
    world.connector.failNext({ status: 500 }, { status: 502 }, { status: 503 }, { status: 504 });
    await world.night("2026-11-20");
    const first = await world.bot.sender.drain();
    assert.equal(first.retried, 1);
    assert.equal(first.sent, 1);
    const waiting = (await world.store.outbox.list()).find((message) => message.status === "pending" && message.lastError?.startsWith("504"));
    assert.ok(waiting, "the message waits in the outbox with what went wrong");
    world.at(new Date(Date.parse(waiting.notBefore) + 1000).toISOString());
    await world.bot.sender.drain();
    assert.equal(world.connector.cards(personalConversationId(TEACHER)).length, 2);
    assert.ok((await world.store.outbox.list()).filter((message) => message.kind === "task" && message.recipientId === TEACHER.aadObjectId).every((message) => message.status === "sent"));
  });

  for (const [status, code] of [[403, "MessageWritesBlocked"], [404, "ConversationNotFound"]] as const) {
    it(`treats ${status} ${code} as final: the teacher is marked unreachable, coordinators are told, the leaders get the case`, async () => {
      world = await World.start();
      await world.install(OTHER_TEACHER, LEADER, DEPUTY, COORDINATOR);
      await world.night("2026-11-20");
      world.connector.failNext({ status, body: { error: { code, message: "refused" } } });
      // OTHER_TEACHER is P4's first contact teacher; TEACHER has not installed the app and waits.
      await world.bot.sender.drain();
      const conversation = await world.store.conversations.get(OTHER_TEACHER.aadObjectId);
      assert.equal(conversation?.unreachable?.reason, status === 403 ? "blocked" : "gone");
      const toCoordinator = world.connector.cards(personalConversationId(COORDINATOR)).map((card) => JSON.stringify(card));
      assert.equal(toCoordinator.length, 1);
      assert.match(toCoordinator[0] ?? "", /kan ikke nås i Teams/);
      assert.match(toCoordinator[0] ?? "", /7A/);
      for (const leader of [LEADER, DEPUTY]) {
        const cards = world.connector.cards(personalConversationId(leader)).map((card) => JSON.stringify(card));
        assert.ok(cards.some((card) => card.includes("Kontaktlæreren kan ikke nås: Liam Lund")), "the case reaches each leader");
      }
      const attempts = world.connector.received.filter((request) => request.conversationId === personalConversationId(OTHER_TEACHER)).length;
      await world.bot.sender.drain();
      assert.equal(world.connector.received.filter((request) => request.conversationId === personalConversationId(OTHER_TEACHER)).length, attempts, "never retried");
    });
  }

  it("treats 401 (the bot's own credentials refused) as the bot's problem: retried later, the teacher is not marked unreachable", async () => {
    world = await World.start();
    await world.install(OTHER_TEACHER, COORDINATOR);
    await world.night("2026-11-20");
    world.connector.failNext({ status: 401, body: { message: "Authorization has been denied for this request." } });
    const first = await world.bot.sender.drain();
    assert.equal(first.retried, 1);
    assert.equal((await world.store.conversations.get(OTHER_TEACHER.aadObjectId))?.unreachable, undefined);
    assert.equal(world.connector.cards(personalConversationId(COORDINATOR)).length, 0, "nobody is told a teacher is unreachable");
    const waiting = (await world.store.outbox.list()).find((message) => message.status === "pending" && message.lastError?.startsWith("401"));
    assert.ok(waiting);
    world.at(new Date(Date.parse(waiting.notBefore) + 1000).toISOString());
    await world.bot.sender.drain();
    assert.equal(world.connector.cards(personalConversationId(OTHER_TEACHER)).length, 1, "delivered once the credentials work again");
  });

  it("gives up on a send that hangs after the timeout and retries it later from the outbox, without holding up the drain", async function () {
    this.timeout(30_000);
    world = await World.start({ sendTimeoutSeconds: 1 });
    await world.install(OTHER_TEACHER);
    await world.night("2026-11-20");
    world.connector.failNext({ status: 201, hangMs: 5_000 });
    const started = performance.now();
    const first = await world.bot.sender.drain();
    assert.ok(performance.now() - started < 4_000, "the drain did not wait for the hanging send");
    assert.equal(first.retried, 1);
    const waiting = (await world.store.outbox.list()).find((message) => message.status === "pending" && /no answer from Teams/.test(message.lastError ?? ""));
    assert.ok(waiting, "the message waits with what went wrong");
  });

  it("tells the coordinators when a message is given up for another reason than the recipient (400), and only once a day", async () => {
    world = await World.start();
    await world.install(OTHER_TEACHER, COORDINATOR);
    await world.night("2026-11-20");
    world.connector.failNext({ status: 400, body: { error: { code: "BadArgument", message: "bad card" } } });
    await world.bot.sender.drain();
    assert.equal((await world.store.conversations.get(OTHER_TEACHER.aadObjectId))?.unreachable, undefined, "the teacher is not to blame");
    const alerts = world.connector.cards(personalConversationId(COORDINATOR)).map((card) => JSON.stringify(card));
    assert.equal(alerts.length, 1);
    assert.match(alerts[0] ?? "", /Meldinger kunne ikke leveres/);
    assert.match(alerts[0] ?? "", /siste feil: 400/);
  });

  it("starts the 1:1 chat itself when it has the service URL and the tenant, and stores it", async () => {
    world = await World.start({ serviceUrl: true });
    await world.night("2026-11-20");
    await world.bot.sender.drain();
    const created = world.connector.received.filter((request) => request.method === "POST" && /\/v3\/conversations\/?$/.test(request.path));
    assert.equal(created.length, 2, "one conversation for each teacher who never wrote to the bot");
    assert.deepEqual((created[0]?.body.members as { id: string }[]).map((member) => member.id).length, 1);
    assert.ok(await world.store.conversations.get(TEACHER.aadObjectId));
    assert.equal(world.connector.cards().length, 3);
  });

  it("sends a message written to the outbox before a crash once after the restart, and one claimed during a crash once too", async () => {
    world = await World.start();
    await world.install(TEACHER);
    await world.night("2026-11-20");
    // The process died after writing to the outbox and before sending: a new sender (a restarted process) finds it.
    const [first, second] = (await world.store.outbox.list()).filter((message) => message.recipientId === TEACHER.aadObjectId);
    assert.ok(first && second);
    // And this one was claimed by a sender that died in the middle of sending.
    await world.store.outbox.claim(second, new Date(), 1000);
    const restarted = new OutboxSender({ store: world.store, adapter: new TeamsAdapter({}), botAppId: "", clock: systemClock, logger: silentLogger, defaultLocale: "nb" });
    await restarted.drain();
    assert.equal(world.connector.cards(personalConversationId(TEACHER)).length, 1, "the unclaimed one at once");
    world.at(new Date(Date.now() + 5000).toISOString());
    await restarted.drain();
    await restarted.drain();
    assert.equal(world.connector.cards(personalConversationId(TEACHER)).length, 2, "the other once its claim ran out");
    const statuses = (await world.store.outbox.list()).filter((message) => message.recipientId === TEACHER.aadObjectId).map((message) => message.status);
    assert.deepEqual(statuses, ["sent", "sent"]);
  });

  it("never sends more than 7 messages a second to one conversation", async () => {
    world = await World.start();
    await world.install(TEACHER);
    await world.store.organisation.save(ORGANISATION as never);
    for (let index = 0; index < 10; index += 1) {
      await world.store.outbox.enqueue({ kind: "digest", subject: `daily|2026-11-${10 + index}`, serial: 0, schoolId: "S1", recipientId: TEACHER.aadObjectId }, new Date());
    }
    await world.bot.sender.drain();
    const sends = world.connector.received.filter((request) => request.conversationId === personalConversationId(TEACHER) && request.body.attachments);
    assert.equal(sends.length, 10);
    for (let index = 7; index < sends.length; index += 1) {
      const windowStart = sends[index - 7]?.at ?? 0;
      assert.ok((sends[index]?.at ?? 0) - windowStart >= 950, `send ${index + 1} came ${Math.round((sends[index]?.at ?? 0) - windowStart)} ms after send ${index - 6}`);
    }
  });
});

