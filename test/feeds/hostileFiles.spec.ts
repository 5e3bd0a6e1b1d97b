import assert from "node:assert/strict";
import { mkdir, mkdtemp, open, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { calendarOf, OrganisationSchema } from "../../src/domain/organisation";
import type { Pupil } from "../../src/domain/roster";
import { readAbsenceFeed, type FeedContext } from "../../src/feeds/absenceFeed";
import { MAX_LINE_LENGTH } from "../../src/feeds/csvTable";
import { ORGANISATION_MAX_CHARACTERS, readOrganisationFile } from "../../src/feeds/organisationFile";
import { FileRejected, type Problem } from "../../src/feeds/problem";
import { readRoster } from "../../src/feeds/rosterFile";
import type { Store } from "../../src/store";
import { nightly } from "../harness/bot";
import { COORDINATOR, ORGANISATION, ROSTER_CSV, writeMunicipality } from "../harness/municipality";
import { freshStore } from "../harness/store";

const organisation = OrganisationSchema.parse(ORGANISATION);
const pupil = (pupilId: string): Pupil => ({ pupilId, name: pupilId, schoolId: "S1", group: "7B", contactTeacherIds: ["T"] });
const context: FeedContext = {
  pupils: new Map(["P1", "P2"].map((id) => [id, pupil(id)])),
  calendars: new Map(organisation.schools.map((school) => [school.id, calendarOf(school)])),
};

const HEADER = "pupil_id,date,kind,documented\n";
const ROW = "P1,2026-11-02,day,no\n";
const EVENT = { studentReference: { studentUniqueId: "P1" }, eventDate: "2026-11-02", attendanceEventCategoryDescriptor: "uri://ed-fi.org/AttendanceEventCategoryDescriptor#Unexcused Absence" };

/** Writes a hostile file into a fresh temporary folder; big ones are made here, never kept in the repository. */
async function hostile(name: string, ...parts: (string | Buffer)[]): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), "tidlig-hostile-")), name);
  const file = await open(path, "w");
  try {
    for (const part of parts) await file.write(typeof part === "string" ? Buffer.from(part) : part);
  } finally {
    await file.close();
  }
  return path;
}

/** The problem a file was refused with; anything else (read through, another error) fails the test. */
async function refusal(reading: Promise<unknown>): Promise<Problem> {
  try {
    await reading;
  } catch (error) {
    assert.ok(error instanceof FileRejected, `refused as a file, not with ${String(error)}`);
    return error.problem;
  }
  assert.fail("the file was read as if it were good");
}

