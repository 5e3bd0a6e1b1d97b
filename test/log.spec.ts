import assert from "node:assert/strict";
import { createLogger, type LogSink } from "../src/log";
import { traceSink, type Trace } from "../src/telemetry/applicationInsights";

function capture(): LogSink & { lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return { lines, write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) };
}

describe("the logs", () => {
  it("carry pseudonyms for people's ids, the same for the same id under one key, and never names or free text", () => {
    const sink = capture();
    const logger = createLogger({ level: "info", destination: "none", pseudonymKey: "test-key", sink });
    logger.info({ userId: "d0000000-0000-4000-8000-000000000101", caseId: "case-1", name: "Emma Eksempel", text: "Mor er syk" }, "task answered");
    logger.warn({ recipientId: "d0000000-0000-4000-8000-000000000101", pupilId: "DEMO0001" }, "recipient unreachable");
    const [answered, unreachable] = sink.lines;
    assert.match(String(answered?.userId), /^p:[0-9a-f]{16}$/);
    assert.equal(answered?.userId, unreachable?.recipientId, "one person, one pseudonym: a support case can be followed");
    assert.notEqual(unreachable?.pupilId, "DEMO0001");
    assert.equal(answered?.caseId, "case-1", "case ids are random and stay as they are");
    const text = JSON.stringify(sink.lines);
    for (const secret of ["d0000000-0000-4000-8000-000000000101", "Emma", "Mor er syk", "DEMO0001"]) assert.ok(!text.includes(secret), secret);

    const other = capture();
    createLogger({ level: "info", destination: "none", pseudonymKey: "another-key", sink: other }).info({ userId: "d0000000-0000-4000-8000-000000000101" }, "x");
    assert.notEqual(other.lines[0]?.userId, answered?.userId, "without the key, a pseudonym cannot be matched to an id");
  });

  it("become Application Insights traces with a severity and the fields as properties", () => {
    const traces: Trace[] = [];
    const logger = createLogger({ level: "info", destination: "none", pseudonymKey: "k", sink: traceSink((trace) => traces.push(trace)) });
    logger.warn({ messageId: "abc|task-0|d0000000", kind: "task", status: 403 }, "message undeliverable");
    logger.error({ err: { message: "boom" } }, "outbox drain failed");
    assert.deepEqual(traces.map((trace) => [trace.message, trace.severity]), [["message undeliverable", "Warning"], ["outbox drain failed", "Error"]]);
    assert.equal(traces[0]?.properties.status, "403");
    assert.equal(traces[0]?.properties.service, "tidlig");
    assert.match(traces[0]?.properties.messageId ?? "", /^p:/);
    assert.match(traces[1]?.properties.err ?? "", /"message":"boom"/);
  });
});
