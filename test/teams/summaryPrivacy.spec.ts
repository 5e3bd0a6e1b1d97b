import assert from "node:assert/strict";
import { personalConversationId } from "../harness/activities";
import { COORDINATOR, FEED_CSV, ROSTER_CSV, TEACHER } from "../harness/municipality";
import { World } from "../harness/world";

/** Free text and names as they turn up in real exports: notes typed into a code column, a row shifted by a column. */
const FEED = [
  FEED_CSV,
  "P1,2026-11-03,Sara sier at faren drikker,no",
  "P1,i går hos legen,day,no",
  "P2,2026-11-04,day,Mor ringte og sa at hun var syk",
  "P2,31.02.2026,day,no",
  "P2,2026-11-05,holiday,no",
  "GHOST-7,2026-11-03,day,no",
].join("\n");

const ROSTER = [
  ROSTER_CSV,
  `P8,Oddbjørn,Oddbjørn,7B,7,${TEACHER.aadObjectId},`,
  `P9,Nora,Nora Nilsen,S1,7,${TEACHER.aadObjectId},`,
  `P7,Per Hansen,S1,7B,7,${TEACHER.aadObjectId},flyttet fra Bergen`,
].join("\n");

const FREE_TEXT = ["Sara", "faren", "i går", "legen", "Mor ringte", "syk", "Oddbjørn", "Nora", "Nilsen", "Per Hansen", "Bergen", "GHOST"];

function quotes(text: string): string[] {
  return FREE_TEXT.filter((words) => text.includes(words));
}

describe("the run summary quotes no free text and no names from the files", () => {
  let world: World;

  afterEach(async () => world.stop());

  it("names the column and the problem of a row with a note or a name where a code, a date or a school id belongs, in the stored summary and in the coordinators' card", async () => {
    world = await World.start({ files: { feed: FEED, roster: ROSTER } });
    await world.install(COORDINATOR);
    const summary = await world.night("2026-11-20");
    assert.equal(summary.rejectedTotal, 6);
    assert.equal(summary.roster.rejected.length, 3);
    assert.deepEqual(quotes(JSON.stringify(summary)), [], "what `npm run nightly -- --json` prints");
    assert.deepEqual(quotes(JSON.stringify(await world.store.runs.latest())), [], "what is stored");
    const reasons = summary.rejected.map((row) => row.reason).join("\n");
    assert.match(reasons, /«31\.02\.2026» er ikke en gyldig dato/, "a short date-like value is quoted");
    assert.match(reasons, /ukjent fraværstype «holiday»/, "a short code is quoted");
    assert.match(reasons, /ukjent fraværstype i kind .*verdien vises ikke/);
    assert.match(reasons, /date er ikke en gyldig dato .*verdien vises ikke/);
    assert.match(summary.roster.rejected.map((row) => row.reason).join("\n"), /ukjent skole i school_id .*forskjøvet/);

    await world.bot.sender.drain();
    const sent = JSON.stringify(world.connector.sent(personalConversationId(COORDINATOR)));
    assert.match(sent, /Linje 9/, "the coordinator got the summary with the bad rows");
    assert.deepEqual(quotes(sent), [], "what is sent to Teams");
  });

  it("says where a file stops being readable without the parser's words, which quote the text it stopped at", async () => {
    world = await World.start();
    await world.install(COORDINATOR);
    await world.night("2026-11-20");
    await world.files.replaceFeed('pupil_id,date,kind,documented\nP1,2026-11-23,day,no\nP2,2026-11-23,Kari sa "mamma er syk",no\n');
    world.at("2026-11-24T09:00:00Z");
    const summary = await world.night("2026-11-23");
    assert.match(summary.fileRejected?.reason ?? "", /kunne ikke leses fra linje 3/);
    await world.bot.sender.drain();
    const sent = JSON.stringify(world.connector.sent(personalConversationId(COORDINATOR)));
    assert.match(sent, /linje 3/);
    for (const text of [JSON.stringify(summary), JSON.stringify(await world.store.runs.latest()), sent]) assert.ok(!/Kari|mamma/.test(text), text.slice(0, 200));
  });
});
