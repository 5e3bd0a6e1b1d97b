import assert from "node:assert/strict";
import { PRESET_NAMES, PRESETS } from "../../src/domain/rules/presets";
import { DEFAULT_SETTINGS_DOCUMENT, settingsForSchool, settingsFromOrganisation, type Settings } from "../../src/domain/settings";
import { describeRule } from "../../src/i18n/explain";

function minPercentOf(settings: Settings): number | undefined {
  const rule = settings.rules.find((candidate) => candidate.id === "days-percent");
  return rule?.kind === "percentage" ? rule.minPercent : undefined;
}

describe("settings: municipality defaults, presets and per-school overrides", () => {
  it("starts from the standard preset: 10 % of the last 20 school days at step 1", () => {
    const [first] = DEFAULT_SETTINGS_DOCUMENT.municipality.rules;
    assert.ok(first);
    assert.equal(describeRule(first, "nb"), "minst 10 % av skoledagene borte de siste 20 skoledagene (steg 1)");
    assert.equal(DEFAULT_SETTINGS_DOCUMENT.municipality.routine.answerDeadlineSchoolDays, 3);
  });

  it("ships the presets modelled on real routines, each valid", () => {
    for (const name of PRESET_NAMES) {
      const document = settingsFromOrganisation({ preset: name });
      assert.equal(document.municipality.rules.length, PRESETS[name].rules.length, name);
    }
    const oslo = settingsFromOrganisation({ preset: "oslo-ladder" }).municipality.rules;
    assert.deepEqual([...new Set(oslo.map((rule) => rule.step))].sort(), [1, 2, 3], "the Oslo ladder has three steps");
  });

  it("applies a school's override on top of the municipality's rule, and only at that school", () => {
    const document = settingsFromOrganisation({ schools: { S2: { rules: { "days-percent": { minPercent: 15 } }, routine: { answerDeadlineSchoolDays: 5 } } } });
    const s2 = settingsForSchool(document, "S2");
    const s1 = settingsForSchool(document, "S1");
    assert.equal(minPercentOf(s2), 15);
    assert.equal(minPercentOf(s1), 10);
    assert.equal(s2.routine.answerDeadlineSchoolDays, 5);
  });

  it("refuses settings that make no sense, saying where", () => {
    assert.throws(() => settingsFromOrganisation({ rules: [{ id: "x1", kind: "percentage", step: 1, minPercent: 120 }] }), /minPercent|100/);
    assert.throws(() => settingsFromOrganisation({ rules: [{ id: "x1", kind: "count", step: 1, kinds: ["day"], min: 3, window: { type: "rolling", schoolDays: 0 } }] }), /schoolDays/);
    assert.throws(() => settingsFromOrganisation({ preset: "atlantis" }), /preset/);
    assert.throws(() => settingsFromOrganisation({ rules: [{ id: "same", kind: "consecutive", step: 1, minDays: 3 }, { id: "same", kind: "consecutive", step: 2, minDays: 5 }] }), /used twice/);
  });
});
