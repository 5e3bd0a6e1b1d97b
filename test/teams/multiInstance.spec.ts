import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type { Clock } from "../../src/clock";
import { openStore, type Store } from "../../src/store";
import { BlobLease } from "../../src/store/blobLease";
import { resourceName } from "../../src/store/storage";
import { BOT, personalConversationId, TENANT_ID, type TeamsUser } from "../harness/activities";
import { nightly } from "../harness/bot";
import { startBotProcess, until, type BotProcess } from "../harness/botProcess";
import { LoopbackConnector } from "../harness/loopbackConnector";
import { writeMunicipality } from "../harness/municipality";
import { azuriteConnectionString } from "../harness/rootHooks";

/** In the delivery hours of a school day, so that the nightly run's cards are due at once. */
const SCHOOL_DAY: Clock = { now: () => new Date("2026-11-23T09:00:00Z") };

function teacher(n: number): TeamsUser {
  return { aadObjectId: `70000000-0000-4000-8000-${n.toString().padStart(12, "0")}`, name: `Lærer ${n}` };
}

/** A school whose `teachers` contact teachers have `perTeacher` pupils each, all absent 3 of the last 20 days. */
async function writeSchool(teachers: number, perTeacher: number) {
  const roster = ["pupil_id,pupil_name,school_id,group,contact_teacher_id"];
  const feed = ["pupil_id,date,kind,documented"];
  for (let t = 0; t < teachers; t += 1) {
    for (let p = 0; p < perTeacher; p += 1) {
      roster.push(`E${t}x${p},Elev ${t} ${p},S1,G${t},${teacher(t).aadObjectId}`);
      for (const day of ["2026-11-16", "2026-11-18", "2026-11-20"]) feed.push(`E${t}x${p},${day},day,no`);
    }
  }
  return writeMunicipality({ roster: roster.join("\n"), feed: feed.join("\n") });
}

/** Where each teacher can be reached, as the bot stores it when the app is installed. */
async function seedConversations(store: Store, teachers: number, serviceUrl: string): Promise<void> {
  for (let t = 0; t < teachers; t += 1) {
    const user = teacher(t);
    await store.conversations.save({
      userId: user.aadObjectId,
      reference: { channelId: "msteams", serviceUrl, bot: BOT, user: { id: `29:${user.aadObjectId}`, aadObjectId: user.aadObjectId }, conversation: { id: personalConversationId(user), conversationType: "personal", tenantId: TENANT_ID } },
      updatedAt: new Date().toISOString(),
    });
  }
}

