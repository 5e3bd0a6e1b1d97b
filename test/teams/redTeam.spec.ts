import assert from "node:assert/strict";
import sinon from "sinon";
import { BUNDLE_VERB, SNOOZE_VERB, TASK_VERB, TASK_VIEW_VERB } from "../../src/teams/cards";
import { COMMANDS } from "../../src/teams/commands";
import { ERASE_CONFIRM_VERB } from "../../src/teams/commands/pupilData";
import { CONFIRM_VERB } from "../../src/teams/commands/settings";
import type { Store } from "../../src/store";
import { BOT, cardAction, message, personalConversationId, postActivity, TENANT_ID, type TeamsUser } from "../harness/activities";
import { startTestBot } from "../harness/bot";
import { LoopbackConnector } from "../harness/loopbackConnector";
import { COORDINATOR, DEPUTY, LEADER, ORGANISATION, OTHER_TEACHER, ROSTER_CSV, TEACHER } from "../harness/municipality";
import { freshStore } from "../harness/store";
import { TokenIssuer } from "../harness/tokenIssuer";
import { World } from "../harness/world";

/** Attacks on every door, as an outsider and as a signed-in user of the wrong role: each one refused and kept. */

const FOLLOW_UP = { guardiansContacted: "yes", guardiansContactedOn: "2026-11-23", guardiansResult: "concerned", documented: "no", cause: "vague", pattern: "weekday", pupilHeard: "yes", pupilSaid: "Vil ikke", nurseInformed: "yes" };
const PUPIL_NAMES = ["Emma Eksempel", "Noah Nordmann", "Sara Solberg", "Liam Lund"];

/** A second school with its own leader, coordinator and contact teacher, beside the test municipality's S1. */
const LEADER_S2: TeamsUser = { aadObjectId: "66666666-6666-4666-8666-666666666666", name: "Siri Skoleleder" };
const COORDINATOR_S2: TeamsUser = { aadObjectId: "77777777-7777-4777-8777-777777777777", name: "Stig Skolekoordinator" };
const TEACHER_S2: TeamsUser = { aadObjectId: "88888888-8888-4888-8888-888888888888", name: "Tone Lærer" };
const TWO_SCHOOLS = {
  ...ORGANISATION,
  schools: [...ORGANISATION.schools, { ...ORGANISATION.schools[0], id: "S2", name: "Nordvik skole", leaders: [LEADER_S2.aadObjectId], coordinators: [COORDINATOR_S2.aadObjectId], resourceTeam: undefined }],
};
const TWO_SCHOOLS_ROSTER = `${ROSTER_CSV}\nP9,Petter Pettersen,S2,5A,5,${TEACHER_S2.aadObjectId},`;

/** A message or card action as Teams sends it from a team's channel or a group chat. */
function outsidePersonalChat<T extends { conversation: Record<string, unknown>; channelData: Record<string, unknown> }>(activity: T, where: "channel" | "groupChat"): T {
  const conversationId = where === "channel" ? "19:channel-1@thread.tacv2;messageid=1700000000000" : "19:groupchat-1@thread.v2";
  return {
    ...activity,
    conversation: { ...activity.conversation, id: conversationId, conversationType: where, isGroup: true },
    channelData: { ...activity.channelData, ...(where === "channel" ? { team: { id: "19:team-1@thread.tacv2" }, channel: { id: "19:channel-1@thread.tacv2" } } : {}) },
    entities: [{ type: "mention", mentioned: BOT, text: "<at>Tidlig</at>" }],
  };
}

const refusedActions = async (store: Store) => (await store.audit.list()).filter((entry) => entry.outcome === "refused").map((entry) => entry.action);

