import assert from "node:assert/strict";
import sinon from "sinon";
import { CANCEL_VERB, CONFIRM_VERB } from "../../src/teams/commands/settings";
import { cardAction, message, personalConversationId, postActivity } from "../harness/activities";
import { COORDINATOR, DEPUTY, LEADER, ORGANISATION, TEACHER } from "../harness/municipality";
import { World } from "../harness/world";

/** The data of the Confirm button on the last proposal card the coordinator got. */
function proposalData(world: World): Record<string, unknown> {
  const card = world.connector.cards(personalConversationId(COORDINATOR)).filter((candidate) => JSON.stringify(candidate).includes(CONFIRM_VERB)).pop();
  const action = (card?.actions as { verb: string; data: Record<string, unknown> }[] | undefined)?.find((candidate) => candidate.verb === CONFIRM_VERB);
  assert.ok(action, "a proposal card with a Confirm button");
  return action.data;
}

async function press(world: World, verb: string, data: Record<string, unknown>, user = COORDINATOR): Promise<string> {
  const response = await postActivity(world.bot.url, cardAction(user, world.connector.url, verb, data));
  return JSON.stringify(response.body);
}

describe("coordinators steer by chat", () => {
  let world: World;

  beforeEach(async () => {
    world = await World.start();
    await world.install(COORDINATOR, TEACHER, LEADER);
    await world.night("2026-11-20");
  });

  afterEach(async () => world.stop());

  it("shows each user the commands their role allows", async () => {
    const forCoordinator = await world.say(COORDINATOR, "hjelp");
    assert.match(forCoordinator, /terskel sett <regel> <parameter> <verdi> \[skole\]/);
    assert.match(forCoordinator, /kjør nå/);
    const forTeacher = await world.say(TEACHER, "help");
    assert.match(forTeacher, /mine saker/);
    assert.doesNotMatch(forTeacher, /terskel sett/);
  });

  it("shows the rule set in plain words, and refuses it to a teacher politely, in the audit trail", async () => {
    assert.match(await world.say(COORDINATOR, "TERSKLER"), /days-percent.*minst 10 % av skoledagene borte de siste 20 skoledagene \(steg 1\)/);
    assert.match(await world.say(TEACHER, "terskler"), /Beklager, «terskler» er for koordinatorer/);
    const audit = await world.store.audit.list();
    assert.ok(audit.some((entry) => entry.actor === TEACHER.aadObjectId && entry.outcome === "refused"));
  });

  it("proposes a change with its what-if, and changes only when confirmed", async () => {
    const proposal = await world.say(COORDINATOR, "terskel  sett days-percent minPercent 5");
    assert.match(proposal, /Forslag: days-percent minPercent 10 → 5/);
    assert.match(proposal, /Testvik skole: i dag steg 1: 2; med forslaget steg 1: 4/);
    assert.match(proposal, /Nye flagg: 2/);
    assert.equal((await world.store.settings.history()).length, 1, "nothing changed yet");

    assert.match(await press(world, CANCEL_VERB, proposalData(world)), /Avbrutt\. Ingenting er endret/);
    assert.equal((await world.store.settings.history()).length, 1);

    await world.say(COORDINATOR, "terskel sett days-percent minPercent 5");
    assert.match(await press(world, CONFIRM_VERB, proposalData(world)), /Endret: days-percent minPercent 10 → 5\. Gjelder fra neste nattlige kjøring \(versjon 2\)/);
    assert.match(await world.say(COORDINATOR, "terskler"), /minst 5 % av skoledagene/);
    const audit = await world.store.audit.list();
    assert.ok(audit.some((entry) => entry.action === "settings.change" && entry.actor === COORDINATOR.aadObjectId && entry.outcome === "done"));
  });

  it("refuses a stale confirmation: the settings changed after the proposal", async () => {
    await world.say(COORDINATOR, "terskel sett days-percent minPercent 5");
    const first = proposalData(world);
    await world.say(COORDINATOR, "terskel sett days-in-a-row minDays 3");
    const second = proposalData(world);
    await press(world, CONFIRM_VERB, second);
    assert.match(await press(world, CONFIRM_VERB, first), /endret siden forslaget ble laget \(nå versjon 2\)\. Ingenting er endret/);
    assert.equal((await world.store.settings.history()).length, 2);
  });

  it("says what is allowed when a value, rule or school is wrong, and changes nothing", async () => {
    assert.match(await world.say(COORDINATOR, "terskel sett days-percent minPercent 120"), /Ugyldig verdi for minPercent: høyst 100/);
    assert.match(await world.say(COORDINATOR, "terskel sett days-percent window 0"), /Ugyldig verdi for window: minst 1/);
    assert.match(await world.say(COORDINATOR, "terskel sett days-percent minPercent tolv"), /Ugyldig verdi for minPercent: må være number/);
    assert.match(await world.say(COORDINATOR, "terskel sett mondays minTimes 3"), /Ukjent regel «mondays»\. Reglene er: days-percent, days-in-a-row, days-percent-high/);
    assert.match(await world.say(COORDINATOR, "terskel sett days-percent colour blue"), /har ikke «colour»\. Du kan endre: step, enabled/);
    assert.match(await world.say(COORDINATOR, "terskel sett days-percent minPercent 12 Atlantis"), /Ukjent skole «atlantis»\. Skolene er: S1 \(Testvik skole\)/);
    assert.match(await world.say(COORDINATOR, "terskel sett"), /Skriv: terskel sett <regel> <parameter> <verdi> \[skole\]/);
    assert.equal((await world.store.settings.history()).length, 1);
  });

  it("changes a school only, resets it to the municipality's default, and keeps the history", async () => {
    await world.say(COORDINATOR, "terskel sett days-percent minPercent 15 testvik skole");
    await press(world, CONFIRM_VERB, proposalData(world));
    assert.match(await world.say(COORDINATOR, "terskler S1"), /minst 15 % av skoledagene.*endret for Testvik skole/);
    assert.match(await world.say(COORDINATOR, "terskler"), /minst 10 % av skoledagene/, "the municipality's rule is unchanged");
    await world.say(COORDINATOR, "terskel tilbakestill days-percent S1");
    await press(world, CONFIRM_VERB, proposalData(world));
    assert.match(await world.say(COORDINATOR, "terskler S1"), /minst 10 % av skoledagene/);

    const history = await world.say(COORDINATOR, "historikk");
    assert.match(history, /Versjon 3: days-percent tilbake til kommunens standard \(Testvik skole\)/);
    assert.match(history, /Versjon 2: days-percent minPercent 10 → 15 \(Testvik skole\)/);
    assert.match(history, /Kim Koordinator/);
    assert.match(history, /Versjon 1: .*organisasjonsfilen/);
  });

  it("shows the routine and the status", async () => {
    const routine = await world.say(TEACHER, "rutine");
    assert.match(routine, /Steg 1: oppfølging fra kontaktlærer \(frist 3 skoledager\)/);
    assert.match(routine, /Risikofaktorer på skolen/);
    const status = await world.say(COORDINATOR, "status");
    assert.match(status, /Siste innlesing/);
    assert.match(status, /7 rader, 0 avvist/);
    assert.match(status, /steg 1: 2/);
  });

  it("starts the nightly run once when asked twice at once, and reports when it is done", async () => {
    // A slow storage write keeps the first run going while the second request comes in.
    const saveAll = world.store.pupils.saveAll.bind(world.store.pupils);
    const slow = sinon.stub(world.store.pupils, "saveAll").callsFake(async (pupils) => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      return saveAll(pupils);
    });
    const requests = [message(COORDINATOR, world.connector.url, "kjør nå"), message(COORDINATOR, world.connector.url, "run now")];
    await Promise.all(requests.map((request) => postActivity(world.bot.url, request)));
    const replyTo = (id: string) => String(world.connector.received.find((request) => request.path.endsWith(`/activities/${id}`))?.body.text);
    const replies = requests.map((request) => replyTo(request.id)).sort();
    assert.match(replies[0] ?? "", /Den nattlige kjøringen er startet/);
    assert.match(replies[1] ?? "", /En nattlig kjøring pågår allerede/);
    const deadline = Date.now() + 10_000;
    while (!world.connector.cards(personalConversationId(COORDINATOR)).some((card) => JSON.stringify(card).includes("Nattlig kjøring ferdig")) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(world.connector.cards(personalConversationId(COORDINATOR)).some((card) => JSON.stringify(card).includes("Nattlig kjøring ferdig")));
    assert.equal(slow.callCount, 1, "one run");
    slow.restore();
  });

  it("tells the coordinator who started a run that failed what failed and what to do, and every coordinator in the delivery hours", async () => {
    sinon.stub(world.store.pupils, "saveAll").rejects(new Error("the storage refused the write"));
    assert.match(await world.say(COORDINATOR, "kjør nå"), /Den nattlige kjøringen er startet/);
    const cards = () => world.connector.cards(personalConversationId(COORDINATOR)).map((card) => JSON.stringify(card));
    const deadline = Date.now() + 20_000;
    while (!cards().some((card) => card.includes("Kjøringen stoppet med en feil")) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const told = cards().find((card) => card.includes("Kjøringen stoppet med en feil"));
    assert.ok(told, "the requester is told the run failed");
    assert.match(told, /mens den holdt på med å lagre fraværet/);
    assert.match(told, /prøves igjen ved neste planlagte tidspunkt/);
    await world.bot.sender.drain();
    const alert = cards().find((card) => card.includes("Den nattlige kjøringen ble ikke fullført"));
    assert.ok(alert, "the coordinators' alert, within the delivery hours (Monday 10:00)");
    assert.match(alert, /Den nattlige kjøringen 23\.11\.2026 stoppet med en feil mens den holdt på med å lagre fraværet/);
    assert.doesNotMatch(alert, /storage refused|import|2026-11-23/, "no developer's words, step names or ISO dates");
    assert.match(await world.say(COORDINATOR, "status"), /Siste innlesing.*ble ikke fullført/);
    sinon.restore();
  });

  it("lets the bot close within seconds while a run started from Teams hangs: the run is recorded as stopped", async () => {
    sinon.stub(world.store.organisation, "save").callsFake(() => new Promise(() => {}));
    assert.match(await world.say(COORDINATOR, "kjør nå"), /Den nattlige kjøringen er startet/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await world.bot.close();
    const latest = await world.store.runs.latest();
    assert.equal((latest?.summary.failure as { code: string } | undefined)?.code, "stopped");
    sinon.restore();
  });

  it("pauses notifications for a school and resumes them", async () => {
    assert.match(await world.say(COORDINATOR, "pause S1"), /varsler satt på pause \(Testvik skole\)/);
    await world.bot.sender.drain();
    assert.equal(world.connector.cards(personalConversationId(TEACHER)).length, 0, "the cards wait");
    assert.equal(world.connector.cards(personalConversationId(COORDINATOR)).length, 0);
    assert.match(await world.say(COORDINATOR, "status"), /Pause.*Testvik skole/);
    assert.match(await world.say(COORDINATOR, "fortsett s1"), /varsler i gang igjen/);
    await world.bot.sender.drain();
    assert.equal(world.connector.cards(personalConversationId(TEACHER)).length, 2);
  });

  it("suggests the closest command for a typo", async () => {
    assert.match(await world.say(COORDINATOR, "terskle"), /Mente du «terskler»\?/);
    assert.match(await world.say(COORDINATOR, "historik"), /Mente du «historikk»\?/);
  });

  it("refuses a school coordinator a change for the whole municipality at once, before any proposal, and keeps the attempt", async () => {
    await world.stop();
    const organisation = { ...ORGANISATION, schools: ORGANISATION.schools.map((school) => ({ ...school, coordinators: [DEPUTY.aadObjectId] })) };
    world = await World.start({ files: { organisation } });
    await world.night("2026-11-20");
    for (const text of ["terskel tilbakestill days-percent", "terskel sett days-percent minPercent 5", "pause"]) {
      const reply = await world.say(DEPUTY, text);
      assert.match(reply, /Du er koordinator for S1, ikke for «hele kommunen»/, text);
      assert.ok(!reply.includes(CONFIRM_VERB), `${text}: no proposal to confirm`);
    }
    const refused = (await world.store.audit.list()).filter((entry) => entry.actor === DEPUTY.aadObjectId && entry.outcome === "refused").map((entry) => entry.action);
    assert.deepEqual(refused.sort(), ["settings.pause", "settings.reset", "settings.set"]);
    assert.match(await world.say(DEPUTY, "terskel sett days-percent minPercent 5 S1"), new RegExp(CONFIRM_VERB.replace(".", "\\.")), "their own school is fine");
  });
});
