import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readAbsenceFeed, type FeedRow } from "../../src/feeds/absenceFeed";
import { readBenchMunicipality } from "../../scripts/bench/municipality";
import { generateBenchData, type BenchData } from "../../scripts/bench/generate";

/** Every row of a feed, read by the product's reader against the benchmark's organisation and roster. */
async function readAll(data: BenchData, path: string): Promise<{ rows: FeedRow[]; read: number; rejected: number; rosterRejected: number }> {
  const { pupils, calendars, rosterRejected } = await readBenchMunicipality(data);
  const feed = await readAbsenceFeed(path, { pupils, calendars });
  return { rows: feed.accepted, read: feed.rows, rejected: feed.rejectedTotal, rosterRejected };
}

describe("the benchmark's synthetic municipality", () => {
  let folder: string;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), "tidlig-bench-"));
  });
  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it("is the same, byte for byte, for the same seed, and another for another seed", async () => {
    const first = await generateBenchData({ pupils: 200, days: 30, seed: 7, dir: join(folder, "a") });
    const again = await generateBenchData({ pupils: 200, days: 30, seed: 7, dir: join(folder, "b") });
    const other = await generateBenchData({ pupils: 200, days: 30, seed: 8, dir: join(folder, "c") });
    for (const file of ["organisation", "roster", "feed", "delta"] as const) {
      assert.equal(await readFile(again[file], "utf8"), await readFile(first[file], "utf8"), file);
    }
    assert.notEqual(await readFile(other.feed, "utf8"), await readFile(first.feed, "utf8"));
    assert.equal(first.rows, again.rows);
  });

  it("covers the first school days of 2025-26 as its calendar has them, in schools of about 450 pupils", async () => {
    const data = await generateBenchData({ pupils: 1000, days: 20, dir: join(folder, "calendar") });
    assert.equal(data.schools, 2);
    assert.equal(data.schoolDays, 20);
    assert.equal(data.firstDay, "2025-08-18");
    assert.equal(data.asOf, "2025-09-12", "four weeks of school days from Monday 18 August");
    const whole = await generateBenchData({ pupils: 10, dir: join(folder, "year") });
    assert.equal(whole.schoolDays, 190, "the school year without autumn, Christmas, winter and Easter breaks and public holidays");
    assert.equal(whole.asOf, "2026-06-19");
  });

  it("writes a year's feed that the product reads without rejecting a row, with a tail of pupils above 10 % of days", async () => {
    const data = await generateBenchData({ pupils: 300, dir: join(folder, "year-300") });
    const { rows, read, rejected, rosterRejected } = await readAll(data, data.feed);
    assert.equal(rosterRejected, 0);
    assert.equal(rejected, 0);
    assert.equal(read, data.rows);

    const daysAway = new Map<string, number>();
    for (const row of rows) if (row.event.kind === "day") daysAway.set(row.pupilId, (daysAway.get(row.pupilId) ?? 0) + 1);
    const shares = Array.from({ length: data.pupils }, (_, index) => (daysAway.get(`B${String(index + 1).padStart(7, "0")}`) ?? 0) / data.schoolDays);
    const below5 = shares.filter((share) => share < 0.05).length;
    const above10 = shares.filter((share) => share > 0.1).length;
    assert.ok(below5 > data.pupils * 0.6, `most pupils are away less than 5 % of days (${below5} of ${data.pupils})`);
    assert.ok(above10 >= data.pupils * 0.03 && above10 < data.pupils * 0.2, `a tail is away more than 10 % (${above10} of ${data.pupils})`);

    const kinds = new Set(rows.map((row) => row.event.kind));
    for (const kind of ["day", "lesson", "late", "left_early", "present_not_participating"]) assert.ok(kinds.has(kind as never), kind);
    assert.deepEqual(new Set(rows.map((row) => row.event.documented)), new Set(["yes", "no", "pending"]));
    assert.ok(rows.some((row) => row.event.kind === "late" && (row.event.minutes ?? 0) > 0), "late arrivals come with minutes");
    assert.ok(rows.filter((row) => row.event.kind === "lesson").every((row) => row.event.subject && row.event.lesson), "missed lessons say which lesson and subject");
  });

  it("writes a delta of the last school day alone, the same rows as the whole feed has for that day", async () => {
    const data = await generateBenchData({ pupils: 300, days: 40, dir: join(folder, "delta") });
    const delta = await readAll(data, data.delta);
    assert.equal(delta.rejected, 0);
    assert.equal(delta.read, data.deltaRows);
    assert.ok(data.deltaRows > 0);
    assert.deepEqual(new Set(delta.rows.map((row) => row.date)), new Set([data.asOf]));
    const lastDayOfWhole = (await readFile(data.feed, "utf8")).split("\n").filter((line) => line.includes(`,${data.asOf},`));
    assert.deepEqual((await readFile(data.delta, "utf8")).trim().split("\n").slice(1), lastDayOfWhole);
  });
});