describe("the red-team pass: every door attacked", () => {
  describe("tokens: only the Bot Connector's own, for this bot, from this tenant and this connector", () => {
    const botId = "00000000-0000-4000-8000-00000000b07";
    let store: Store;
    let connector: LoopbackConnector;
    let foreign: LoopbackConnector;
    let issuer: TokenIssuer;
    let quiet: sinon.SinonStub;

    beforeEach(async () => {
      store = await freshStore();
      connector = await new LoopbackConnector().start();
      foreign = await new LoopbackConnector().start();
      issuer = await new TokenIssuer().start();
      // The Bot Framework adapter prints each refused request to the console; keep the test output readable.
      quiet = sinon.stub(console, "error");
    });

    afterEach(async () => {
      quiet.restore();
      await Promise.all([connector.stop(), foreign.stop(), issuer.stop()]);
    });

    it("refuses each forged, stolen or misdirected token with 401 (or ignores it), stores nothing, sends nothing, and keeps every attempt", async () => {
      const bot = await startTestBot(store, { botId, openIdMetadata: issuer.metadataUrl, serviceUrl: connector.url, tenantId: TENANT_ID });
      try {
        const activity = message(TEACHER, connector.url, "mine saker");
        const valid = { audience: botId, serviceUrl: connector.url };
        const attacks: [string, Record<string, unknown>, Record<string, string>, number][] = [
          ["no token", activity, {}, 401],
          ["not a token", activity, { authorization: "Bearer not-a-token" }, 401],
          ["another scheme", activity, { authorization: `Basic ${Buffer.from("tidlig:secret").toString("base64")}` }, 401],
          ["unsigned (alg none)", activity, { authorization: `Bearer ${issuer.token({ ...valid, algorithm: "none" })}` }, 401],
          ["the public key as an HMAC secret (alg confusion)", activity, { authorization: `Bearer ${issuer.token({ ...valid, algorithm: "HS256" })}` }, 401],
          ["an unknown key id", activity, { authorization: `Bearer ${issuer.token({ ...valid, keyId: "someone-elses-key" })}` }, 401],
          ["signed by another key", activity, { authorization: `Bearer ${issuer.token({ ...valid, signedByStranger: true })}` }, 401],
          ["for another bot", activity, { authorization: `Bearer ${issuer.token({ ...valid, audience: "11111111-0000-4000-8000-000000000000" })}` }, 401],
          ["the audience changed after signing", activity, { authorization: `Bearer ${issuer.token({ ...valid, audience: "11111111-0000-4000-8000-000000000000", tamperedAudience: botId })}` }, 401],
          ["from another issuer", activity, { authorization: `Bearer ${issuer.token({ ...valid, issuer: "https://sts.windows.net/99999999-9999-4999-8999-999999999999/" })}` }, 401],
          ["expired", activity, { authorization: `Bearer ${issuer.token({ ...valid, expiresInSeconds: -600 })}` }, 401],
          ["not valid yet", activity, { authorization: `Bearer ${issuer.token({ ...valid, notBeforeInSeconds: 3600 })}` }, 401],
          ["a token for one connector on an activity naming another", message(TEACHER, foreign.url, "mine saker"), { authorization: `Bearer ${issuer.token(valid)}` }, 401],
        ];
        for (const [what, body, headers, status] of attacks) {
          const response = await postActivity(bot.url, body, headers);
          assert.equal(response.status, status, what);
        }
        assert.equal(await store.conversations.get(TEACHER.aadObjectId), undefined, "nothing stored");
        assert.equal(connector.received.length + foreign.received.length, 0, "nothing sent");
        await waitFor(async () => (await refusedActions(store)).length >= attacks.length);
        const kept = await store.audit.list();
        assert.equal(kept.filter((entry) => entry.action === "activity.unauthenticated").length, attacks.length, "every refused token is in the audit trail");
        assert.ok(kept.every((entry) => entry.actor === "unauthenticated"), "without the id the request claimed");

        const foreignConnector = await postActivity(bot.url, message(TEACHER, foreign.url, "mine saker"), { authorization: `Bearer ${issuer.token({ audience: botId, serviceUrl: foreign.url })}` });
        const otherTenant = "99999999-9999-4999-8999-999999999999";
        const fromOtherTenant = { ...activity, conversation: { ...activity.conversation, tenantId: otherTenant }, channelData: { tenant: { id: otherTenant } } };
        await postActivity(bot.url, fromOtherTenant, { authorization: `Bearer ${issuer.token(valid)}` });
        assert.notEqual(foreignConnector.status, 500);
        assert.equal(foreign.received.length, 0, "a valid token naming another connector: nothing goes there");
        assert.equal(connector.received.length, 0, "another tenant: no answer");
        assert.equal(await store.conversations.get(TEACHER.aadObjectId), undefined, "nothing stored");
        const refused = await refusedActions(store);
        assert.ok(refused.includes("activity.foreignServiceUrl") && refused.includes("activity.otherTenant"), refused.join(", "));

        const accepted = await postActivity(bot.url, activity, { authorization: `Bearer ${issuer.token(valid)}` });
        assert.equal(accepted.status, 200, "the Bot Connector's own token still works");
        assert.ok(await store.conversations.get(TEACHER.aadObjectId), "and its activity is handled");
      } finally {
        await bot.close();
      }
    });
  });

  describe("channels and group chats never show pupil data", () => {
    let world: World;

    beforeEach(async () => {
      world = await World.start();
      await world.install(TEACHER, LEADER, COORDINATOR);
      await world.night("2026-11-20");
      await world.bot.sender.drain();
    });

    afterEach(async () => world.stop());

    it("answers every command in a channel or group chat with a pointer to the personal chat, and nothing else", async () => {
      const before = world.connector.received.length;
      const attempts: [TeamsUser, string, "channel" | "groupChat"][] = [
        [LEADER, "mine saker", "channel"],
        [COORDINATOR, "innsyn P1", "channel"],
        [COORDINATOR, "status", "channel"],
        [COORDINATOR, "terskler", "groupChat"],
        [TEACHER, "mine saker", "groupChat"],
        [COORDINATOR, "slett elev P1", "channel"],
      ];
      for (const [user, text, where] of attempts) await postActivity(world.bot.url, outsidePersonalChat(message(user, world.connector.url, `<at>Tidlig</at> ${text}`), where));
      const replies = world.connector.received.slice(before);
      assert.equal(replies.length, attempts.length, "one answer each");
      for (const reply of replies) {
        const shown = JSON.stringify(reply.body);
        assert.match(shown, /bare i en personlig chat/, "a pointer to the personal chat");
        assert.ok(!(reply.body as { attachments?: unknown }).attachments, "no card");
        for (const name of PUPIL_NAMES) assert.ok(!shown.includes(name), `no pupil name: ${name}`);
        assert.notEqual(reply.conversationId, personalConversationId(COORDINATOR));
      }
      assert.ok(await world.store.pupils.get("S1", "P1"), "nothing erased");
      const refused = await refusedActions(world.store);
      assert.equal(refused.filter((action) => action === "chat.outsidePersonalChat").length, attempts.length, "every attempt is in the audit trail");
    });

    it("refuses a card button pressed outside a personal chat, even on the user's own case, and changes nothing", async () => {
      const stored = await world.caseOf("P1");
      assert.ok(stored?.value.current);
      const own = { caseId: stored.value.caseId, schoolId: "S1", serial: stored.value.current.serial };
      for (const [verb, data] of [
        [TASK_VIEW_VERB, { ...own, view: "questions" }],
        [TASK_VERB, { ...own, ...FOLLOW_UP }],
        [BUNDLE_VERB, {}],
      ] as const) {
        const response = await postActivity(world.bot.url, outsidePersonalChat(cardAction(TEACHER, world.connector.url, verb, data), "channel"));
        const shown = JSON.stringify(response.body);
        assert.match(shown, /bare gjøres i en personlig chat/, verb);
        assert.ok(!shown.includes("Emma"), `${verb}: no pupil shown`);
      }
      assert.equal((await world.caseOf("P1"))?.etag, stored.etag, "the case did not change");
      assert.equal((await refusedActions(world.store)).filter((action) => action === "card.outsidePersonalChat").length, 3);
    });
  });

  describe("signed-in users of the wrong role", () => {
    let world: World;

    beforeEach(async () => {
      world = await World.start({ files: { organisation: TWO_SCHOOLS, roster: TWO_SCHOOLS_ROSTER } });
      await world.install(TEACHER, OTHER_TEACHER, LEADER, DEPUTY, COORDINATOR, LEADER_S2, COORDINATOR_S2, TEACHER_S2);
      await world.night("2026-11-20");
      await world.bot.sender.drain();
    });

    afterEach(async () => world.stop());

    const press = async (user: TeamsUser, verb: string, data: Record<string, unknown>) => JSON.stringify((await postActivity(world.bot.url, cardAction(user, world.connector.url, verb, data))).body);

    it("refuses teacher B every button on teacher A's case, however the card's data is edited, and a replayed answer counts once", async () => {
      const stored = await world.caseOf("P1");
      assert.ok(stored?.value.current);
      const own = { caseId: stored.value.caseId, schoolId: "S1", serial: stored.value.current.serial };
      for (const user of [OTHER_TEACHER, TEACHER_S2, LEADER_S2, COORDINATOR]) {
        for (const [verb, data] of [
          [TASK_VERB, { ...own, ...FOLLOW_UP }],
          [TASK_VIEW_VERB, { ...own, view: "questions" }],
          [TASK_VIEW_VERB, { ...own, view: "snooze" }],
          [SNOOZE_VERB, { ...own, snoozeReason: "meeting-booked", snoozeUntil: "2026-12-02" }],
          [TASK_VERB, { ...own, ...FOLLOW_UP, schoolId: "S2" }],
        ] as const) {
          const shown = await press(user, verb, data);
          assert.ok(!shown.includes("Emma"), `${user.name} ${verb}: no pupil shown`);
        }
      }
      assert.equal((await world.caseOf("P1"))?.etag, stored.etag, "nothing changed");
      const refused = (await world.store.audit.list()).filter((entry) => entry.outcome === "refused");
      assert.equal(refused.length, 20, "every attempt is in the audit trail");

      const answer = await press(TEACHER, TASK_VERB, { ...own, ...FOLLOW_UP });
      assert.match(answer, /Besvart: Emma Eksempel/);
      const replay = await press(TEACHER, TASK_VERB, { ...own, ...FOLLOW_UP });
      assert.match(replay, /Besvart: Emma Eksempel/, "the replay shows the answered card");
      const answered = await world.caseOf("P1");
      assert.equal(answered?.value.done.filter((task) => task.serial === own.serial).length, 1, `answered once: ${JSON.stringify(answered?.value.done)} ${JSON.stringify(answered?.value.current)}`);
      assert.equal((await world.store.audit.list()).filter((entry) => entry.action.startsWith("case.answer") && entry.outcome === "done").length, 1, "one answer in the audit trail");
    });

    it("refuses coordinator commands to teachers and leaders, and their forged confirmation cards", async () => {
      const versions = (await world.store.settings.history()).length;
      const coordinatorCommands = COMMANDS.filter((command) => command.role === "coordinator");
      const args: Record<string, string> = { "terskel sett": " days-percent minPercent 5", "terskel tilbakestill": " days-percent", innsyn: " P1", "slett elev": " P1" };
      for (const user of [TEACHER, LEADER]) {
        for (const command of coordinatorCommands) {
          const name = command.names[0] ?? "";
          const reply = await world.say(user, `${name}${args[name] ?? ""}`);
          assert.match(reply, /er for koordinatorer/, `${user.name}: ${name}`);
          assert.ok(!reply.includes("Emma"), `${user.name}: ${name} shows no pupil`);
        }
        assert.match(await press(user, CONFIRM_VERB, { baseVersion: 1, change: { kind: "pause", paused: true } }), /er for koordinatorer/);
        assert.match(await press(user, ERASE_CONFIRM_VERB, { pupilId: "P1", schoolId: "S1" }), /Fant ingen elev/);
      }
      assert.ok(await world.store.pupils.get("S1", "P1"), "nobody was erased");
      assert.equal((await world.store.settings.history()).length, versions, "no setting changed");
      const refused = await refusedActions(world.store);
      assert.equal(refused.length, 2 * (coordinatorCommands.length + 2), refused.join(", "));
    });

    it("keeps a school's coordinator and leader to their own school", async () => {
      const versions = (await world.store.settings.history()).length;
      for (const text of ["terskel sett days-percent minPercent 5 S1", "terskel tilbakestill days-percent S1", "pause S1", "innsyn P1", "slett elev P1"]) {
        const reply = await world.say(COORDINATOR_S2, text);
        assert.ok(!reply.includes(CONFIRM_VERB) && !reply.includes(ERASE_CONFIRM_VERB), `${text}: nothing to confirm`);
        assert.ok(!reply.includes("Emma"), `${text}: no pupil of S1`);
      }
      assert.match(await press(COORDINATOR_S2, CONFIRM_VERB, { baseVersion: 1, change: { kind: "pause", paused: true, schoolId: "S1" } }), /er for koordinatorer/);
      assert.match(await press(COORDINATOR_S2, ERASE_CONFIRM_VERB, { pupilId: "P1", schoolId: "S1" }), /Fant ingen elev/);
      assert.ok(await world.store.pupils.get("S1", "P1"));
      assert.equal((await world.store.settings.history()).length, versions);
      assert.equal((await refusedActions(world.store)).length, 7, "every attempt is in the audit trail");

      const status = await world.say(COORDINATOR_S2, "status");
      assert.ok(!status.includes("Ola Annenlærer") && !status.includes("rader"), "a school's status shows neither another school's people nor the municipality's feed");
      const leaderOfS2 = await world.say(LEADER_S2, "mine saker");
      for (const name of PUPIL_NAMES) assert.ok(!leaderOfS2.includes(name), `the leader of S2 sees no pupil of S1: ${name}`);
      assert.match(await world.say(LEADER, "mine saker"), /Emma Eksempel/, "the leader of S1 does");
    });
  });

  describe("people's text is shown as text", () => {
    it("keeps a markdown link, an address and emphasis in a teacher's note from becoming a link or formatting in the card", async () => {
      const world = await World.start();
      try {
        await world.install(TEACHER);
        await world.night("2026-11-20");
        const note = "Se [skjemaet](https://evil.example/login) og www.evil.example **NÅ**";
        const response = await world.answer(TEACHER, "P1", { ...FOLLOW_UP, pupilSaid: note });
        const texts = JSON.stringify(response.body);
        assert.match(texts, /skjemaet/, "the note is shown");
        assert.ok(!texts.includes("](https://") && !texts.includes("**NÅ**"), "no link, no bold");
        assert.ok(!/https:\/\/evil|www\.evil/.test(texts), "no address a client would turn into a link");
        assert.equal((await world.caseOf("P1"))?.value.done[0]?.answers?.pupilSaid, note, "stored as written");
      } finally {
        await world.stop();
      }
    });
  });

  describe("bad input in every field that reaches a storage key or filter", () => {
    let world: World;

    beforeEach(async () => {
      world = await World.start();
      await world.install(TEACHER, COORDINATOR);
      await world.night("2026-11-20");
    });

    afterEach(async () => world.stop());

    it("answers ids with / \\ # ?, quotes, control characters, OData and 1 000 characters with a clear refusal, and changes nothing", async () => {
      const versions = (await world.store.settings.history()).length;
      const stored = await world.caseOf("P1");
      assert.ok(stored?.value.current);
      const own = { caseId: stored.value.caseId, schoolId: "S1", serial: stored.value.current.serial };
      const hostile = ["S1/../S2", "S1\\S2", "S1#x", "S1?x=1", "S1'", "S1' or PartitionKey ne '", "S1\u0000\u0007", "S1\r\nS2", "x".repeat(1000), "%2F%23"];
      for (const schoolId of hostile) {
        for (const verb of [TASK_VERB, TASK_VIEW_VERB, SNOOZE_VERB]) {
          const response = await postActivity(world.bot.url, cardAction(TEACHER, world.connector.url, verb, { ...own, ...FOLLOW_UP, view: "questions", snoozeReason: "meeting-booked", snoozeUntil: "2026-12-02", schoolId }));
          assert.equal(response.status, 200, `${verb} ${JSON.stringify(schoolId)}`);
          assert.match(JSON.stringify(response.body), /Fant ikke saken|kunne ikke leses/, `${verb} ${JSON.stringify(schoolId)}`);
        }
      }
      for (const caseId of ["../x", "x' or RowKey ne '", "\u0000", "y".repeat(1000)]) {
        const response = await postActivity(world.bot.url, cardAction(TEACHER, world.connector.url, TASK_VERB, { ...own, ...FOLLOW_UP, caseId }));
        assert.match(JSON.stringify(response.body), /kunne ikke leses/, JSON.stringify(caseId));
      }
      assert.equal((await world.caseOf("P1"))?.etag, stored.etag, "nothing changed");
      assert.equal((await refusedActions(world.store)).length, hostile.length * 3 + 4, "every attempt is in the audit trail");

      // Commands are read as words (punctuation dropped), so quotes, slashes and operators never reach a filter.
      for (const text of ["innsyn X1' or '1' eq '1", "innsyn ../../X1", `innsyn ${"x".repeat(1000)}`, "slett elev ' or PartitionKey ne '", "slett elev #?\u0000", "terskler S1' or PartitionKey ne '", "historikk S1/../S2", `terskel sett days-percent minPercent 5 ${"S".repeat(1000)}`]) {
        const reply = await world.say(COORDINATOR, text);
        assert.ok(reply.length > 0 && reply.length < 4000, `${JSON.stringify(text.slice(0, 40))}: a short, clear answer`);
        assert.ok(!reply.includes(CONFIRM_VERB) && !reply.includes(ERASE_CONFIRM_VERB), `${JSON.stringify(text.slice(0, 40))}: nothing to confirm`);
        assert.ok(!reply.includes("x".repeat(100)) && !reply.includes("S".repeat(100)), "a long id is not echoed whole");
      }
      assert.ok(await world.store.pupils.get("S1", "P1"), "nobody was erased");
      assert.equal((await world.store.settings.history()).length, versions, "no setting changed");
      assert.match(await world.say(TEACHER, "mine saker"), /Emma Eksempel/, "the bot still answers");
    });
  });
});

async function waitFor(condition: () => Promise<boolean>, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > until) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
