import assert from "node:assert/strict";
import { TASK_VERB } from "../../src/teams/cards";
import { message, personalConversationId, postActivity } from "../harness/activities";
import { FEED_CSV, OTHER_TEACHER, TEACHER } from "../harness/municipality";
import { World } from "../harness/world";

const FOLLOW_UP = { guardiansContacted: "yes", guardiansContactedOn: "2026-11-23", guardiansResult: "concerned", documented: "no", cause: "vague", pattern: "weekday,tests", pupilHeard: "yes", pupilSaid: "Vil ikke på skolen på mandager", nurseInformed: "yes" };

/** Emma (P1) is absent 2 of the 20 school days up to Friday 20 November, and 3 more days the week after: 25 %. */
const MORE_ABSENCE = `${FEED_CSV}\nP1,2026-11-23,day,no\nP1,2026-11-24,day,no\nP1,2026-11-25,day,no`;

const text = (value: unknown) => JSON.stringify(value);
type InvokeBody = { type: string; value: unknown };

describe("the routine, task by task, over HTTP", () => {
  let world: World;

  afterEach(async () => world.stop());

  it("walks a case through follow-up, meeting, evaluation and referral to the resource team's channel", async function () {
    this.timeout(20_000);
    world = await World.start({ serviceUrl: true });
    await world.install(TEACHER);

    await world.night("2026-11-20");
    await world.bot.sender.drain();
    const followUpCard = world.connector.cards(personalConversationId(TEACHER)).find((card) => text(card).includes("Emma Eksempel"));
    assert.ok(followUpCard);
    for (const label of ["Har du kontaktet foresatte?", "Er fraværet dokumentert?", "Er årsaken til fraværet kjent?", "Ser du et mønster?", "Har eleven selv fått si", "Er helsesykepleier orientert?", "Ikke skriv helseopplysninger"]) {
      assert.ok(text(followUpCard).includes(label), label);
    }
    const answered = await world.answer(TEACHER, "P1", FOLLOW_UP);
    assert.match(text((answered.body as InvokeBody).value), /Tidlig følger med på fraværet videre/);
    assert.equal((await world.caseOf("P1"))?.value.stage, "monitoring");

    // The next week Emma is away three more days: 25 % starts step 2, the meeting.
    await world.files.replaceFeed(MORE_ABSENCE);
    world.at("2026-11-26T06:00:00Z");
    const night = await world.night("2026-11-25");
    assert.equal(night.casesAdvanced, 1);
    world.at("2026-11-26T07:00:00Z"); // 08:00 in Oslo: the delivery hours open
    await world.bot.sender.drain();
    const meetingCard = world.connector.cards(personalConversationId(TEACHER)).find((card) => text(card).includes("møte med foresatte og elev innen en uke"));
    assert.ok(meetingCard, "the meeting card");
    assert.match(text(meetingCard), /Risikofaktorer på skolen.*Risikofaktorer i familien.*Risikofaktorer hos eleven/);
    assert.match(text(meetingCard), /"isMultiSelect":true/);

    world.at("2026-11-27T09:00:00Z");
    const meeting = await world.answer(TEACHER, "P1", { meetingOn: "2026-11-27", riskSchool: "bullying,learning-difficulties", riskYouth: "anxiety", measures: "Fast møtepunkt med kontaktlærer hver morgen", evaluationOn: "2026-12-11" });
    assert.match(text((meeting.body as InvokeBody).value), /Neste steg: evaluering 11\.12\.2026/);
    const afterMeeting = (await world.caseOf("P1"))?.value;
    assert.equal(afterMeeting?.current?.task, "evaluation");
    assert.equal(afterMeeting?.measuresStartedOn, "2026-11-27");
    await world.bot.sender.drain();
    assert.ok(!world.connector.cards(personalConversationId(TEACHER)).some((card) => text(card).includes("evaluere tiltakene")), "the evaluation card waits for its date");

    world.at("2026-12-11T07:30:00Z");
    await world.bot.sender.drain();
    const evaluationCard = world.connector.cards(personalConversationId(TEACHER)).find((card) => text(card).includes("evaluere tiltakene"));
    assert.ok(evaluationCard, "the evaluation card comes on the agreed day, in the delivery hours");
    assert.match(text(evaluationCard), /Før tiltakene: \d+(,\d)? % borte \(\d+ skoledager\)\. Etter at tiltakene startet 27\.11\.2026/);

    const evaluation = await world.answer(TEACHER, "P1", { improved: "no", decision: "refer" });
    assert.match(text((evaluation.body as InvokeBody).value), /Neste steg: henvisning til ressursteamet/);
    assert.equal((await world.caseOf("P1"))?.value.step, 3);

    const refused = await world.answer(TEACHER, "P1", { consent: "given" });
    assert.match(text((refused.body as InvokeBody).value), /Noe mangler/, "the summary is required");
    await world.answer(TEACHER, "P1", { consent: "given", referralSummary: "Fravær tross tiltak; eleven beskriver uro før skolestart." });
    await world.bot.sender.drain();
    const channelPost = world.connector.cards("19:channel-1")[0];
    assert.ok(channelPost, "the referral is posted in the resource team's channel");
    assert.match(text(channelPost), /Henvisning til ressursteamet: Emma Eksempel \(7B, Testvik skole\)/);
    assert.match(text(channelPost), /Foresatte har gitt samtykke/);
    assert.match(text(channelPost), /Fast møtepunkt med kontaktlærer hver morgen/);
    const done = (await world.caseOf("P1"))?.value;
    assert.deepEqual(done?.done.map((task) => task.task), ["follow-up", "meeting", "evaluation", "referral"]);
  });

  it("closes the case when the evaluation says so", async () => {
    world = await World.start({ files: { feed: MORE_ABSENCE } });
    await world.install(TEACHER);
    world.at("2026-11-26T06:00:00Z");
    await world.night("2026-11-25");
    await world.answer(TEACHER, "P1", { meetingOn: "2026-11-26", measures: "Tett oppfølging", evaluationOn: "2026-12-10" });
    world.at("2026-12-10T09:00:00Z");
    const closed = await world.answer(TEACHER, "P1", { improved: "yes", decision: "close" });
    assert.match(text((closed.body as InvokeBody).value), /Saken er avsluttet/);
    const stored = (await world.caseOf("P1"))?.value;
    assert.equal(stored?.stage, "closed");
    assert.equal(stored?.closeReason, "improved");
  });

  it("refuses a note that is too long, and an answer to a card of an earlier task", async () => {
    world = await World.start();
    await world.install(TEACHER);
    await world.night("2026-11-20");
    const tooLong = await world.answer(TEACHER, "P1", { ...FOLLOW_UP, pupilSaid: "x".repeat(201) });
    assert.match(text((tooLong.body as InvokeBody).value), /Teksten er for lang/);

    await world.answer(TEACHER, "P1", FOLLOW_UP);
    await world.files.replaceFeed(MORE_ABSENCE);
    world.at("2026-11-26T06:00:00Z");
    await world.night("2026-11-25");
    const before = await world.caseOf("P1");
    const outdated = await world.answer(TEACHER, "P1", { ...FOLLOW_UP, cause: "known" }, 1);
    assert.match(text((outdated.body as InvokeBody).value), /Besvart: Emma Eksempel/, "the first card shows its answers again");
    const after = await world.caseOf("P1");
    assert.equal(after?.etag, before?.etag, "nothing changed");
    const unknownSerial = await world.answer(TEACHER, "P1", FOLLOW_UP, 7);
    assert.match(String((unknownSerial.body as InvokeBody).value), /gjelder et tidligere steg/);
  });

  it("takes an answer from a client without Universal Actions (Action.Submit) and updates the card", async () => {
    world = await World.start();
    await world.install(TEACHER);
    await world.night("2026-11-20");
    const stored = await world.caseOf("P1");
    const submit = { ...message(TEACHER, world.connector.url, ""), replyToId: "card-activity-1", value: { verb: TASK_VERB, caseId: stored?.value.caseId, schoolId: "S1", serial: 1, ...FOLLOW_UP } };
    await postActivity(world.bot.url, submit);
    const update = world.connector.received.find((request) => request.method === "PUT" && request.path.endsWith("/activities/card-activity-1"));
    assert.ok(update, "the card message is updated in place");
    assert.match(text(update.body), /Besvart: Emma Eksempel/);
    assert.equal((await world.caseOf("P1"))?.value.stage, "monitoring");
  });

  it("lists a teacher's and a leader's open cases on 'mine saker', and speaks nynorsk when asked", async () => {
    world = await World.start();
    await world.install(TEACHER, OTHER_TEACHER);
    await world.night("2026-11-20");
    await postActivity(world.bot.url, message(TEACHER, world.connector.url, "Mine  saker"));
    const list = world.connector.cards(personalConversationId(TEACHER)).map(text).pop() ?? "";
    assert.match(list, /Dine åpne saker \(2\)/);
    assert.match(list, /Emma Eksempel \(7B\)/);
    assert.match(list, /Liam Lund \(7A\)/);
    assert.match(list, /svar innen 25\.11\.2026/);

    await postActivity(world.bot.url, message(OTHER_TEACHER, world.connector.url, "språk nynorsk"));
    const reply = world.connector.sent(personalConversationId(OTHER_TEACHER)).pop();
    assert.match(String(reply?.text), /nynorsk/);
    await world.bot.sender.drain();
    const card = world.connector.cards(personalConversationId(OTHER_TEACHER)).map(text).pop() ?? "";
    assert.match(card, /Fråvær å følgje opp: Liam Lund/);
  });
});
