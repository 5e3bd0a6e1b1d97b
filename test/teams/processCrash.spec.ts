import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { freePort } from "../../src/demo/ports";
import { openStore, type Store } from "../../src/store";
import { installationAdd, personalConversationId, postActivity } from "../harness/activities";
import { nightly } from "../harness/bot";
import { LoopbackConnector } from "../harness/loopbackConnector";
import { OTHER_TEACHER, TEACHER, writeMunicipality } from "../harness/municipality";
import { azuriteConnectionString } from "../harness/rootHooks";

const BOT = join(__dirname, "..", "..", "src", "index.js");

/** The real bot (`npm start`) in a process of its own, on the test Azurite; resolves once it listens. */
async function startBotProcess(tablePrefix: string): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--no-deprecation", BOT], {
    env: { ...process.env, STORAGE_CONNECTION_STRING: azuriteConnectionString(), TABLE_PREFIX: tablePrefix, PORT: String(port), OUTBOX_POLL_SECONDS: "0.2", OUTBOX_CLAIM_SECONDS: "2", SEND_TIMEOUT_SECONDS: "60", LOG_LEVEL: "silent", BOT_ID: "", ORGANISATION_FILE: "", ROSTER_FILE: "", FEED_FILE: "" },
    stdio: "ignore",
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  while (!(await fetch(`${url}/healthz`).then((response) => response.ok, () => false))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error("the bot process did not start");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, process: child };
}

async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`waited in vain for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

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
