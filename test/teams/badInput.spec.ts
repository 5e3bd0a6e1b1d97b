import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { TASK_VERB } from "../../src/teams/cards";
import { cardAction, message, personalConversationId, postActivity } from "../harness/activities";
import { COORDINATOR, OTHER_TEACHER, TEACHER } from "../harness/municipality";
import { World } from "../harness/world";

const FOLLOW_UP = { guardiansContacted: "yes", guardiansContactedOn: "2026-11-23", guardiansResult: "concerned", documented: "no", cause: "vague", pattern: "weekday", pupilHeard: "yes", pupilSaid: "Vil ikke", nurseInformed: "yes" };

/** What the user sees of an invoke's answer (the card or message), as text. */
const shown = (body: Record<string, unknown>) => JSON.stringify(body);

describe("bad input through every door: each gets a clear answer, no crash, no partial write", () => {
  let world: World;

  beforeEach(async () => {
    world = await World.start();
    await world.install(TEACHER, OTHER_TEACHER, COORDINATOR);
    await world.night("2026-11-20");
  });

  afterEach(async () => world.stop());

  async function submit(data: Record<string, unknown>, user = TEACHER, verb = TASK_VERB) {
    return postActivity(world.bot.url, cardAction(user, world.connector.url, verb, data));
  }

  it("refuses card submits that are missing, forged, wrongly typed or oversized, changes nothing, and audits the forged ones", async () => {
    const stored = await world.caseOf("P1");
    assert.ok(stored?.value.current);
    const own = { caseId: stored.value.caseId, schoolId: "S1", serial: stored.value.current.serial };
    const attempts: [string, Record<string, unknown>, RegExp][] = [
      ["no case id", { ...FOLLOW_UP, schoolId: "S1", serial: own.serial }, /Svaret kunne ikke leses/],
      ["a case id that is not an id", { ...FOLLOW_UP, ...own, caseId: "'; DROP TABLE cases; --" }, /Svaret kunne ikke leses/],
      ["a forged case id", { ...FOLLOW_UP, ...own, caseId: randomUUID() }, /Fant ikke saken/],
      ["a case of another school", { ...FOLLOW_UP, ...own, schoolId: "S9" }, /Fant ikke saken/],
      ["a serial that is text", { ...FOLLOW_UP, ...own, serial: "første" }, /Svaret kunne ikke leses/],
      ["a serial far out of range", { ...FOLLOW_UP, ...own, serial: 1e12 }, /Svaret kunne ikke leses/],
      ["an answer that is not one of the choices", { ...FOLLOW_UP, ...own, guardiansContacted: "kanskje" }, /Har du kontaktet foresatte/],
      ["a date that is not a date", { ...FOLLOW_UP, ...own, guardiansContactedOn: "i går" }, /dato/i],
      ["a note of 100 000 characters", { ...FOLLOW_UP, ...own, pupilSaid: "x".repeat(100_000) }, /Teksten er for lang/],
      ["an answer as an object", { ...FOLLOW_UP, ...own, cause: { $ne: null } }, /Er årsaken til fraværet kjent/],
    ];
    for (const [what, data, expected] of attempts) {
      const response = await submit(data);
      assert.equal(response.status, 200, what);
      assert.match(shown(response.body), expected, what);
      const after = await world.caseOf("P1");
      assert.equal(after?.etag, stored.etag, `${what}: nothing changed`);
    }
    const refusals = (await world.store.audit.list()).filter((entry) => entry.action === "case.answer" && entry.outcome === "refused");
    assert.equal(refusals.length, 6, "the unreadable and forged submits are in the audit trail");
    assert.ok(refusals.every((entry) => entry.actor === TEACHER.aadObjectId));
  });

  it("takes an answer with extra fields, and keeps only the routine's", async () => {
    const stored = await world.caseOf("P1");
    const response = await submit({ ...FOLLOW_UP, caseId: stored?.value.caseId, schoolId: "S1", serial: stored?.value.current?.serial, isAdmin: true, __proto__: { polluted: true }, step: 4 });
    assert.match(shown(response.body), /Besvart: Emma Eksempel/);
    const answered = await world.caseOf("P1");
    const answers = answered?.value.done[0]?.answers ?? {};
    assert.equal(answered?.value.step, 1, "a submitted step does not move the case");
    assert.ok(!("isAdmin" in answers) && !("step" in answers), "only the routine's questions are stored");
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it("answers an unknown card verb without changing anything", async () => {
    const stored = await world.caseOf("P1");
    const response = await submit({ ...FOLLOW_UP, caseId: stored?.value.caseId, schoolId: "S1", serial: stored?.value.current?.serial }, TEACHER, "case.close");
    assert.equal(response.status, 200);
    assert.match(shown(response.body), /Svaret kunne ikke leses/);
    assert.equal((await world.caseOf("P1"))?.etag, stored?.etag);
    assert.ok((await world.store.audit.list()).some((entry) => entry.action === "card.unknownVerb" && entry.subject === "case.close"));
  });

  it("answers commands with injection attempts and oversized text with a clear message", async () => {
    const inputs = [
      "terskel sett days-percent minPercent 10; DROP TABLE settings",
      "terskel sett days-percent minPercent <script>alert(1)</script>",
      "terskel sett ../../etc/passwd minPercent 5",
      "mine saker ${process.exit(1)}",
      "x".repeat(60_000),
      "\u0000\u0001\u0002",
    ];
    const before = await world.store.settings.current();
    for (const text of inputs) {
      const reply = await world.say(COORDINATOR, text);
      assert.ok(reply.length > 0 && reply.length < 30_000, `a short answer to ${text.slice(0, 40)}`);
      assert.ok(!reply.includes("<script>"), "input is never echoed as markup");
    }
    assert.equal((await world.store.settings.current())?.version, before?.version, "no setting changed");
    const health = await fetch(`${world.bot.url}/healthz`);
    assert.equal(health.status, 200, "the bot is still up");
    await postActivity(world.bot.url, message(TEACHER, world.connector.url, "hjelp"));
    assert.ok(world.connector.sent(personalConversationId(TEACHER)).length > 0);
  });
});
