import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { openStore, type Store } from "../../src/store";
import { installationAdd, personalConversationId, postActivity } from "../harness/activities";
import { nightly } from "../harness/bot";
import { startBotProcess, until } from "../harness/botProcess";
import { LoopbackConnector } from "../harness/loopbackConnector";
import { OTHER_TEACHER, TEACHER, writeMunicipality } from "../harness/municipality";
import { azuriteConnectionString } from "../harness/rootHooks";

describe("the bot process killed (kill -9) and started again", function () {
  this.timeout(60_000);
  let connector: LoopbackConnector;
  const bots: ChildProcess[] = [];

  beforeEach(async () => {
    connector = await new LoopbackConnector().start();
  });

  afterEach(async () => {
    for (const bot of bots) bot.kill("SIGKILL");
    await connector.stop();
  });

  async function seed(): Promise<{ store: Store; prefix: string }> {
    const prefix = `crash${Date.now().toString(36)}`;
    const store = await openStore({ connectionString: azuriteConnectionString(), tablePrefix: prefix });
    const files = await writeMunicipality();
    await nightly(store, { feedPath: files.feed, rosterPath: files.roster, organisationPath: files.organisation, asOf: "2026-11-20" });
    return { store, prefix };
  }

  it("sends the messages written to the outbox before the kill exactly once after the restart", async () => {
    const { store, prefix } = await seed();
    const first = await startBotProcess(prefix);
    bots.push(first.process);
    first.process.kill("SIGKILL");
    await new Promise((resolve) => first.process.once("exit", resolve));

    const second = await startBotProcess(prefix);
    bots.push(second.process);
    await postActivity(second.url, installationAdd(TEACHER, connector.url));
    await until(async () => (await store.outbox.list()).filter((message) => message.recipientId === TEACHER.aadObjectId && message.kind === "task").every((message) => message.status === "sent"), "the teacher's cards to be sent");
    assert.equal(connector.cards(personalConversationId(TEACHER)).length, 2, "each of the teacher's two cards once");
  });

  it("sends a message whose send was cut by the kill again once its claim has expired, and marks it sent (at least once)", async () => {
    const { store, prefix } = await seed();
    const first = await startBotProcess(prefix);
    bots.push(first.process);
    connector.failNext({ status: 201, hangMs: 30_000, when: (body) => Array.isArray(body.attachments) });
    await postActivity(first.url, installationAdd(OTHER_TEACHER, connector.url));
    await until(() => connector.received.some((request) => request.conversationId === personalConversationId(OTHER_TEACHER) && Array.isArray(request.body.attachments)), "the card's send to be under way");
    first.process.kill("SIGKILL");
    await new Promise((resolve) => first.process.once("exit", resolve));

    const second = await startBotProcess(prefix);
    bots.push(second.process);
    await until(async () => (await store.outbox.list()).filter((message) => message.recipientId === OTHER_TEACHER.aadObjectId).every((message) => message.status === "sent"), "the card to be sent after the claim expired");
    const attempts = connector.received.filter((request) => request.conversationId === personalConversationId(OTHER_TEACHER) && request.method === "POST" && (request.body.attachments as unknown[] | undefined)?.length);
    assert.equal(attempts.length, 2, "the cut send and the one after the restart: Teams may show it twice, never zero times");
  });
});
