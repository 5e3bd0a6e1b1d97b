import assert from "node:assert/strict";
import { DEFAULT_SETTINGS_DOCUMENT, settingsFromOrganisation } from "../../src/domain/settings";
import { StaleSettingsError } from "../../src/store/settingsRepository";
import { freshStore } from "../harness/store";
import { COORDINATOR } from "../harness/municipality";

describe("versioned settings in Table storage", () => {
  it("keeps every version with who changed it and when, and refuses a change made on an old version", async () => {
    const store = await freshStore();
    assert.equal(await store.settings.current(), undefined);
    const now = new Date("2026-11-23T09:00:00Z");
    await store.settings.save({ document: DEFAULT_SETTINGS_DOCUMENT, changedBy: "organisation-file", change: "initial", expectedVersion: 0, now });
    const stricter = settingsFromOrganisation({ schools: { S1: { rules: { "days-percent": { minPercent: 8 } } } } });
    await store.settings.save({ document: stricter, changedBy: COORDINATOR.aadObjectId, change: "days-percent minPercent 10 -> 8 (S1)", expectedVersion: 1, now });

    await assert.rejects(
      store.settings.save({ document: DEFAULT_SETTINGS_DOCUMENT, changedBy: COORDINATOR.aadObjectId, change: "late", expectedVersion: 1, now }),
      StaleSettingsError,
    );
    const history = await store.settings.history();
    assert.deepEqual(history.map((version) => [version.version, version.changedBy]), [[1, "organisation-file"], [2, COORDINATOR.aadObjectId]]);
    assert.deepEqual((await store.settings.current())?.document, stricter);
    assert.deepEqual(history[0]?.document, DEFAULT_SETTINGS_DOCUMENT, "the previous version is kept as it was");
  });
});
