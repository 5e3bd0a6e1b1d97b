import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FIELD_LIMITS, idFault, textFault, utf8Length } from "../../src/domain/fieldLimits";
import { calendarOf, OrganisationSchema } from "../../src/domain/organisation";
import type { Pupil } from "../../src/domain/roster";
import { readAbsenceFeed, type FeedContext } from "../../src/feeds/absenceFeed";
import { readOrganisationFile } from "../../src/feeds/organisationFile";
import { describeProblem, FileRejected, REASON_CHARACTERS } from "../../src/feeds/problem";
import { readRoster } from "../../src/feeds/rosterFile";
import { translator } from "../../src/i18n";
import { fittedSummary, SUMMARY_MAX_CHARACTERS } from "../../src/store/runRepository";
import { ORGANISATION, ROSTER_CSV, TEACHER } from "../harness/municipality";
import { freshStore } from "../harness/store";

const nb = translator("nb");

async function file(name: string, content: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), "tidlig-limits-")), name);
  await writeFile(path, content);
  return path;
}

function rejectedBy(rejected: { line: number; problem: { key: string; params?: Record<string, string | number> } }[]) {
  return rejected.map(({ line, problem }) => ({ line, key: problem.key, column: problem.params?.column }));
}

describe("input limits at the edge", () => {
  describe("an id", () => {
    it("may have 100 characters, or 100 bytes in UTF-8, and none of / \\ # ? or a control character", () => {
      assert.equal(idFault("1".repeat(100)), undefined);
      assert.equal(idFault("ø".repeat(50)), undefined);
      assert.equal(idFault("1".repeat(101)), "idTooLong");
      assert.equal(idFault("ø".repeat(51)), "idTooLong");
      assert.equal(idFault("ø".repeat(300)), "idTooLong");
      for (const character of ["/", "\\", "#", "?", "\u0000", "\u001f", "\u007f", "\u009f", "\t", "\n"]) assert.equal(idFault(`P${character}1`), "idCharacter", JSON.stringify(character));
      assert.equal(idFault("ola.nordmann@feide.no"), undefined, "a Feide id");
      assert.equal(idFault(TEACHER.aadObjectId), undefined, "an Entra object id");
    });

    it("is measured in UTF-8 bytes as encoded", () => {
      for (const text of ["P1", "ø", "€", "😀", "Kåre-Ølstad"]) assert.equal(utf8Length(text), Buffer.byteLength(text, "utf8"), text);
    });
  });

  it("a name or group has a length limit and no control characters", () => {
    assert.equal(textFault("Emma Eksempel", FIELD_LIMITS.name), undefined);
    assert.equal(textFault("x".repeat(201), FIELD_LIMITS.name), "tooLong");
    assert.equal(textFault("7B\r", FIELD_LIMITS.group), "controlCharacter");
  });

  describe("the roster", () => {
    const schools = new Set(["S1"]);

    it("rejects each row whose pupil id, name, school id, group or contact teachers storage cannot take, with its line and column; the rest go through", async () => {
      const ids = Array.from({ length: 11 }, (_, index) => `T${index}`).join("|");
      const roster = [
        ROSTER_CSV,
        `${"P".repeat(101)},Ola,S1,7B,7,${TEACHER.aadObjectId},`,
        `P6,${"N".repeat(201)},S1,7B,7,${TEACHER.aadObjectId},`,
        `P7,Ola,S#1,7B,7,${TEACHER.aadObjectId},`,
        `P8,Ola,S1,${"7".repeat(51)},7,${TEACHER.aadObjectId},`,
        `P9,Ola,S1,7B,7,${TEACHER.aadObjectId}|${"T".repeat(101)},`,
        `P10,Ola,S1,7B,7,${TEACHER.aadObjectId}|T?1,`,
        `P11,Ola,S1,7B,7,${ids},`,
        `P/12,Ola,S1,7B,7,${TEACHER.aadObjectId},`,
      ].join("\n");
      const read = await readRoster(await file("roster.csv", roster), schools);

      assert.equal(read.pupils.length, 4);
      assert.deepEqual(rejectedBy(read.rejected), [
        { line: 6, key: "field.idTooLong", column: "pupil_id" },
        { line: 7, key: "field.tooLong", column: "pupil_name" },
        { line: 8, key: "field.idCharacter", column: "school_id" },
        { line: 9, key: "field.tooLong", column: "group" },
        { line: 10, key: "field.idTooLong", column: "contact_teacher_id" },
        { line: 11, key: "field.idCharacter", column: "contact_teacher_id" },
        { line: 12, key: "roster.tooManyContactTeachers", column: undefined },
        { line: 13, key: "field.idCharacter", column: "pupil_id" },
      ]);
      assert.equal(describeProblem(read.rejected[6]?.problem ?? { key: "file.empty" }, nb), "contact_teacher_id har 11 kontaktlærere; høyst 10 er tillatt");
    });

    it("lists the first 200 rejected rows and counts them all", async () => {
      const bad = Array.from({ length: 450 }, (_, index) => `N${index},Ny elev,S9,1A,1,${TEACHER.aadObjectId},`);
      const read = await readRoster(await file("roster.csv", [ROSTER_CSV, ...bad].join("\n")), schools);
      assert.equal(read.pupils.length, 4);
      assert.equal(read.rejected.length, 200);
      assert.equal(read.rejectedTotal, 450);
    });
  });

  describe("the absence feed", () => {
    const organisation = OrganisationSchema.parse(ORGANISATION);
    const pupil = (pupilId: string): Pupil => ({ pupilId, name: pupilId, schoolId: "S1", group: "7B", contactTeacherIds: ["T"] });
    const context: FeedContext = {
      pupils: new Map(["P1", "P2"].map((id) => [id, pupil(id)])),
      calendars: new Map(organisation.schools.map((school) => [school.id, calendarOf(school)])),
    };

    it("says a pupil id storage cannot take is wrong as an id, not merely unknown", async () => {
      const feed = ["pupil_id,date,kind,documented", "P1,2026-11-02,day,no", `${"9".repeat(1_000)},2026-11-02,day,no`, `${"ø".repeat(300)},2026-11-02,day,no`, "P#1,2026-11-02,day,no", "P3,2026-11-02,day,no"].join("\n");
      const read = await readAbsenceFeed(await file("feed.csv", feed), context);
      assert.equal(read.acceptedCount, 1);
      assert.deepEqual(rejectedBy(read.rejected), [
        { line: 3, key: "field.idTooLong", column: "pupil_id" },
        { line: 4, key: "field.idTooLong", column: "pupil_id" },
        { line: 5, key: "field.idCharacter", column: "pupil_id" },
        { line: 6, key: "feed.unknownPupil", column: undefined },
      ]);
    });

    it("checks an Ed-Fi export's student ids the same way", async () => {
      const event = (studentUniqueId: string) => ({ studentReference: { studentUniqueId }, eventDate: "2026-11-02", attendanceEventCategoryDescriptor: "uri://ed-fi.org/AttendanceEventCategoryDescriptor#Unexcused Absence" });
      const read = await readAbsenceFeed(await file("attendance.json", JSON.stringify([event("P1"), event("7".repeat(1_000)), event("ø".repeat(300))])), context);
      assert.equal(read.acceptedCount, 1);
      assert.deepEqual(rejectedBy(read.rejected), [
        { line: 2, key: "field.idTooLong", column: "pupil_id" },
        { line: 3, key: "field.idTooLong", column: "pupil_id" },
      ]);
    });
  });

  describe("the organisation file", () => {
    const school = ORGANISATION.schools[0] as (typeof ORGANISATION.schools)[number];

    async function refusal(organisation: unknown): Promise<FileRejected> {
      try {
        await readOrganisationFile(await file("organisation.json", JSON.stringify(organisation)));
      } catch (error) {
        if (error instanceof FileRejected) return error;
        throw error;
      }
      assert.fail("the file was accepted");
    }

    it("is refused when a school has no leaders, naming the school", async () => {
      const refused = await refusal({ ...ORGANISATION, schools: [{ ...school, leaders: [] }] });
      assert.equal(refused.problem.key, "file.schoolWithoutLeaders");
      assert.match(describeProblem(refused.problem, nb), /ingen ledere \(leaders\) i organisasjonsfilen: Testvik skole\./);
      const none = await refusal({ ...ORGANISATION, schools: [{ ...school, leaders: undefined }] });
      assert.equal(none.problem.key, "file.schoolWithoutLeaders", "leaders left out are no leaders");
    });

    it("lists at most five problems, so that the reason stays short", async () => {
      const schools = Array.from({ length: 50 }, (_, index) => ({ ...school, id: `S#${index}` }));
      const refused = await refusal({ ...ORGANISATION, schools });
      assert.match(String(refused.problem.params?.detail), /schools\.4\.id: .*\(\+45\)$/);
      assert.ok(describeProblem(refused.problem, nb).length <= REASON_CHARACTERS);
    });

    it("is refused when it is too large to be stored", async () => {
      const schools = Array.from({ length: 500 }, (_, index) => ({ ...school, id: `S${index}`, leaders: Array.from({ length: 20 }, () => TEACHER.aadObjectId) }));
      const refused = await refusal({ ...ORGANISATION, schools });
      assert.equal(refused.problem.key, "file.organisationTooLarge");
    });
  });

  describe("the stored run summary", () => {
    const rows = (count: number, reason: string) => Array.from({ length: count }, (_, line) => ({ line, reason, code: "feed.unknownPupil" }));

    it("is kept whole while it fits, and cut (its longest lists halved, marked truncated) when it would not", () => {
      const small = { ok: true, rejected: rows(3, "ukjent elev"), rejectedTotal: 3 };
      assert.equal(fittedSummary(small), JSON.stringify(small));

      const huge = { ok: true, rejected: rows(5_000, "x".repeat(400)), rejectedTotal: 5_000, roster: { rejected: rows(100, "y"), rejectedTotal: 100 } };
      const fitted = JSON.parse(fittedSummary(huge)) as typeof huge & { truncated?: boolean };
      assert.ok(JSON.stringify(fitted).length <= SUMMARY_MAX_CHARACTERS);
      assert.equal(fitted.truncated, true);
      assert.equal(fitted.rejectedTotal, 5_000, "the total still counts every row");
      assert.ok(fitted.rejected.length > 0 && fitted.rejected.length < 5_000);
      assert.equal(fitted.roster.rejected.length, 100, "a short list is kept");
    });

    it("keeps its shape and counts when even its texts are too long", () => {
      const strange = { ok: true, fileRejected: { file: "f".repeat(500_000), reason: "r", code: "file.empty" }, roster: { rows: 1, rejected: [], rejectedTotal: 0 } };
      const fitted = JSON.parse(fittedSummary(strange)) as typeof strange;
      assert.equal(fitted.fileRejected.file.length, 1_000);
      assert.deepEqual(fitted.roster, strange.roster);
      assert.equal(fitted.ok, true);
    });

    it("is written over several properties and read back whole; a record written as one property still reads", async () => {
      const store = await freshStore();
      const summary = { ok: true, rejected: rows(200, "z".repeat(400)), rejectedTotal: 200 };
      await store.runs.record({ startedAt: "2026-11-21T01:00:00.000Z", finishedAt: "2026-11-21T01:01:00.000Z", asOf: "2026-11-20", summary });
      assert.deepEqual((await store.runs.latest())?.summary, summary);

      const earlier = { ok: true, rejected: [], rejectedTotal: 0 };
      await store.storage.table("runs").upsertEntity({ partitionKey: "nightly", rowKey: "latest", startedAt: "s", finishedAt: "f", asOf: "2026-11-19", summary: JSON.stringify(earlier) }, "Replace");
      assert.deepEqual((await store.runs.latest())?.summary, earlier);
    });
  });
});
