import { writeFile } from "node:fs/promises";
import assert from "node:assert/strict";
import type { Store } from "../../src/store";
import { nightly } from "../harness/bot";
import { personalConversationId } from "../harness/activities";
import { COORDINATOR, FEED_CSV, ORGANISATION, ROSTER_CSV, TEACHER, writeMunicipality } from "../harness/municipality";
import { World } from "../harness/world";
import { freshStore } from "../harness/store";

const AS_OF = "2026-11-20";

describe("the nightly job", () => {
  let store: Store;

  beforeEach(async () => {
    store = await freshStore();
  });

  it("reports a row for an unknown pupil and a row with an impossible date by line and reason, and imports the rest", async () => {
    const feed = [
      "pupil_id,date,kind,documented",
      "P1,2026-11-02,day,no",
      "NOBODY,2026-11-03,day,no",
      "",
      "P1,31.02.2026,day,no",
      "P1,19.11.2026,day,yes",
      "P2,2026-11-21,day,no",
      "P2,2026-11-10,holiday,no",
      "P2,2026-11-10,day,maybe",
    ].join("\r\n");
    const files = await writeMunicipality({ feed });
    const summary = await nightly(store, { feedPath: files.feed, rosterPath: files.roster, organisationPath: files.organisation, asOf: AS_OF });

    assert.equal(summary.rows, 7, "data rows read: not the header, not the blank line");
    assert.equal(summary.accepted, 2);
    assert.deepEqual(
      summary.rejected.map(({ line, code }) => ({ line, code })),
      [
        { line: 3, code: "feed.unknownPupil" },
        { line: 5, code: "feed.invalidDate" },
        { line: 7, code: "feed.notSchoolDay" },
        { line: 8, code: "feed.invalidKind" },
        { line: 9, code: "feed.invalidDocumented" },
      ],
    );
    assert.match(summary.rejected[1]?.reason ?? "", /31\.02\.2026/);
    assert.match(summary.rejected[2]?.reason ?? "", /helg/);
    assert.equal(summary.casesOpened, 1, "the good rows of the same file still open Emma's case");
    const stored = await store.absence.listSchool("S1");
    assert.deepEqual(stored.get("P1")?.map((day) => day.date).sort(), ["2026-11-02", "2026-11-19"]);
  });

  it("rejects a file that is not a feed whole, and changes nothing already stored", async () => {
    const good = await writeMunicipality();
    await nightly(store, { feedPath: good.feed, rosterPath: good.roster, organisationPath: good.organisation, asOf: AS_OF });
    const before = await store.absence.listSchool("S1");

    for (const feed of ["pupil_id,when,kind,documented\nP1,2026-11-02,day,no", "", Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08])]) {
      const files = await writeMunicipality({ feed });
      const summary = await nightly(store, { feedPath: files.feed, rosterPath: files.roster, organisationPath: files.organisation, asOf: "2026-11-23" });
      assert.ok(summary.fileRejected, "the whole file is rejected");
      assert.equal(summary.ok, false);
      assert.equal(summary.casesOpened, 0);
    }
    assert.deepEqual(await store.absence.listSchool("S1"), before);
    const latest = await store.runs.latest();
    assert.equal(latest?.summary.ok, false, "the rejected run is recorded, so that 'status' shows it");
    assert.ok(latest?.summary.fileRejected);
    const told = (await store.outbox.list()).filter((message) => message.kind === "run-summary");
    assert.deepEqual(told.map((message) => message.recipientId), Array(3).fill(COORDINATOR.aadObjectId), "the coordinator gets each summary: someone must fix the export");
  });

  it("says which column is missing", async () => {
    const files = await writeMunicipality({ feed: "pupil_id,date,kind\nP1,2026-11-02,day" });
    const summary = await nightly(store, { feedPath: files.feed, rosterPath: files.roster, organisationPath: files.organisation, asOf: AS_OF });
    assert.equal(summary.fileRejected?.code, "file.missingColumns");
    assert.match(summary.fileRejected?.reason ?? "", /documented/);
  });

  it("replaces a pupil's day when the day is read again (a correction), and reading the same content twice changes nothing", async () => {
    const files = await writeMunicipality();
    const input = { feedPath: files.feed, rosterPath: files.roster, organisationPath: files.organisation, asOf: AS_OF };
    await nightly(store, input);
    const once = await store.absence.listSchool("S1");
    const copy = await writeMunicipality({ feed: `${FEED_CSV}\n` });
    const same = await nightly(store, { ...input, feedPath: copy.feed });
    assert.deepEqual([same.corrected, same.unchangedDays], [0, 7], "the same days again change nothing");
    assert.deepEqual(await store.absence.listSchool("S1"), once);

    const correction = await writeMunicipality({ feed: "pupil_id,date,kind,documented\nP1,2026-11-19,present,yes" });
    await nightly(store, { ...input, feedPath: correction.feed });
    const p1 = (await store.absence.listSchool("S1")).get("P1") ?? [];
    assert.deepEqual(p1.find((day) => day.date === "2026-11-19")?.events, [{ kind: "present", documented: "yes" }]);
    assert.equal(p1.length, 2);
  });

  it("counts corrections and duplicate rows, and lists at most 200 rejected rows with the total", async () => {
    const first = await writeMunicipality();
    const input = { feedPath: first.feed, rosterPath: first.roster, organisationPath: first.organisation, asOf: AS_OF };
    const once = await nightly(store, input);
    assert.equal(once.corrected, 0);
    const again = await nightly(store, input);
    assert.deepEqual([again.rows, again.corrected], [0, 0], "the same file again is not processed again");
    assert.deepEqual(again.feedAlarm, { kind: "missing" }, "no new feed came for a school day");

    const bad = Array.from({ length: 250 }, (_, index) => `GHOST${index},2026-11-02,day,no`);
    const next = await writeMunicipality({ feed: ["pupil_id,date,kind,documented", "P1,2026-11-19,present,yes", "P2,2026-11-10,day,yes", "P2,2026-11-10,day,yes", ...bad].join("\n") });
    const summary = await nightly(store, { ...input, feedPath: next.feed });
    assert.equal(summary.corrected, 2, "P1's 19th and P2's 10th changed");
    assert.equal(summary.duplicated, 1);
    assert.equal(summary.rejectedTotal, 250);
    assert.equal(summary.rejected.length, 200);
    assert.equal(summary.rejected[199]?.line, 204, "the 200th bad row, after the header and three good rows");
  });

  it("tells the coordinators when no new feed came for a school day, and when a feed stops too early", async () => {
    const files = await writeMunicipality();
    const input = { feedPath: files.feed, rosterPath: files.roster, organisationPath: files.organisation };
    await nightly(store, { ...input, asOf: "2026-11-20" });
    const saturday = await nightly(store, { ...input, asOf: "2026-11-21" });
    assert.equal(saturday.feedAlarm, undefined, "no school on Saturday: no feed is expected");
    const monday = await nightly(store, { ...input, asOf: "2026-11-23" });
    assert.deepEqual(monday.feedAlarm, { kind: "missing" });

    const old = await writeMunicipality({ feed: "pupil_id,date,kind,documented\nP1,2026-11-18,day,no" });
    const stale = await nightly(store, { ...input, feedPath: old.feed, asOf: "2026-11-24" });
    assert.deepEqual(stale.feedAlarm, { kind: "stale", lastDate: "2026-11-18", expected: "2026-11-24" });
    const alerts = (await store.outbox.list()).filter((message) => message.kind === "coordinator-alert").map((message) => message.subject.split(":")[0]);
    assert.deepEqual(alerts.sort(), ["missing-feed", "stale-feed"]);
  });

  it("names ten quiet schools with the longest ids an organisation file may hold, in a message whose key stays short", async () => {
    const organisation = structuredClone(ORGANISATION);
    const base = ORGANISATION.schools[0] as (typeof ORGANISATION.schools)[number];
    const quiet = Array.from({ length: 10 }, (_, index) => ({ ...structuredClone(base), id: `${index}`.padStart(100, "Q"), name: `Stille skole ${index + 1}` }));
    organisation.schools.push(...quiet);
    const roster = [ROSTER_CSV, ...quiet.map((school, index) => `Q${index},Elev ${index},${school.id},1A,1,${TEACHER.aadObjectId},`)].join("\n");
    const feed = "pupil_id,date,kind,documented\nQ0,2026-11-02,day,no\nP1,2026-11-18,day,no\nP2,2026-11-19,late,no\nP3,2026-11-20,day,no\n";
    const world = await World.start({ files: { organisation, roster, feed } });
    try {
      await world.install(COORDINATOR);
      const summary = await world.night("2026-11-20");
      assert.equal(summary.feedAlarm?.kind, "stale-schools");
      assert.ok((await world.store.runs.latest())?.summary.feedAlarm, "the run is recorded after the alarm");
      const alert = (await world.store.outbox.list()).find((message) => message.subject.startsWith("stale-schools:"));
      assert.ok(alert && alert.id.length < 200, "the key holds no list of ids");
      await world.bot.sender.drain();
      const cards = world.connector.cards(personalConversationId(COORDINATOR)).map((card) => JSON.stringify(card)).join("\n");
      for (const school of quiet) assert.ok(cards.includes(school.name), `${school.name} is named`);
    } finally {
      await world.stop();
    }
  });

  it("tells the coordinators when one school is missing from a feed that is otherwise current", async () => {
    const organisation = structuredClone(ORGANISATION);
    organisation.schools.push({ ...structuredClone(ORGANISATION.schools[0] as (typeof ORGANISATION.schools)[number]), id: "S2", name: "Nordvik skole" });
    const roster = `${ROSTER_CSV}\nP9,Pia Nord,S2,1A,1,${TEACHER.aadObjectId},`;
    const feed = "pupil_id,date,kind,documented\nP9,2026-11-02,day,no\nP1,2026-11-18,day,no\nP2,2026-11-19,late,no\nP3,2026-11-20,day,no\n";
    const world = await World.start({ files: { organisation, roster, feed } });
    try {
      await world.install(COORDINATOR);
      const summary = await world.night("2026-11-20");
      assert.deepEqual(summary.feedAlarm, { kind: "stale-schools", schools: ["S2"], expected: "2026-11-20" });
      await world.bot.sender.drain();
      const alert = world.connector.cards(personalConversationId(COORDINATOR)).map((card) => JSON.stringify(card)).join("\n");
      assert.match(alert, /ingen registreringer fra Nordvik skole de to siste skoledagene/);

      await world.files.replaceFeed("pupil_id,date,kind,documented\nP1,2026-11-23,day,no\n");
      const delta = await world.night("2026-11-23");
      assert.equal(delta.feedAlarm, undefined, "a feed of one day cannot tell a quiet school from a missing one");
    } finally {
      await world.stop();
    }
  });

  it("stores nothing and queues nothing in a dry run, but says what would happen", async () => {
    const files = await writeMunicipality();
    const summary = await nightly(store, { feedPath: files.feed, rosterPath: files.roster, organisationPath: files.organisation, asOf: AS_OF, dryRun: true });
    assert.equal(summary.dryRun, true);
    assert.equal(summary.casesOpened, 2);
    assert.equal(summary.notificationsQueued, 3);
    assert.equal((await store.absence.listSchool("S1")).size, 0);
    assert.equal((await store.cases.listOpen()).length, 0);
    assert.equal((await store.outbox.list()).length, 0);
  });

  it("uses the thresholds from the organisation file's settings", async () => {
    const files = await writeMunicipality({
      organisation: {
        ...JSON.parse(JSON.stringify((await import("../harness/municipality")).ORGANISATION)),
        settings: { rules: [{ id: "days-percent", kind: "percentage", step: 1, minPercent: 25 }] },
      },
    });
    const summary = await nightly(store, { feedPath: files.feed, rosterPath: files.roster, organisationPath: files.organisation, asOf: AS_OF });
    assert.equal(summary.casesOpened, 0, "nobody reaches 25 %");
    assert.equal(FEED_CSV.split("\n").length - 1, summary.rows);
  });

  it("lets only one run work at a time", async () => {
    const files = await writeMunicipality();
    const input = { feedPath: files.feed, rosterPath: files.roster, organisationPath: files.organisation, asOf: AS_OF };
    const [first, second] = await Promise.all([nightly(store, input), nightly(store, input)]);
    const skipped = [first, second].filter((summary) => summary.skipped);
    assert.equal(skipped.length, 1);
    assert.equal(first.casesOpened + second.casesOpened, 2);
  });

  it("marks a pupil who moved to another school as left at the old school, and keeps the row at the new one", async () => {
    const organisation = { ...ORGANISATION, schools: [ORGANISATION.schools[0], { ...ORGANISATION.schools[0], id: "S2", name: "Nyby skole" }] };
    const files = await writeMunicipality({ organisation });
    await nightly(store, { feedPath: files.feed, rosterPath: files.roster, organisationPath: files.organisation, asOf: AS_OF });
    await writeFile(files.roster, ROSTER_CSV.replace("P1,Emma Eksempel,S1,", "P1,Emma Eksempel,S2,"));
    await files.replaceFeed("pupil_id,date,kind,documented\nP1,2026-11-23,day,no\n");
    await nightly(store, { feedPath: files.feed, rosterPath: files.roster, organisationPath: files.organisation, asOf: "2026-11-23" });
    const left = await store.pupils.listLeftBefore("9999-12-31");
    assert.deepEqual(left.map((pupil) => `${pupil.schoolId}/${pupil.pupilId}`), ["S1/P1"], "the old school's row counts as left from the night of the move");
    assert.ok(await store.pupils.get("S2", "P1"));
  });
});
