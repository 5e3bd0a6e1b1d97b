import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import iconv from "iconv-lite";
import { calendarOf, OrganisationSchema } from "../../src/domain/organisation";
import type { Pupil } from "../../src/domain/roster";
import { readAbsenceFeed, type FeedContext } from "../../src/feeds/absenceFeed";
import { FeedMappingSchema } from "../../src/feeds/mapping";
import type { FileRejected } from "../../src/feeds/problem";
import { ORGANISATION } from "../harness/municipality";

const organisation = OrganisationSchema.parse(ORGANISATION);
const pupil = (pupilId: string): Pupil => ({ pupilId, name: pupilId, schoolId: "S1", group: "7B", contactTeacherIds: ["T"] });
const context: FeedContext = {
  pupils: new Map(["P1", "P2", "Ø1"].map((id) => [id, pupil(id)])),
  calendars: new Map(organisation.schools.map((school) => [school.id, calendarOf(school)])),
};

async function file(content: string | Buffer): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), "tidlig-feed-")), "feed.csv");
  await writeFile(path, content);
  return path;
}

describe("absence feeds as they really arrive", () => {
  const REFERENCE = "pupil_id,date,kind,documented,lesson,subject\nP1,2026-11-02,day,no,,\nP1,2026-11-03,lesson,yes,2,KRØ\n";

  for (const [name, content] of [
    ["semicolons", REFERENCE.replace(/,/g, ";")],
    ["tabs", REFERENCE.replace(/,/g, "\t")],
    ["CRLF line endings", REFERENCE.replace(/\n/g, "\r\n")],
    ["a UTF-8 byte order mark", `\uFEFF${REFERENCE}`],
    ["Windows-1252 (Excel's CSV)", iconv.encode(REFERENCE.replace(/,/g, ";").replace(/\n/g, "\r\n"), "windows-1252")],
    ["ISO-8859-1", iconv.encode(REFERENCE, "latin1")],
    ["header names in any case, order and spacing, with extra columns", " Subject ,DOCUMENTED, Date ,Pupil_ID,Kind,lesson,Klasse\n,no,2026-11-02,P1,day,,7B\nKRØ,yes,2026-11-03,P1,lesson,2,7B\n"],
    ["blank lines and a trailing delimiter", `pupil_id,date,kind,documented,lesson,subject,\n\nP1,2026-11-02,day,no,,,\n\n,,,,,,\nP1,2026-11-03,lesson,yes,2,KRØ,\n\n`],
    ["Norwegian dates and codes", "pupil_id;date;kind;documented;lesson;subject\nP1;02.11.2026;dag;IG;;\nP1;3.11.2026;time;G;2;KRØ\n"],
  ] as const) {
    it(`reads ${name}`, async () => {
      const feed = await readAbsenceFeed(await file(content), context);
      assert.deepEqual(feed.rejected, []);
      assert.equal(feed.rows, 2);
      assert.deepEqual(
        feed.accepted.map((row) => [row.date, row.event.kind, row.event.documented, row.event.subject ?? ""]),
        [["2026-11-02", "day", "no", ""], ["2026-11-03", "lesson", "yes", "KRØ"]],
      );
    });
  }

  it("reads every documented and kind code of the reference", async () => {
    const rows = [
      ["ja", "dag", "yes", "day"], ["nei", "sen", "no", "late"], ["ubehandlet", "gått", "pending", "left_early"], ["true", "til_stede_uten_deltakelse", "yes", "present_not_participating"],
      ["false", "til_stede", "no", "present"], ["R", "time", "pending", "lesson"], ["YES", "LEFT_EARLY", "yes", "left_early"], ["pending", "present", "pending", "present"],
    ];
    const schoolDays = ["2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05", "2026-11-06", "2026-11-09", "2026-11-10", "2026-11-11"];
    const content = ["pupil_id,date,kind,documented", ...rows.map(([documented, kind], index) => `P1,${schoolDays[index]},${kind},${documented}`)].join("\n");
    const feed = await readAbsenceFeed(await file(content), context);
    assert.deepEqual(feed.rejected.map((row) => row.problem), []);
    assert.deepEqual(feed.accepted.map((row) => [row.event.documented, row.event.kind]), rows.map(([, , documented, kind]) => [documented, kind]));
  });

  it("reports rows with too many or too few fields by line, and keeps a quoted field with the delimiter and a newline inside", async () => {
    const content = [
      "pupil_id,date,kind,documented,reason",
      'P1,2026-11-02,day,no,"SYK, se\nmelding"',
      "P1,2026-11-03,day,no,SYK,extra,fields",
      "P1,2026-11-04",
      "P2,2026-11-05,day,yes,SYK",
    ].join("\n");
    const feed = await readAbsenceFeed(await file(content), context);
    assert.equal(feed.rows, 4);
    assert.deepEqual(feed.rejected.map((row) => [row.line, row.problem.key]), [[4, "feed.fieldCount"], [5, "feed.fieldCount"]]);
    assert.equal(feed.accepted[0]?.event.reason, "SYK, se\nmelding");
    assert.deepEqual(feed.accepted.map((row) => row.line), [2, 6], "line numbers after a field with a newline inside");
  });

  it("reads an export with other column names and codes through the column-mapping setting", async () => {
    const mapping = FeedMappingSchema.parse({
      columns: { "Elev-ID": "pupil_id", Dato: "date", Fraværstype: "kind", Gyldig: "documented", Fag: "subject" },
      values: { kind: { D: "day", F: "lesson", S: "late" }, documented: { J: "yes", N: "no", U: "pending" } },
    });
    const content = iconv.encode("Elev-ID;Dato;Fraværstype;Gyldig;Fag\r\nP1;02.11.2026;D;N;\r\nP1;03.11.2026;F;J;MAT\r\nP2;04.11.2026;S;U;\r\nP2;05.11.2026;X;U;\r\n", "windows-1252");
    const feed = await readAbsenceFeed(await file(content), { ...context, mapping });
    assert.deepEqual(feed.accepted.map((row) => [row.pupilId, row.date, row.event.kind, row.event.documented]), [
      ["P1", "2026-11-02", "day", "no"],
      ["P1", "2026-11-03", "lesson", "yes"],
      ["P2", "2026-11-04", "late", "pending"],
    ]);
    assert.deepEqual(feed.rejected.map((row) => [row.line, row.problem.key]), [[5, "feed.invalidKind"]]);
  });

  it("reads an Excel workbook (.xlsx): the first sheet, or the sheet the mapping names", async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet("Forside").addRows([["Fravær eksportert fra skolesystemet"]]);
    const sheet = workbook.addWorksheet("Fravær");
    sheet.addRows([["Elev-ID", "Dato", "Fraværstype", "Gyldig", "Fag"], ["P1", new Date(Date.UTC(2026, 10, 2)), "D", "N", null], ["P2", "03.11.2026", "F", "J", "KRØ"], ["NOBODY", "04.11.2026", "D", "N", null]]);
    const path = join(await mkdtemp(join(tmpdir(), "tidlig-feed-")), "fravær.xlsx");
    await workbook.xlsx.writeFile(path);
    const mapping = FeedMappingSchema.parse({ columns: { "Elev-ID": "pupil_id", Dato: "date", Fraværstype: "kind", Gyldig: "documented", Fag: "subject" }, values: { kind: { D: "day", F: "lesson" }, documented: { J: "yes", N: "no" } }, sheet: "Fravær" });
    const feed = await readAbsenceFeed(path, { ...context, mapping });
    assert.deepEqual(feed.accepted.map((row) => [row.line, row.pupilId, row.date, row.event.kind, row.event.documented, row.event.subject ?? ""]), [
      [2, "P1", "2026-11-02", "day", "no", ""],
      [3, "P2", "2026-11-03", "lesson", "yes", "KRØ"],
    ]);
    assert.deepEqual(feed.rejected.map((row) => [row.line, row.problem.key]), [[4, "feed.unknownPupil"]]);
    await assert.rejects(readAbsenceFeed(path, context), (error: FileRejected) => error.problem.key === "file.missingColumns", "the first sheet is not a feed");
  });

  it("reads Ed-Fi attendance events (school and section) onto the same events", async () => {
    const descriptor = (name: string) => `uri://ed-fi.org/AttendanceEventCategoryDescriptor#${name}`;
    const events = [
      { studentReference: { studentUniqueId: "P1" }, schoolReference: { schoolId: 1 }, eventDate: "2026-11-02", attendanceEventCategoryDescriptor: descriptor("Unexcused Absence") },
      { studentReference: { studentUniqueId: "P1" }, sectionReference: { localCourseCode: "MAT", sectionIdentifier: "7B-MAT" }, eventDate: "2026-11-03", attendanceEventCategoryDescriptor: descriptor("Excused Absence") },
      { studentReference: { studentUniqueId: "P2" }, schoolReference: { schoolId: 1 }, eventDate: "2026-11-04", attendanceEventCategoryDescriptor: descriptor("Tardy") },
      { studentReference: { studentUniqueId: "P2" }, schoolReference: { schoolId: 1 }, eventDate: "2026-11-05", attendanceEventCategoryDescriptor: descriptor("Early departure") },
      { studentReference: { studentUniqueId: "P2" }, schoolReference: { schoolId: 1 }, eventDate: "2026-11-06", attendanceEventCategoryDescriptor: descriptor("In Attendance") },
      { studentReference: { studentUniqueId: "P2" }, sectionReference: { localCourseCode: "NOR" }, eventDate: "2026-11-09", attendanceEventCategoryDescriptor: descriptor("Partial") },
      { studentReference: { studentUniqueId: "P2" }, eventDate: "2026-11-10", attendanceEventCategoryDescriptor: descriptor("Skipped") },
      { eventDate: "2026-11-10" },
    ];
    const path = join(await mkdtemp(join(tmpdir(), "tidlig-feed-")), "attendance.json");
    await writeFile(path, JSON.stringify(events));
    const feed = await readAbsenceFeed(path, context);
    assert.equal(feed.rows, 8);
    assert.deepEqual(feed.accepted.map((row) => [row.date, row.event.kind, row.event.documented, row.event.subject ?? ""]), [
      ["2026-11-02", "day", "no", ""],
      ["2026-11-03", "lesson", "yes", "MAT"],
      ["2026-11-04", "late", "pending", ""],
      ["2026-11-05", "left_early", "pending", ""],
      ["2026-11-06", "present", "yes", ""],
      ["2026-11-09", "lesson", "pending", "NOR"],
    ]);
    assert.deepEqual(feed.rejected.map((row) => [row.line, row.problem.key]), [[7, "feed.invalidKind"], [8, "feed.edFiInvalid"]]);

    // The same events as an API answers them (under "value"), with a byte order mark: the same rows.
    await writeFile(path, `\uFEFF${JSON.stringify({ "@odata.context": "attendance", value: events })}`);
    const wrapped = await readAbsenceFeed(path, context);
    assert.deepEqual(wrapped.accepted, feed.accepted);
    assert.deepEqual(wrapped.rejected, feed.rejected);

    for (const text of [JSON.stringify({ events }), JSON.stringify(events).slice(0, 150)]) {
      await writeFile(path, text);
      await assert.rejects(readAbsenceFeed(path, context), (error: FileRejected) => ["file.notEdFi", "file.unparsable"].includes(error.problem.key), text.slice(0, 40));
    }
  });
});
