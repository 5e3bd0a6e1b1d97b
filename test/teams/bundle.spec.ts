import assert from "node:assert/strict";
import { BUNDLE_VERB, TASK_VERB, TASK_VIEW_VERB } from "../../src/teams/cards";
import { cardAction, personalConversationId, postActivity } from "../harness/activities";
import { FEED_CSV, ROSTER_CSV, TEACHER } from "../harness/municipality";
import { World } from "../harness/world";

/** Twelve pupils of Kari's group 6A flagged the same night: 4 at 20 %, 4 at 15 %, 4 at 10 % of the last 20 school days. */
const PUPILS = Array.from({ length: 12 }, (_, index) => ({ id: `B${String(index + 1).padStart(2, "0")}`, days: 2 + ((index + 1) % 3) }));
const ROSTER = [ROSTER_CSV.split("\n")[0], ...PUPILS.map(({ id }) => `${id},Elev ${id},S1,6A,6,${TEACHER.aadObjectId},`)].join("\n");
/** The export covers Friday 20 November (a registration of one pupil present that day). */
const FEED = ["pupil_id,date,kind,documented", ...PUPILS.flatMap(({ id, days }) => ["2026-11-02", "2026-11-04", "2026-11-10", "2026-11-12"].slice(0, days).map((date) => `${id},${date},day,no`)), "B01,2026-11-20,present,yes"].join("\n");
const ANSWERS = { guardiansContacted: "yes", guardiansContactedOn: "2026-11-23", guardiansResult: "agreed", documented: "partly", cause: "known", pupilHeard: "yes", nurseInformed: "no" };

const shown = (value: unknown) => JSON.stringify(value);

/** The "Svar" buttons of a bundled card, in the order shown: which case each opens. */
function openButtons(card: unknown): { caseId: string; schoolId: string; serial: number; view: string; fromBundle: boolean }[] {
  const found: ReturnType<typeof openButtons> = [];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === "object") {
      const record = node as Record<string, unknown>;
      if (record.type === "Action.Execute" && record.verb === TASK_VIEW_VERB) found.push(record.data as ReturnType<typeof openButtons>[number]);
      else Object.values(record).forEach(visit);
    }
  };
  visit(card);
  return found;
}

describe("one bundled card per teacher, with a daily cap", () => {
  let world: World;

  afterEach(async () => world.stop());

  it("gives a teacher with twelve flagged pupils one card, most severe first, each opening its own questions; the cap keeps the least severe for tomorrow", async () => {
    world = await World.start({ files: { roster: ROSTER, feed: FEED } });
    await world.install(TEACHER);
    const night = await world.night("2026-11-20");
    assert.equal(night.casesOpened, 12);
    await world.bot.sender.drain();

    const cards = world.connector.cards(personalConversationId(TEACHER));
    assert.equal(cards.length, 1, "one card, not twelve");
    const card = shown(cards[0]);
    assert.match(card, /10 elever trenger oppfølging fra deg/, "the daily cap of 10 new cases");
    assert.match(card, /2 flere i morgen/);
    const severities = [...card.matchAll(/"text":"(Middels|Lav): (\d+) %/g)].map((match) => Number(match[2]));
    assert.deepEqual(severities, [20, 20, 20, 20, 15, 15, 15, 15, 10, 10], "most severe first; two of the 10 % wait");

    // "Svar" on the first row opens that pupil's questions in place, with the way back to the list.
    const [first] = openButtons(cards[0]);
    const firstName = /Elev B\d\d/.exec(card)?.[0] ?? "";
    assert.ok(first?.fromBundle);
    const opened = await postActivity(world.bot.url, cardAction(TEACHER, world.connector.url, TASK_VIEW_VERB, first));
    assert.match(shown(opened.body), new RegExp(`Fravær å følge opp: ${firstName} \\(6A\\)`));
    assert.match(shown(opened.body), /Tilbake til listen/);
    const answered = await postActivity(world.bot.url, cardAction(TEACHER, world.connector.url, TASK_VERB, { ...first, ...ANSWERS }));
    assert.match(shown(answered.body), /Besvart/);
    assert.match(shown(answered.body), /Tilbake til listen/);
    const back = await postActivity(world.bot.url, cardAction(TEACHER, world.connector.url, BUNDLE_VERB, {}));
    assert.equal(openButtons(back.body).length, 9, "the answered pupil has left the list");
    assert.ok(!shown(back.body).includes(firstName));

    // Tuesday at 08:00 in Oslo: the two that waited, each with its questions (two cards are not bundled).
    world.at("2026-11-24T07:01:00Z");
    await world.bot.sender.drain();
    const tuesday = world.connector.cards(personalConversationId(TEACHER)).slice(1).map(shown);
    assert.equal(tuesday.length, 2);
    assert.ok(tuesday.every((text) => /Fravær å følge opp: Elev B\d\d/.test(text) && text.includes("Lav: 10 % siste 4 uker")));
  });

  it("sends two pupils' cards as they are, each answerable in place, and bundles from three", async () => {
    world = await World.start();
    await world.install(TEACHER);
    await world.night("2026-11-20");
    await world.bot.sender.drain();
    const kari = world.connector.cards(personalConversationId(TEACHER)).map(shown);
    assert.equal(kari.length, 2, "Emma and Liam, each with the questions");
    assert.ok(kari.every((card) => card.includes("Fravær å følge opp")));

    world.at("2026-11-24T06:00:00Z");
    await world.files.replaceFeed(`${FEED_CSV}\nP2,2026-11-23,day,no`);
    assert.equal((await world.night("2026-11-23")).casesOpened, 1, "Noah reaches 10 %");
    await world.store.outbox.enqueue({ kind: "reminder", subject: (await world.caseOf("P1"))?.value.caseId ?? "", serial: 1, schoolId: "S1", recipientId: TEACHER.aadObjectId }, new Date());
    await world.store.outbox.enqueue({ kind: "reminder", subject: (await world.caseOf("P4"))?.value.caseId ?? "", serial: 1, schoolId: "S1", recipientId: TEACHER.aadObjectId }, new Date());
    world.at("2026-11-24T07:01:00Z");
    await world.bot.sender.drain();
    const tuesday = world.connector.cards(personalConversationId(TEACHER)).slice(2).map(shown);
    assert.equal(tuesday.length, 1, "a new pupil and two reminders: one card");
    assert.match(tuesday[0] ?? "", /3 elever trenger oppfølging fra deg/);
    assert.match(tuesday[0] ?? "", /Påminnelse: oppfølging fra kontaktlærer/);
    assert.match(tuesday[0] ?? "", /Ny sak: oppfølging fra kontaktlærer/);
  });

});
