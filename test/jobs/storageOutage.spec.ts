import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sinon from "sinon";
import type { Clock } from "../../src/clock";
import { freePort } from "../../src/demo/ports";
import { openStore } from "../../src/store";
import { CaseRepository } from "../../src/store/caseRepository";
import { startEmbeddedAzurite, type EmbeddedAzurite } from "../../src/store/embeddedAzurite";
import { nightly } from "../harness/bot";
import { writeMunicipality } from "../harness/municipality";

describe("the storage going away in the middle of a nightly run", function () {
  this.timeout(60_000);
  let folder: string;
  let azurite: EmbeddedAzurite | undefined;

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), "tidlig-outage-"));
  });

  after(async () => {
    await azurite?.close();
    await rm(folder, { recursive: true, force: true });
  });

  it("fails the run, and the run repeated once the storage is back (the failed run's lease lapsed) ends as one clean run would: no case or message twice", async () => {
    const port = await freePort();
    azurite = await startEmbeddedAzurite({ folder, port: port + 2 });
    const files = await writeMunicipality();
    const input = { feedPath: files.feed, rosterPath: files.roster, organisationPath: files.organisation, asOf: "2026-11-20" };
    const clock: Clock = { now: () => new Date("2026-11-23T06:00:00Z") };
    const store = await openStore({ connectionString: azurite.connectionString, tablePrefix: "outage" });

    // The storage stops right after the first case is written: the rest of the run cannot reach it.
    const insert = CaseRepository.prototype.insert;
    const stopAfterFirst = sinon.stub(CaseRepository.prototype, "insert").callsFake(async function (this: CaseRepository, absenceCase) {
      const etag = await insert.call(this, absenceCase);
      stopAfterFirst.restore();
      await azurite?.close();
      return etag;
    });
    await assert.rejects(nightly(store, input, clock), "the run fails while the storage is away");

    // The failed run stopped renewing its blob lease, which lapses within NIGHTLY_LEASE_SECONDS in Azure; the
    // emulator forgets leases when it restarts, so here it is free at once.
    azurite = await startEmbeddedAzurite({ folder, port: port + 2 });
    assert.equal(azurite.startedHere, true);
    const repeated = await nightly(store, input, clock);
    assert.equal(repeated.ok, true);
    const cases = await store.cases.listSchool("S1");
    assert.deepEqual(cases.map((stored) => stored.value.pupilId).sort(), ["P1", "P4"], "each flagged pupil has one case");
    const tasks = (await store.outbox.list()).filter((message) => message.kind === "task");
    assert.equal(tasks.length, new Set(tasks.map((message) => message.id)).size, "no message twice");
    assert.equal(tasks.length, 3, "P1's teacher, and P4's two teachers, once each");
  });
});