// A hang must fail the one test, not the suite: every test here has a generous time limit of its own.
describe("hostile table files are refused whole, with the line where they go wrong, and never leave the run waiting", function () {
  this.timeout(60_000);

  it("a feed with a quote that is never closed is refused with the line the quote opens on", async () => {
    const path = await hostile("feed.csv", HEADER, ROW, ROW, 'P1,"2026-11-03,day,no\n', ROW.repeat(50));
    assert.deepEqual(await refusal(readAbsenceFeed(path, context)), { key: "file.unterminatedQuote", params: { line: 4 } });
  });

  it("a feed whose last row opens a quote at the very end of the file is refused, not read as if it had ended", async () => {
    const path = await hostile("feed.csv", HEADER, ROW, "\n", ROW, 'P2,2026-11-03,day,"no');
    assert.deepEqual(await refusal(readAbsenceFeed(path, context)), { key: "file.unterminatedQuote", params: { line: 5 } });
  });

  it("a quote that is never closed in a large feed is refused where it opens, long before the end of the file", async () => {
    const path = await hostile("feed.csv", HEADER, ROW.repeat(10_000), 'P1,"2026-11-03,day,no\n', ROW.repeat(100_000));
    assert.deepEqual(await refusal(readAbsenceFeed(path, context)), { key: "file.unterminatedQuote", params: { line: 10_002 } });
  });

  it("a roster with a quote that is never closed is refused whole with its line", async () => {
    const lines = ROSTER_CSV.split("\n");
    const path = await hostile("roster.csv", [...lines.slice(0, 3), 'P9,"Ola Nordmann,S1,7B,7,T,', ...lines.slice(3)].join("\n"));
    assert.deepEqual(await refusal(readRoster(path, new Set(["S1"]))), { key: "file.unterminatedQuote", params: { line: 4 } });
  });

  it("a line of 10 MB without a newline is refused with its line", async () => {
    const path = await hostile("feed.csv", HEADER, ROW, ROW, Buffer.alloc(10 * 1024 * 1024, "x"));
    assert.deepEqual(await refusal(readAbsenceFeed(path, context)), { key: "file.lineTooLong", params: { line: 4, limit: MAX_LINE_LENGTH } });
  });

  it("a field of 64 KiB is refused with its line, unquoted or quoted", async () => {
    const field = "y".repeat(64 * 1024 + 1);
    const unquoted = await hostile("feed.csv", HEADER, ROW, `P1,${field},day,no\n`, ROW);
    assert.deepEqual(await refusal(readAbsenceFeed(unquoted, context)), { key: "file.lineTooLong", params: { line: 3, limit: MAX_LINE_LENGTH } });
    const quotedOverLines = await hostile("feed.csv", HEADER, ROW, `P1,"${"y\n".repeat(40 * 1024)}",day,no\n`, ROW);
    assert.equal((await refusal(readAbsenceFeed(quotedOverLines, context))).key, "file.unterminatedQuote", "a record may go over several lines only inside quotes");
  });

  it("a line of a million delimiters is refused before it becomes a million fields", async () => {
    const path = await hostile("feed.csv", HEADER, ROW, ",".repeat(1_000_000), "\n", ROW);
    assert.deepEqual(await refusal(readAbsenceFeed(path, context)), { key: "file.lineTooLong", params: { line: 3, limit: MAX_LINE_LENGTH } });
  });

  it("a NUL byte after the first 64 KiB is refused as binary, with its line", async () => {
    const path = await hostile("feed.csv", HEADER, ROW.repeat(5_000), "P1,2026-11-\u000003,day,no\n", ROW);
    assert.deepEqual(await refusal(readAbsenceFeed(path, context)), { key: "file.binaryAt", params: { line: 5_002 } });
  });

  it("still reads a file without a final newline, a quoted field over two lines, and CR line endings in a large file", async () => {
    const noFinalNewline = await hostile("feed.csv", HEADER, ROW, "P2,2026-11-03,day,no");
    assert.equal((await readAbsenceFeed(noFinalNewline, context)).acceptedCount, 2);
    const quoted = await hostile("feed.csv", "pupil_id,date,kind,documented,reason\n", 'P1,2026-11-02,day,no,"SYK\nA"\n', ROW);
    assert.equal((await readAbsenceFeed(quoted, context)).acceptedCount, 2);
    const carriageReturns = await hostile("feed.csv", (HEADER + ROW.repeat(10_000)).replace(/\n/g, "\r"));
    assert.equal((await readAbsenceFeed(carriageReturns, context)).rows, 10_000);
  });
});

describe("the nightly job with a hostile file", function () {
  this.timeout(60_000);
  let store: Store;

  beforeEach(async () => {
    store = await freshStore();
  });

  it("good rows and then one bad quote at the end: the whole feed is refused, no absence is stored, the run is recorded and the coordinators told", async () => {
    const files = await writeMunicipality({ feed: `${HEADER}${ROW}P1,2026-11-19,day,yes\nP2,2026-11-10,day,"no\n` });
    const summary = await nightly(store, { feedPath: files.feed, rosterPath: files.roster, organisationPath: files.organisation, asOf: "2026-11-20" });
    assert.equal(summary.fileRejected?.code, "file.unterminatedQuote");
    assert.match(summary.fileRejected?.reason ?? "", /linje 4/);
    assert.equal(summary.accepted, 0);
    assert.equal((await store.absence.listSchool("S1")).size, 0, "nothing of the rows before the quote is stored");
    const recorded = (await store.runs.latest())?.summary.fileRejected as { code?: string } | undefined;
    assert.equal(recorded?.code, "file.unterminatedQuote", "the run is recorded, so that 'status' shows it");
    const told = (await store.outbox.list()).filter((message) => message.kind === "run-summary");
    assert.deepEqual(told.map((message) => message.recipientId), [COORDINATOR.aadObjectId]);
  });

  it("a roster with a quote that is never closed: the run is refused with the roster's line, nothing stored", async () => {
    const files = await writeMunicipality({ roster: `${ROSTER_CSV}\nP9,"Ola,S1,7B,7,T,` });
    const summary = await nightly(store, { feedPath: files.feed, rosterPath: files.roster, organisationPath: files.organisation, asOf: "2026-11-20" });
    assert.equal(summary.fileRejected?.file, files.roster);
    assert.deepEqual([summary.fileRejected?.code, /linje 6/.test(summary.fileRejected?.reason ?? "")], ["file.unterminatedQuote", true]);
    assert.equal((await store.pupils.any()), false);
  });
});

