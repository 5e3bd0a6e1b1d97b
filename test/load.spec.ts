import assert from "node:assert/strict";
import { runLoad } from "../scripts/load";

describe("load on the answer path", function () {
  this.timeout(300_000);

  it("takes 200 teachers answering at 100 answers a second: no errors, every answer stored once, rate and p99 reported", async () => {
    // CI runs 10 seconds of it; `npm run load` runs the full minute (see the README for its figures).
    const report = await runLoad({ teachers: 200, rate: 100, seconds: 10 });
    process.stdout.write(`      ${report.requests} answers at ${report.achievedRate}/s: p50 ${report.latencyMs.p50} ms, p95 ${report.latencyMs.p95} ms, p99 ${report.latencyMs.p99} ms, max ${report.latencyMs.max} ms\n`);
    assert.equal(report.cases, 1000);
    assert.equal(report.requests, 1000);
    assert.equal(report.errors, 0);
    assert.equal(report.answersStored, 1000, "no answer lost");
    assert.equal(report.answeredTwice, 0);
    // The rate and the latencies are reported, not asserted: speed goals live in `npm run load` and `npm run bench`.
  });
});