describe("several instances of the bot sharing one storage account", function () {
  this.timeout(60_000);
  let connector: LoopbackConnector;
  let bots: BotProcess[] = [];

  beforeEach(async () => {
    connector = await new LoopbackConnector().start();
    bots = [];
  });

  afterEach(async () => {
    await Promise.all(bots.map((bot) => bot.kill()));
    await connector.stop();
  });

  const prefix = () => `multi${randomUUID().slice(0, 8)}`;
  const queueStore = (tablePrefix: string) => openStore({ connectionString: azuriteConnectionString(), tablePrefix, outboxQueue: true });

  it("delivers every queued card exactly once, bundled per teacher, the work spread over the instances", async () => {
    const tablePrefix = prefix();
    const store = await queueStore(tablePrefix);
    const files = await writeSchool(12, 4);
    await seedConversations(store, 12, connector.url);
    bots = await Promise.all([1, 2].map(() => startBotProcess(tablePrefix, { LOG_LEVEL: "info", OUTBOX_CLAIM_SECONDS: "30" })));

    const summary = await nightly(store, { feedPath: files.feed, rosterPath: files.roster, organisationPath: files.organisation, asOf: "2026-11-20" }, SCHOOL_DAY);
    assert.equal(summary.notificationsQueued, 48);
    await until(async () => (await store.outbox.list()).every((message) => message.status === "sent"), "every card to be sent", 30_000);

    // Each teacher's four pupils come in one card (three or more are bundled), every pupil exactly once.
    for (let t = 0; t < 12; t += 1) {
      const cards = connector.cards(personalConversationId(teacher(t))).map((card) => JSON.stringify(card));
      for (let p = 0; p < 4; p += 1) {
        const named = cards.join("\n").split(`Elev ${t} ${p} (G${t})`).length - 1;
        assert.equal(named, 1, `teacher ${t}: pupil ${p} once`);
      }
    }
    const perInstance = bots.map((bot) => bot.logged("message sent").length);
    const cards = connector.cards().length;
    assert.ok(cards >= 12 && cards < 48, `one card per teacher, not one per pupil: ${cards} cards`);
    assert.equal(perInstance.reduce((sum, count) => sum + count, 0), cards);
    assert.ok(perInstance.every((count) => count > 0), `every instance sent a share: ${perInstance.join(", ")}`);
  });

  it("delivers the cards a killed instance had claimed from another instance, once the claim has run out", async () => {
    const tablePrefix = prefix();
    const store = await queueStore(tablePrefix);
    const files = await writeSchool(3, 2);
    await seedConversations(store, 3, connector.url);
    // The first card's send hangs, as the instance sending it is killed.
    connector.failNext({ status: 201, hangMs: 30_000, when: (body) => Array.isArray(body.attachments) });
    const first = await startBotProcess(tablePrefix, { LOG_LEVEL: "info" });
    bots.push(first);
    await nightly(store, { feedPath: files.feed, rosterPath: files.roster, organisationPath: files.organisation, asOf: "2026-11-20" }, SCHOOL_DAY);
    await until(() => connector.received.some((request) => Array.isArray(request.body.attachments)), "a card's send to be under way");
    const hung = connector.received.find((request) => Array.isArray(request.body.attachments));
    const second = await startBotProcess(tablePrefix, { LOG_LEVEL: "info" });
    bots.push(second);
    await first.kill();

    await until(async () => (await store.outbox.list()).every((message) => message.status === "sent"), "every card to be sent after the kill");
    const hungCard = JSON.stringify((hung?.body.attachments as { content: unknown }[])[0]?.content);
    const attempts = connector.cards().filter((card) => JSON.stringify(card) === hungCard);
    assert.equal(attempts.length, 2, "the cut send and the other instance's: at least once, never lost");
    assert.ok(second.logged("message sent").length >= 1, "the other instance sent it");
    assert.equal(new Set(connector.cards().map((card) => JSON.stringify(card))).size, 6, "each of the six cards arrived");
  });

  it("runs the nightly job once when it is scheduled in every instance at the same moment", async () => {
    const tablePrefix = prefix();
    const files = await writeMunicipality();
    const env = { LOG_LEVEL: "info", NIGHTLY_SCHEDULE: "*/3 * * * * *", ORGANISATION_FILE: files.organisation, ROSTER_FILE: files.roster, FEED_FILE: files.feed };
    bots = await Promise.all([1, 2, 3].map(() => startBotProcess(tablePrefix, env)));
    const store = await queueStore(tablePrefix);

    const skippedTonight = () => bots.flatMap((bot) => bot.logged("nightly run skipped: this night's run has finished already (in another instance)"));
    await until(() => skippedTonight().length >= 2, "the next firing to be skipped in the other instances", 20_000);
    const runs: string[] = [];
    for await (const entity of store.storage.table("runs").listEntities()) if (entity.rowKey !== "latest") runs.push(entity.rowKey as string);
    assert.equal(runs.length, 1, "one run recorded");
    assert.equal(bots.flatMap((bot) => bot.logged("nightly run finished")).length, 1, "one instance ran it");
    const alerts = (await store.outbox.list()).filter((message) => message.subject.startsWith("missing-feed:"));
    assert.deepEqual(alerts, [], "no false alarm about a missing feed");
  });

  it("keeps the nightly lease of a killed instance until it lapses (the lease's seconds after its last renewal), then lets another instance have it", async function () {
    this.timeout(40_000);
    const container = resourceName(prefix(), "leases");
    const script = `
      const { BlobLease } = require(${JSON.stringify(join(__dirname, "..", "..", "src", "store", "blobLease.js"))});
      new BlobLease(${JSON.stringify(azuriteConnectionString())}, ${JSON.stringify(container)}, "nightly", 15)
        .acquire("holder", new Date(), 30 * 60 * 1000).then((held) => console.log(held ? "held" : "refused"));
      setInterval(() => {}, 1000);`;
    const holder = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    const sleepUntil = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - performance.now())));
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.once("data", (data: Buffer) => (String(data).includes("held") ? resolve() : reject(new Error(String(data)))));
      });
      const acquiredAt = performance.now();
      const other = new BlobLease(azuriteConnectionString(), container, "nightly", 15);
      assert.equal(await other.acquire("other", new Date(), 60_000), false, "one holder at a time");
      // Renewed every 5 s: the renewal before the kill carries the lease past its first 15 s.
      await sleepUntil(acquiredAt + 7_000);
      holder.kill("SIGKILL");
      const killedAt = performance.now();
      await sleepUntil(acquiredAt + 16_000);
      assert.equal(await other.acquire("other", new Date(), 60_000), false, "still held 16 s after it was taken: it was renewed");
      while (!(await other.acquire("other", new Date(), 60_000))) {
        assert.ok(performance.now() - killedAt < 17_000, "the lease lapses within 15 s of the holder's last renewal");
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      await other.release("other");
    } finally {
      holder.kill("SIGKILL");
    }
  });
});