describe("hostile Ed-Fi, organisation and Excel files are refused at once", function () {
  this.timeout(60_000);

  it("Ed-Fi JSON cut short is refused as unreadable", async () => {
    const text = JSON.stringify([EVENT, EVENT]);
    const path = await hostile("feed.json", text.slice(0, text.length - 30));
    assert.deepEqual(await refusal(readAbsenceFeed(path, context)), { key: "file.unparsable" });
  });

  it("Ed-Fi JSON with a string of 10 MB, an element of a million keys or nesting a million deep is refused, not read whole", async () => {
    const longString = await hostile("feed.json", `[${JSON.stringify(EVENT)},{"studentReference":{"studentUniqueId":"`, Buffer.alloc(10 * 1024 * 1024, "x"), '"}}]');
    const manyKeys = await hostile("feed.json", `[${JSON.stringify(EVENT)},{`, Array.from({ length: 1_000_000 }, (_, index) => `"k${index}":1`).join(","), "}]");
    const deep = await hostile("feed.json", "[", "[".repeat(1_000_000), "]".repeat(1_000_000), "]");
    const outsideTheEvents = await hostile("feed.json", '{"note":"', Buffer.alloc(10 * 1024 * 1024, "x"), `","value":[${JSON.stringify(EVENT)}]}`);
    for (const path of [longString, manyKeys, deep, outsideTheEvents]) {
      assert.equal((await refusal(readAbsenceFeed(path, context))).key, "file.valueTooLong");
    }
  });

  it("an organisation file over 10 MB, cut short, or not a file is refused with what is wrong", async () => {
    const padded = await hostile("organisation.json", JSON.stringify(ORGANISATION).replace("{", `{${" ".repeat(11 * 1024 * 1024)}`));
    assert.deepEqual(await refusal(readOrganisationFile(padded)), { key: "file.organisationTooLarge", params: { max: ORGANISATION_MAX_CHARACTERS } });
    const cut = await hostile("organisation.json", JSON.stringify(ORGANISATION).slice(0, 100));
    assert.equal((await refusal(readOrganisationFile(cut))).key, "file.invalidOrganisation");
    const folder = join(await mkdtemp(join(tmpdir(), "tidlig-hostile-")), "organisation.json");
    await mkdir(folder);
    assert.equal((await refusal(readOrganisationFile(folder))).key, "file.notRegular");
  });

  it("an Excel workbook cut short, or one that unpacks to far more than it holds (a zip bomb), is refused before it is unpacked", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Fravær");
    sheet.addRow(["pupil_id", "date", "kind", "documented"]);
    sheet.addRow(["P1", "x".repeat(10 * 1024 * 1024), "day", "no"]);
    const bomb = Buffer.from(await workbook.xlsx.writeBuffer());
    assert.equal((await refusal(readAbsenceFeed(await hostile("feed.xlsx", bomb), context))).key, "file.workbookTooLarge");
    const cut = await hostile("feed.xlsx", bomb.subarray(0, Math.floor(bomb.length / 2)));
    assert.equal((await refusal(readAbsenceFeed(cut, context))).key, "file.workbookDamaged");
    await writeFile(cut, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00]));
    assert.equal((await refusal(readAbsenceFeed(cut, context))).key, "file.workbookDamaged");
  });
});
