import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sinon from "sinon";
import type { Store } from "../../src/store";
import { message, postActivity, TENANT_ID } from "../harness/activities";
import { translator } from "../../src/i18n";
import { runNightlyWithin } from "../../src/jobs/runDeadline";
import { silentLogger } from "../../src/log";
import { nightly, startTestBot, TEST_WORK_DIR } from "../harness/bot";
import { startBotProcess, startRefusedBot, until } from "../harness/botProcess";
import { LoopbackConnector } from "../harness/loopbackConnector";
import { accepts, externalAddress, HAS_PROC, isAlive, isLoopbackAddress, listeningSockets, processTree } from "../harness/processes";
import { TokenIssuer } from "../harness/tokenIssuer";
import { TEACHER, writeMunicipality } from "../harness/municipality";
import { freshStore } from "../harness/store";

describe("the bot server", () => {
  let store: Store;
  let connector: LoopbackConnector;

  beforeEach(async () => {
    store = await freshStore();
    connector = await new LoopbackConnector().start();
  });

  afterEach(async () => {
    await connector.stop();
  });

  it("answers the health check with the kind of storage, its status and the last nightly run", async () => {
    const bot = await startTestBot(store);
    try {
      const first = await (await fetch(`${bot.url}/healthz`)).json();
      assert.deepEqual(first, { status: "ok", storage: "emulator", storageStatus: "ok", mode: "local", nightly: "not-scheduled", lastNightlyRun: null });

      const files = await writeMunicipality();
      await nightly(store, { feedPath: files.feed, rosterPath: files.roster, organisationPath: files.organisation, asOf: "2026-11-20" });
      const health = (await (await fetch(`${bot.url}/healthz`)).json()) as { nightly: string; lastNightlyRun: { asOf: string; finishedAt: string; outcome: string } };
      assert.equal(health.lastNightlyRun.asOf, "2026-11-20");
      assert.equal(health.lastNightlyRun.outcome, "ok");
      assert.equal(health.nightly, "ok");
      assert.ok(Date.parse(health.lastNightlyRun.finishedAt));
    } finally {
      await bot.close();
    }
  });

  it("answers the health check with a failed or missing night as degraded, but 200, so that the instance stays in service; ok again after a good night", async () => {
    let now = new Date("2026-11-23T06:00:00Z"); // Monday, 07:00 in Oslo
    const clock = { now: () => now };
    const files = await writeMunicipality();
    const input = { feedPath: files.feed, rosterPath: files.roster, organisationPath: files.organisation, workDir: TEST_WORK_DIR };
    const bot = await startTestBot(store, { clock, nightlyFiles: input });
    const health = async () => {
      const response = await fetch(`${bot.url}/healthz`);
      return { code: response.status, body: (await response.json()) as { status: string; nightly: string; lastNightlyRun: { outcome: string; ageHours: number } | null } };
    };
    const night = (asOf: string) => runNightlyWithin({ store, clock, logger: silentLogger, t: translator("nb") }, { ...input, asOf }, { deadlineMs: 600_000 });
    try {
      assert.deepEqual((await health()).body, { status: "ok", storage: "emulator", storageStatus: "ok", mode: "local", nightly: "waiting", lastNightlyRun: null }, "a new installation waits for its first night");

      const failing = sinon.stub(store.pupils, "saveAll").rejects(new Error("the storage refused the write"));
      await night("2026-11-20");
      failing.restore();
      now = new Date("2026-11-23T08:00:00Z");
      const failed = await health();
      assert.equal(failed.code, 200);
      assert.equal(failed.body.status, "degraded");
      assert.equal(failed.body.nightly, "failed");
      assert.equal(failed.body.lastNightlyRun?.outcome, "failed");
      assert.equal(failed.body.lastNightlyRun?.ageHours, 2);

      await night("2026-11-20");
      assert.equal((await health()).body.status, "ok");
      assert.equal((await health()).body.nightly, "ok");

      now = new Date("2026-11-25T05:00:00Z"); // Wednesday morning, before its run: Tuesday's run is missing
      const missing = await health();
      assert.deepEqual([missing.code, missing.body.status, missing.body.nightly], [200, "degraded", "missing"]);

      now = new Date("2026-11-27T06:00:00Z"); // Friday's run
      await night("2026-11-26");
      now = new Date("2026-11-30T05:30:00Z"); // Monday before the run: a weekend without runs is not a missed run
      assert.equal((await health()).body.nightly, "ok");
    } finally {
      await bot.close();
    }
  });

  it("stores the conversation of a user who writes to the bot, and answers in bokmål", async () => {
    const bot = await startTestBot(store);
    try {
      const response = await postActivity(bot.url, message(TEACHER, connector.url, "hei"));
      assert.equal(response.status, 200);
      const stored = await store.conversations.get(TEACHER.aadObjectId);
      assert.equal((stored?.reference.conversation as { id: string }).id, `a:personal-${TEACHER.aadObjectId}`);
      const replies = connector.sent();
      assert.equal(replies.length, 1);
      assert.match(String(replies[0]?.text), /Du får et kort fra meg/);
    } finally {
      await bot.close();
    }
  });

  it("refuses an activity without a Bot Framework token when BOT_ID is set, and changes nothing", async () => {
    const bot = await startTestBot(store, { botId: "00000000-0000-4000-8000-00000000b07" });
    // The Bot Framework adapter prints each refused request to the console; keep the test output readable.
    const quiet = sinon.stub(console, "error");
    try {
      const response = await fetch(`${bot.url}/api/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(message(TEACHER, connector.url, "hei")),
      });
      assert.equal(response.status, 401);
      const forged = await postActivity(bot.url, message(TEACHER, connector.url, "hei"), { authorization: "Bearer not-a-token" });
      assert.equal(forged.status, 401);
      assert.equal(await store.conversations.get(TEACHER.aadObjectId), undefined);
      assert.equal(connector.received.length, 0);
    } finally {
      quiet.restore();
      await bot.close();
    }
  });

  it("ignores activities from another tenant than the municipality's, changes nothing, and keeps the attempt in the audit trail", async () => {
    const bot = await startTestBot(store, { tenantId: TENANT_ID });
    try {
      const stranger = message(TEACHER, connector.url, "mine saker");
      const otherTenant = "99999999-9999-4999-8999-999999999999";
      const foreign = { ...stranger, conversation: { ...stranger.conversation, tenantId: otherTenant }, channelData: { tenant: { id: otherTenant } } };
      await postActivity(bot.url, foreign);
      assert.equal(connector.received.length, 0, "no answer");
      assert.equal(await store.conversations.get(TEACHER.aadObjectId), undefined, "nothing stored");
      const audit = await store.audit.list();
      assert.deepEqual(audit.map((entry) => [entry.action, entry.outcome]), [["activity.otherTenant", "refused"]]);

      await postActivity(bot.url, message(TEACHER, connector.url, "hei"));
      assert.equal(connector.sent().length, 1, "the municipality's own teacher is answered");
    } finally {
      await bot.close();
    }
  });

  it("accepts an activity with a valid Bot Framework token (signed locally, checked against a local OpenID metadata endpoint), and refuses a forged, expired or wrong-audience one", async () => {
    const issuer = await new TokenIssuer().start();
    const botId = "00000000-0000-4000-8000-00000000b07";
    const bot = await startTestBot(store, { botId, openIdMetadata: issuer.metadataUrl });
    const quiet = sinon.stub(console, "error");
    try {
      const activity = message(TEACHER, connector.url, "hei");
      const post = (token: string) => postActivity(bot.url, activity, { authorization: `Bearer ${token}` });
      for (const [what, token, status] of [
        ["signed by another key", issuer.token({ audience: botId, serviceUrl: connector.url, signedByStranger: true }), 401],
        ["for another bot", issuer.token({ audience: "11111111-0000-4000-8000-000000000000", serviceUrl: connector.url }), 401],
        ["expired", issuer.token({ audience: botId, serviceUrl: connector.url, expiresInSeconds: -600 }), 401],
      ] as const) {
        assert.equal((await post(token)).status, status, what);
      }
      assert.equal(await store.conversations.get(TEACHER.aadObjectId), undefined, "nothing stored for a refused token");
      const accepted = await post(issuer.token({ audience: botId, serviceUrl: connector.url }));
      assert.equal(accepted.status, 200);
      assert.ok(await store.conversations.get(TEACHER.aadObjectId), "the valid activity is handled");
    } finally {
      quiet.restore();
      await bot.close();
      await issuer.stop();
    }
  });
});

describe("the bot process: where it listens, and what it refuses to start with", function () {
  this.timeout(60_000);
  const authenticated = { BOT_ID: "00000000-0000-4000-8000-00000000b07", BOT_PASSWORD: "test-secret", BOT_TENANT_ID: TENANT_ID };

  it("listens on loopback only in local mode, its embedded emulator too, says so at start, and leaves nothing behind when killed", async function () {
    if (!HAS_PROC) this.skip();
    const folder = await mkdtemp(join(tmpdir(), "tidlig-local-"));
    const bot = await startBotProcess(`lo${Date.now().toString(36)}`, { LOG_LEVEL: "info", STORAGE_CONNECTION_STRING: "", LOCAL_DATA_DIR: folder, LOCAL_STORAGE_PORT: "0" });
    const tree = processTree(bot.process.pid as number);
    try {
      const port = Number(new URL(bot.url).port);
      const listening = listeningSockets(tree);
      assert.equal(tree.length, 2, "the bot and its embedded emulator");
      assert.equal(listening.length, 4, `the bot and the emulator's Table, Blob and Queue services: ${JSON.stringify(listening)}`);
      assert.deepEqual(listening.filter((socket) => socket.port === port), [{ address: "127.0.0.1", port }]);
      assert.deepEqual(listening.filter((socket) => !isLoopbackAddress(socket.address)), [], "nothing listens beyond loopback");
      const external = externalAddress();
      if (external) assert.equal(await accepts(external, port), false, `not reachable at ${external}`);
      const [started] = bot.logged("bot listening on /api/messages");
      assert.equal(started?.host, "127.0.0.1");
      assert.equal(started?.loopbackOnly, true);
      assert.equal(bot.logged("BOT_ID is empty: local mode, activities are accepted without token checks, so the bot listens on loopback only (never use this in production)").length, 1);
      const health = (await (await fetch(`${bot.url}/healthz`)).json()) as Record<string, unknown>;
      assert.deepEqual([health.storage, health.mode], ["emulator", "local"]);

      await bot.kill();
      await until(() => tree.every((pid) => !isAlive(pid)), "the emulator to end with the bot", 10_000);
    } finally {
      await bot.kill();
      for (const pid of tree) if (isAlive(pid)) process.kill(pid, "SIGKILL");
    }
  });

  it("with BOT_ID listens on every interface (as App Service needs), and /healthz names the storage an emulator", async function () {
    if (!HAS_PROC) this.skip();
    const bot = await startBotProcess(`au${Date.now().toString(36)}`, authenticated);
    try {
      const port = Number(new URL(bot.url).port);
      assert.deepEqual(listeningSockets([bot.process.pid as number]).filter((socket) => socket.port === port), [{ address: "0.0.0.0", port }]);
      const health = (await (await fetch(`${bot.url}/healthz`)).json()) as Record<string, unknown>;
      assert.deepEqual([health.storage, health.storageStatus, health.mode], ["emulator", "ok", "authenticated"]);
    } finally {
      await bot.kill();
    }
  });

  it("refuses to start in local mode with a HOST beyond loopback, and says why", async () => {
    const refused = await startRefusedBot({ HOST: "0.0.0.0" });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /HOST: must be a loopback address \(127\.0\.0\.1, ::1 or localhost\) while BOT_ID is empty/);
    assert.equal(await accepts("127.0.0.1", refused.port), false);
  });

  for (const [where, env] of [
    ["when BOT_ID is set", authenticated],
    ["in Azure App Service", { WEBSITE_SITE_NAME: "app-tidlig-x1", WEBSITE_INSTANCE_ID: "0a1b2c3d" }],
  ] as const) {
    it(`refuses to start on the embedded emulator ${where}, and says to set STORAGE_CONNECTION_STRING`, async () => {
      const folder = await mkdtemp(join(tmpdir(), "tidlig-noemulator-"));
      const refused = await startRefusedBot({ ...env, STORAGE_CONNECTION_STRING: "", LOCAL_DATA_DIR: folder, LOCAL_STORAGE_PORT: "0" });
      assert.equal(refused.code, 1, "stopped at once, not running on the emulator");
      assert.match(refused.stderr, new RegExp(`STORAGE_CONNECTION_STRING: is required ${where}: set it to the storage account's connection string`));
    });
  }
});
