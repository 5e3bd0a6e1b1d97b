import assert from "node:assert/strict";
import sinon from "sinon";
import { hasPendingWork } from "../../src/domain/cases";
import { CaseRepository } from "../../src/store/caseRepository";
import { OTHER_TEACHER, TEACHER } from "../harness/municipality";
import { World } from "../harness/world";

/** Every case has its `case.opened` entry once, its cards queued once (P1's teacher, P4's two), and nothing left to write. */
async function assertEveryCaseComplete(world: World): Promise<void> {
  const cases = (await world.store.cases.listSchool("S1")).map((stored) => stored.value);
  assert.deepEqual(cases.map((value) => value.pupilId).sort(), ["P1", "P4"], "each flagged pupil has one case");
  const audit = await world.store.audit.list();
  for (const value of cases) {
    assert.equal(audit.filter((entry) => entry.subject === value.caseId && entry.action === "case.opened").length, 1, `one case.opened entry for ${value.pupilId}`);
    assert.equal(hasPendingWork(value), false, `nothing left to write on ${value.pupilId}'s case`);
  }
  const tasks = (await world.store.outbox.list()).filter((message) => message.kind === "task");
  assert.equal(tasks.length, 3, "P1's teacher, and P4's two teachers, once each");
  for (const value of cases) {
    assert.deepEqual(tasks.filter((message) => message.subject === value.caseId).map((message) => message.recipientId).sort(), [...value.teacherIds].sort());
  }
}

/** Friday's night, then Monday's: the second run finishes what the first left. */
async function twoNights(world: World) {
  const first = await world.night("2026-11-20");
  world.at("2026-11-24T04:00:00Z");
  const second = await world.night("2026-11-23");
  return { first, second };
}

describe("a night that fails halfway is finished by the next", () => {
  let world: World;

  beforeEach(async () => {
    world = await World.start({ now: "2026-11-21T04:00:00Z" });
  });

  afterEach(async () => {
    sinon.restore();
    await world.stop();
  });

  it("goes on when one audit entry cannot be written, counts the case as failed, and writes the entry and its cards the next night, once", async () => {
    const record = sinon.stub(world.store.audit, "record").callThrough();
    record.onCall(1).rejects(new Error("injected: the audit write fails once"));
    const { first, second } = await twoNights(world);
    assert.equal(first.ok, true, "the night went on");
    assert.equal(first.casesOpened, 2);
    assert.equal(first.casesFailed, 1);
    assert.equal(first.failedCases.length, 1);
    assert.equal(second.casesFailed, 0);
    await assertEveryCaseComplete(world);
  });

  it("goes on when one card cannot be queued, and queues it the next night without queueing any card twice", async () => {
    const enqueue = sinon.stub(world.store.outbox, "enqueue").callThrough();
    enqueue.onCall(1).rejects(new Error("injected: the outbox refuses once"));
    const { first, second } = await twoNights(world);
    assert.equal(first.casesFailed, 1);
    assert.equal(second.casesFailed, 0);
    await assertEveryCaseComplete(world);
  });

  it("finishes a case whose run was stopped right after the case was written (kill -9): its audit entry and cards come with the next run", async () => {
    const insert = CaseRepository.prototype.insert;
    // The process dies right after the first case is stored: nothing after it in that run happens.
    const dies = sinon.stub(CaseRepository.prototype, "insert").callsFake(async function (this: CaseRepository, absenceCase) {
      await insert.call(this, absenceCase);
      dies.restore();
      throw Object.assign(new Error("the process was killed"), { code: "EKILLED" });
    });
    await assert.rejects(world.night("2026-11-20"));
    const stored = (await world.store.cases.listSchool("S1")).map((entry) => entry.value);
    assert.equal(stored.length, 1, "one case written before the stop");
    assert.equal((await world.store.audit.list()).length, 0, "and neither its audit entry");
    assert.equal((await world.store.outbox.list()).length, 0, "nor its card");

    const again = await world.night("2026-11-20");
    assert.equal(again.ok, true);
    assert.equal(again.casesFailed, 0);
    await assertEveryCaseComplete(world);
  });

  it("isolates a contact teacher the storage refuses every night: that case is counted and listed without names, every other case goes on", async () => {
    const refused = Object.assign(new Error("The key is too large"), { name: "RestError", statusCode: 400, details: { errorCode: "KeyValueTooLarge" } });
    const enqueue = sinon.stub(world.store.outbox, "enqueue").callThrough();
    enqueue.withArgs(sinon.match({ recipientId: OTHER_TEACHER.aadObjectId })).rejects(refused);
    const { first, second } = await twoNights(world);
    for (const summary of [first, second]) {
      assert.equal(summary.ok, true);
      assert.equal(summary.casesFailed, 1);
      assert.deepEqual(summary.failedCases.map((failure) => failure.reason), ["KeyValueTooLarge"]);
      assert.doesNotMatch(JSON.stringify(summary), /Liam|Lund|Emma|P4/, "no names or pupil ids in the summary");
    }
    const p4 = (await world.caseOf("P4"))?.value;
    assert.ok(p4);
    assert.deepEqual(first.failedCases[0], { schoolId: "S1", caseId: p4.caseId, reason: "KeyValueTooLarge" });
    assert.equal(hasPendingWork(p4), true, "the case keeps what is still to be written");
    const tasks = (await world.store.outbox.list()).filter((message) => message.kind === "task");
    const p1 = (await world.caseOf("P1"))?.value;
    assert.ok(tasks.some((message) => message.subject === p1?.caseId), "P1's teacher got the card");
  });

  it("keeps a teacher's answer whose hand-over failed on the case, and the next night writes its audit entry once", async () => {
    await world.install(TEACHER);
    await world.night("2026-11-20");
    world.at("2026-11-23T09:00:00Z");
    const audit = sinon.stub(world.store.audit, "record").callThrough();
    audit.onCall(0).rejects(new Error("injected: the audit write fails once"));
    await world.answer(TEACHER, "P1", { guardiansContacted: "no", documented: "no", cause: "unknown", pupilHeard: "no", nurseInformed: "no" });
    audit.restore();
    const answered = (await world.caseOf("P1"))?.value;
    assert.equal(answered?.done[0]?.answers?.cause, "unknown", "the answer is stored");
    assert.equal(answered?.pendingAudit?.length, 1, "its audit entry waits on the case");

    world.at("2026-11-24T04:00:00Z");
    await world.night("2026-11-23");
    const entries = (await world.store.audit.list()).filter((entry) => entry.subject === answered?.caseId && entry.action === "case.answer.follow-up");
    assert.equal(entries.length, 1);
    assert.equal(entries[0]?.actor, TEACHER.aadObjectId);
    assert.equal((await world.caseOf("P1"))?.value.pendingAudit, undefined);
  });
});
