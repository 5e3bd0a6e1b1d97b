import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchEvaluation } from "../../scripts/bench/evaluationBench";
import { generateBenchData, type BenchData } from "../../scripts/bench/generate";
import { benchImport } from "../../scripts/bench/importBench";

describe("the benchmark, at 300 pupils", function () {
  this.timeout(60_000);
  let folder: string;
  let data: BenchData;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), "tidlig-bench-"));
    data = await generateBenchData({ pupils: 300, dir: folder });
  });
  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it("imports the whole feed and the delta, each row accepted, and parses the feed with csv-parse alone, each in a process of its own", async () => {
    const figures = await benchImport(data);
    assert.equal(figures.whole.rows, data.rows);
    assert.equal(figures.whole.accepted, data.rows);
    assert.equal(figures.whole.rejected, 0);
    assert.equal(figures.delta.rows, data.deltaRows);
    assert.equal(figures.delta.rejected, 0);
    assert.equal(figures.csvParseBaseline.rows, data.rows);
    for (const measured of [figures.whole, figures.delta, figures.csvParseBaseline]) {
      assert.ok(measured.seconds > 0 && measured.rowsPerSecond > 0, JSON.stringify(measured));
      assert.ok(measured.peakRssMb > 20 && measured.peakRssMb < 2000, JSON.stringify(measured));
    }
    assert.ok(figures.ratioToBaseline > 0);
  });

  it("judges every pupil by the default rules, and flags the same pupils by days-percent as DuckDB does", async () => {
    const figures = await benchEvaluation(data);
    assert.equal(figures.pupils, 300);
    assert.equal(figures.percentRule.ruleId, "days-percent");
    assert.ok(figures.percentRule.flagged > 0, "some pupils reach 10 % of the last 20 school days");
    assert.ok(figures.fullRuleSet.findings >= figures.percentRule.flagged);
    assert.deepEqual(figures.agreement, { both: figures.percentRule.flagged, onlyOurs: 0, onlyDuckdb: 0 });
    assert.equal(figures.duckdb.flagged, figures.percentRule.flagged);
    assert.ok(figures.fullRuleSet.seconds > 0 && figures.duckdb.fromFileSeconds > 0 && figures.duckdb.fromTableSeconds > 0);
    assert.ok(figures.ratioToDuckdb > 0 && figures.peakRssMb > 20);
  });
});
