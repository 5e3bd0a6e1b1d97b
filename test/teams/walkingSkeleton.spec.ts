import assert from "node:assert/strict";
import sinon from "sinon";
import type { BotServer } from "../../src/teams/botServer";
import { TASK_VERB } from "../../src/teams/cards";
import type { Store } from "../../src/store";
import { cardAction, installationAdd, personalConversationId, postActivity } from "../harness/activities";
import { queueDigests } from "../../src/jobs/digests";
import { nightly, startTestBot } from "../harness/bot";
import { LoopbackConnector } from "../harness/loopbackConnector";
import { DEPUTY, LEADER, OTHER_TEACHER, TEACHER, writeMunicipality, type MunicipalityFiles } from "../harness/municipality";
import { freshStore } from "../harness/store";

/** A complete, valid answer to step 1. */
const FULL_ANSWER = {
  guardiansContacted: "yes",
  guardiansContactedOn: "2026-11-20",
  guardiansResult: "agreed",
  documented: "partly",
  cause: "vague",
  pupilHeard: "no",
  nurseInformed: "no",
};

function texts(card: Record<string, unknown>): string {
  return JSON.stringify(card);
}

describe("the walking skeleton: from the nightly feed to the teacher's answer in Teams", () => {
  let store: Store;
  let connector: LoopbackConnector;
  let bot: BotServer;
  let files: MunicipalityFiles;
  let clock: sinon.SinonFakeTimers;

  beforeEach(async () => {
    // Monday 23 November 2026, 10:00 in Oslo: the morning after the night of Friday the 20th's feed.
    clock = sinon.useFakeTimers({ now: new Date("2026-11-23T09:00:00Z"), toFake: ["Date"] });
    store = await freshStore();
    connector = await new LoopbackConnector().start();
    bot = await startTestBot(store);
    files = await writeMunicipality();
  });

  afterEach(async () => {
    clock.restore();
    await bot.close();
    await connector.stop();
  });

  async function install(...users: (typeof TEACHER)[]) {
    for (const user of users) {
      const response = await postActivity(bot.url, installationAdd(user, connector.url));
      assert.equal(response.status, 200);
    }
  }

  async function openCasesFor(pupilId: string) {
    return (await store.cases.listOpen("S1")).filter((stored) => stored.value.pupilId === pupilId);
  }

  /** Runs the night of 20 November with the teacher installed, and returns Emma's (P1's) open case. */
  async function emmasCase() {
    await install(TEACHER);
    await nightly(store, { feedPath: files.feed, rosterPath: files.roster, organisationPath: files.organisation, asOf: "2026-11-20" });
    const [emmaCase] = await openCasesFor("P1");
    assert.ok(emmaCase);
    return emmaCase;
  }

  function answer(user: typeof TEACHER, caseId: string, answers: Record<string, string>, serial = 1) {
    return postActivity(bot.url, cardAction(user, connector.url, TASK_VERB, { caseId, schoolId: "S1", serial, ...answers }));
  }

  it("delivers the step 1 card to the contact teacher, records the answer and replaces the card", async () => {
    await install(TEACHER);
    assert.ok(await store.conversations.get(TEACHER.aadObjectId), "installing stores the teacher's conversation");

    const summary = await nightly(store, { feedPath: files.feed, rosterPath: files.roster, organisationPath: files.organisation, asOf: "2026-11-20" });
    assert.equal(summary.casesOpened, 2, "P1 (10 %) and P4 (20 % since enrolment) reach the threshold");

    const drained = await bot.sender.drain();
    assert.equal(drained.sent, 2, "the teacher gets one card for each of their two pupils");
    const emmaCard = connector.cards(personalConversationId(TEACHER)).find((card) => texts(card).includes("Emma Eksempel"));
    assert.ok(emmaCard, "a card about Emma reached the teacher's 1:1 conversation");
    assert.match(texts(emmaCard), /2 av 20 skoledager borte \(10 %\) fra 26\.10\.2026 til 20\.11\.2026/);
    const execute = (emmaCard.actions as { type: string; verb: string; data: { caseId: string; schoolId: string; serial: number } }[])[0];
    assert.ok(execute);
    assert.equal(execute.type, "Action.Execute");

    const [emmaCase] = await openCasesFor("P1");
    assert.equal(emmaCase?.value.caseId, execute.data.caseId);

    const answer = await postActivity(
      bot.url,
      cardAction(TEACHER, connector.url, TASK_VERB, { ...execute.data, ...FULL_ANSWER }),
    );
    assert.equal(answer.status, 200);
    const replacement = answer.body as { statusCode: number; type: string; value: Record<string, unknown> };
    assert.equal(replacement.statusCode, 200);
    assert.equal(replacement.type, "application/vnd.microsoft.card.adaptive");
    assert.match(texts(replacement.value), /Besvart: Emma Eksempel/);
    assert.equal(replacement.value.actions, undefined, "the answered card has no buttons");

    const after = await store.cases.get("S1", execute.data.caseId);
    assert.equal(after?.value.stage, "monitoring", "step 1 answered: the case moves on to watching");
    const answered = after?.value.done[0];
    assert.deepEqual(answered?.answers, FULL_ANSWER);
    assert.equal(answered?.answeredBy, TEACHER.aadObjectId);
    assert.ok(answered?.answeredAt);
    const audit = await store.audit.list();
    assert.ok(audit.some((entry) => entry.action === "case.answer.follow-up" && entry.actor === TEACHER.aadObjectId && entry.outcome === "done"));
  });

  it("does not open the case again while it is open, and never sends a message twice", async () => {
    await install(TEACHER, OTHER_TEACHER);
    const input = { feedPath: files.feed, rosterPath: files.roster, organisationPath: files.organisation, asOf: "2026-11-20" };
    const first = await nightly(store, input);
    const second = await nightly(store, { ...input, asOf: "2026-11-23" });
    assert.equal(first.notificationsQueued, 3, "P1 to one teacher, P4 to both of its teachers");
    assert.equal(second.casesOpened, 0);
    assert.equal(second.notificationsQueued, second.remindersQueued, "nothing but the routine's reminders, which wait for the delivery hours");
    await Promise.all([bot.sender.drain(), bot.sender.drain()]);
    await bot.sender.drain();
    assert.equal(connector.cards().length, 3);
    const tasks = (await store.outbox.list()).filter((message) => message.kind === "task");
    assert.ok(tasks.length === 3 && tasks.every((message) => message.status === "sent" && message.activityId));
  });

  it("refuses an answer from a teacher who is not the pupil's contact teacher, and changes nothing", async () => {
    const emmaCase = await emmasCase();
    const refused = await answer(OTHER_TEACHER, emmaCase.value.caseId, FULL_ANSWER);
    const body = refused.body as { type: string; value: string };
    assert.equal(body.type, "application/vnd.microsoft.activity.message");
    assert.match(body.value, /Bare elevens kontaktlærer/);
    const after = await store.cases.get("S1", emmaCase.value.caseId);
    assert.equal(after?.value.stage, "awaiting-answer");
    assert.equal(after?.etag, emmaCase.etag, "the case is untouched");
    const audit = await store.audit.list();
    assert.ok(audit.some((entry) => entry.actor === OTHER_TEACHER.aadObjectId && entry.outcome === "refused"));
  });

  it("asks again, in the card, when a required answer is missing", async () => {
    const emmaCase = await emmasCase();
    const incomplete = await answer(TEACHER, emmaCase.value.caseId, { guardiansContacted: "yes", cause: "known", documented: "yes", nurseInformed: "no" });
    const body = incomplete.body as { type: string; value: Record<string, unknown> };
    assert.equal(body.type, "application/vnd.microsoft.card.adaptive");
    const card = texts(body.value);
    assert.match(card, /Noe mangler eller er feil/);
    const problems = (body.value.body as { items?: { text?: string; color?: string }[] }[]).flatMap((block) => block.items ?? []).filter((item) => item.color === "Attention");
    assert.equal(problems.length, 3, "the missing date and result of the contact, and whether the pupil was heard");
    assert.match(card, /2026-11-20|guardiansContacted/);
    assert.equal((await store.cases.get("S1", emmaCase.value.caseId))?.value.stage, "awaiting-answer");
  });

  it("shows the answered card again on a second click, without a second answer", async () => {
    const emmaCase = await emmasCase();
    const submit = { ...FULL_ANSWER, pupilHeard: "yes" };
    await answer(TEACHER, emmaCase.value.caseId, submit);
    const afterFirst = await store.cases.get("S1", emmaCase.value.caseId);
    const second = await answer(TEACHER, emmaCase.value.caseId, { ...submit, pupilHeard: "no" });
    assert.match(texts((second.body as { value: Record<string, unknown> }).value), /Besvart/);
    const afterSecond = await store.cases.get("S1", emmaCase.value.caseId);
    assert.equal(afterSecond?.etag, afterFirst?.etag);
    assert.equal(afterSecond?.value.done[0]?.answers?.pupilHeard, "yes");
  });

  it("tells the school's leaders of an unanswered case once the deadline has passed: in the daily digest, most severe first, unless it is severe", async () => {
    await install(TEACHER, LEADER, DEPUTY);
    const input = { feedPath: files.feed, rosterPath: files.roster, organisationPath: files.organisation };
    await nightly(store, { ...input, asOf: "2026-11-20" });
    await bot.sender.drain();
    const [emmaCase] = await openCasesFor("P1");
    assert.equal(emmaCase?.value.current?.dueOn, "2026-11-25", "3 school days after Friday 20 November is Wednesday 25 November");

    // The clock says Wednesday morning in Oslo: the run judges Tuesday, the deadline has not passed.
    clock.setSystemTime(new Date("2026-11-25T04:30:00Z"));
    const tuesday = await nightly(store, input);
    assert.equal(tuesday.asOf, "2026-11-24");
    assert.equal(tuesday.casesEscalated, 0);

    clock.setSystemTime(new Date("2026-11-26T04:30:00Z"));
    const wednesday = await nightly(store, input);
    assert.equal(wednesday.asOf, "2026-11-25");
    assert.equal(wednesday.casesEscalated, 2, "both P1 and P4 were opened on the 20th and are unanswered");
    assert.equal(wednesday.notificationsQueued, 0, "neither is severe: no message of its own to the leaders");

    clock.setSystemTime(new Date("2026-11-26T07:30:00Z"));
    assert.equal(await queueDigests({ store, clock: { now: () => new Date() } }), 2, "the daily digest, one for each leader");
    await bot.sender.drain();
    for (const leader of [LEADER, DEPUTY]) {
      const cards = connector.cards(personalConversationId(leader)).map(texts);
      assert.equal(cards.length, 1, "the digest, not one card per case");
      const digest = cards[0] ?? "";
      const escalated = digest.slice(digest.indexOf("Meldt til ledelsen"), digest.indexOf("Ubesvart etter fristen", digest.indexOf("Meldt til ledelsen")));
      assert.match(escalated, /Liam Lund \(7A\).*Middels: 20 % siste 5 skoledager, svar én skoledag over fristen.*Emma Eksempel \(7B\).*Middels: 10 % siste 4 uker/s, "P4 (20 % of the 5 school days since enrolment the feed covered: the same file since then judges nobody) before P1 (10 %), each with its severity in one line");
    }

    clock.setSystemTime(new Date("2026-11-27T04:30:00Z"));
    const thursday = await nightly(store, input);
    assert.equal(thursday.casesEscalated, 0, "a case is escalated once");
  });

  it("keeps a message for a teacher who has not installed the app, and sends it once they do", async () => {
    await nightly(store, { feedPath: files.feed, rosterPath: files.roster, organisationPath: files.organisation, asOf: "2026-11-20" });
    const first = await bot.sender.drain();
    assert.equal(first.waitingForConversation, 3, "P1 to one teacher, P4 to two");
    assert.equal(connector.cards().length, 0);

    await install(TEACHER);
    const deadline = Date.now() + 5000;
    while (connector.cards(personalConversationId(TEACHER)).length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(connector.cards(personalConversationId(TEACHER)).length, 2);
  });
});
