import assert from "node:assert/strict";
import { ORGANISATION, ROSTER_CSV, TEACHER } from "../harness/municipality";
import { World } from "../harness/world";

/** Noah (P2) is away every school day from Monday 9 to Friday 20 November 2026. */
const NOAH_AWAY = ["2026-11-09", "2026-11-10", "2026-11-11", "2026-11-12", "2026-11-13", "2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"];
const HEADER = "pupil_id,date,kind,documented";
const away = (pupilId: string, dates: readonly string[]) => dates.map((date) => `${pupilId},${date},day,no`);
const feed = (...rows: string[]) => [HEADER, ...away("P2", NOAH_AWAY), ...rows].join("\n");
/** The meeting is due two school days after it opens: its reminder falls due the next school day. */
const SHORT_DEADLINES = { ...ORGANISATION, settings: { routine: { meetingDeadlineSchoolDays: 2 } } };

describe("no data is not presence", () => {
  let world: World;

  afterEach(async () => world.stop());

  it("a night whose feed is the same file again returns no pupil and changes no case on absence grounds, but reminders still fall due", async () => {
    world = await World.start({ now: "2026-11-21T04:00:00Z", files: { organisation: SHORT_DEADLINES, feed: feed() } });
    await world.install(TEACHER);
    await world.night("2026-11-20");
    const before = (await world.caseOf("P2"))?.value;
    assert.equal(before?.current?.task, "meeting", "ten days away: the rules have started the meeting");

    world.at("2026-11-24T04:00:00Z");
    const monday = await world.night("2026-11-23");
    assert.deepEqual(monday.feedAlarm, { kind: "missing" });
    assert.deepEqual([monday.casesOpened, monday.casesAdvanced, monday.casesReturned, monday.casesClosed], [0, 0, 0, 0], "no case opened, raised, returned or closed");
    const after = (await world.caseOf("P2"))?.value;
    assert.equal(after?.current?.task, "meeting", "Noah is not back at school: nobody knows whether he came");
    assert.equal(after?.returned, undefined);
    assert.equal(monday.remindersQueued, 1, "the meeting's reminder falls due whatever the feed");
  });

  it("the next night's real feed, still absent, leaves no return behind", async () => {
    world = await World.start({ now: "2026-11-21T04:00:00Z", files: { feed: feed() } });
    await world.night("2026-11-20");
    world.at("2026-11-24T04:00:00Z");
    await world.night("2026-11-23");

    await world.files.replaceFeed(feed(...away("P2", ["2026-11-23", "2026-11-24"])));
    world.at("2026-11-25T04:00:00Z");
    const tuesday = await world.night("2026-11-24");
    assert.equal(tuesday.feedAlarm, undefined);
    const noah = (await world.caseOf("P2"))?.value;
    assert.notEqual(noah?.current?.task, "return", "still away: no welcome-back plan is asked for");
    assert.equal(noah?.returned, undefined);
    assert.equal((await world.store.audit.list()).filter((entry) => entry.action === "case.return").length, 0);
  });

  it("a feed that stops a school day short leaves the days after it unknown: no return on them, and the return is seen when a feed covers it", async () => {
    world = await World.start({ now: "2026-11-24T04:00:00Z", files: { feed: feed() } });
    const monday = await world.night("2026-11-23");
    assert.equal(monday.feedAlarm, undefined, "a feed one school day short raises no alarm");
    assert.equal(monday.casesReturned, 0, "Monday is not in the feed: Noah may still be away");
    assert.notEqual((await world.caseOf("P2"))?.value.current?.task, "return");

    await world.files.replaceFeed(feed("P1,2026-11-24,late,no"));
    world.at("2026-11-25T04:00:00Z");
    const tuesday = await world.night("2026-11-24");
    assert.equal(tuesday.casesReturned, 1, "the feed covers Monday and Tuesday, with no absence for Noah");
    assert.equal((await world.caseOf("P2"))?.value.returned?.on, "2026-11-23", "back on Monday, the first school day the feed shows him present");
  });

  it("a stale feed judges no pupil on absence grounds: no case opens and no pupil returns", async () => {
    world = await World.start({ now: "2026-11-25T04:00:00Z", files: { feed: feed() } });
    const tuesday = await world.night("2026-11-24");
    assert.deepEqual(tuesday.feedAlarm, { kind: "stale", lastDate: "2026-11-20", expected: "2026-11-24" });
    assert.deepEqual([tuesday.casesOpened, tuesday.casesReturned], [0, 0]);
  });

  it("a school missing from the feed has its pupils left unjudged that night, while the other school's are judged", async () => {
    const organisation = structuredClone(ORGANISATION);
    organisation.schools.push({ ...structuredClone(ORGANISATION.schools[0] as (typeof ORGANISATION.schools)[number]), id: "S2", name: "Nordvik skole" });
    const roster = `${ROSTER_CSV}\nP9,Pia Nord,S2,1A,1,${TEACHER.aadObjectId},`;
    const sara = away("P3", ["2026-11-23"]);
    world = await World.start({ now: "2026-11-21T04:00:00Z", files: { organisation, roster, feed: feed(...away("P9", NOAH_AWAY)) } });
    await world.night("2026-11-20");

    await world.files.replaceFeed(feed(...sara));
    world.at("2026-11-24T04:00:00Z");
    const monday = await world.night("2026-11-23");
    assert.deepEqual(monday.feedAlarm, { kind: "stale-schools", schools: ["S2"], expected: "2026-11-23" });
    assert.equal((await world.caseOf("P2"))?.value.current?.task, "return", "Noah's school is in the feed: he is back");
    const pia = (await world.store.cases.listSchool("S2")).map((stored) => stored.value);
    assert.deepEqual(pia.map((value) => [value.pupilId, value.current?.task, value.returned]), [["P9", "meeting", undefined]], "Pia's school sent nothing: she is not judged");
  });

  it("a correction that shows the pupil absent on the day read as a return takes the return task back", async () => {
    world = await World.start({ now: "2026-11-21T04:00:00Z", files: { feed: feed() } });
    await world.night("2026-11-20");
    await world.files.replaceFeed(feed("P1,2026-11-23,late,no"));
    world.at("2026-11-24T04:00:00Z");
    await world.night("2026-11-23");
    const returned = (await world.caseOf("P2"))?.value;
    assert.equal(returned?.current?.task, "return", "the feed covers Monday and shows no absence for Noah");

    await world.files.replaceFeed(feed(...away("P2", ["2026-11-23", "2026-11-24"])));
    world.at("2026-11-25T04:00:00Z");
    const corrected = await world.night("2026-11-24");
    assert.equal(corrected.returnsWithdrawn, 1);
    const noah = (await world.caseOf("P2"))?.value;
    assert.equal(noah?.returned, undefined);
    assert.equal(noah?.current?.task, "meeting", "the case goes back to the meeting the return had superseded");
    assert.equal(noah?.current?.serial, returned?.done.at(-1)?.serial, "the meeting's card, already sent, can be answered again");
    assert.deepEqual(noah?.done.at(-1)?.task, "return", "the return's card is outdated: its number is kept, never given to another task");
    assert.ok((await world.store.audit.list()).some((entry) => entry.action === "case.return-withdrawn" && entry.subject === noah?.caseId));
  });

  it("a pupil who really came back, on days the feed covers, still gets the return task", async () => {
    world = await World.start({ now: "2026-11-21T04:00:00Z", files: { feed: feed() } });
    await world.night("2026-11-20");
    await world.files.replaceFeed(feed("P3,2026-11-23,day,no"));
    world.at("2026-11-24T04:00:00Z");
    const monday = await world.night("2026-11-23");
    assert.equal(monday.casesReturned, 1);
    assert.deepEqual((await world.caseOf("P2"))?.value.returned, { on: "2026-11-23", stretch: { from: "2026-11-09", to: "2026-11-20", schoolDaysAbsent: 10, schoolDays: 10 } });
  });
});
