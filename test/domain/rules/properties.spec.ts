import assert from "node:assert/strict";
import fc from "fast-check";
import type { AbsenceKind } from "../../../src/domain/absence";
import { judgePupil, measure } from "../../../src/domain/rules/engine";
import { highestStep } from "../../../src/domain/rules/finding";
import { PRESET_NAMES } from "../../../src/domain/rules/presets";
import { settingsFromOrganisation } from "../../../src/domain/settings";
import { compareFlags, type Flag } from "../../../src/domain/whatIf";
import { AS_OF, calendar, pupil, type EventSpec } from "./ruleKit";

const SCHOOL_DAYS = calendar.schoolDaysIn("2026-08-17", AS_OF);
const KINDS: AbsenceKind[] = ["day", "lesson", "late", "left_early", "present_not_participating"];

const eventArbitrary: fc.Arbitrary<EventSpec> = fc.record({
  date: fc.constantFrom(...SCHOOL_DAYS),
  kind: fc.constantFrom(...KINDS),
  documented: fc.constantFrom("yes" as const, "no" as const, "pending" as const),
  lesson: fc.integer({ min: 1, max: 6 }),
  subject: fc.constantFrom("MAT", "NOR", "ENG", "KRØ"),
});
const eventsArbitrary = fc.array(eventArbitrary, { maxLength: 60 });
const presetArbitrary = fc.constantFrom(...PRESET_NAMES);

const settingsOf = (preset: (typeof PRESET_NAMES)[number]) => settingsFromOrganisation({ preset }).municipality;

describe("properties of the rules, for any absence", () => {
  it("adding an absence never lowers what a rule counts", () => {
    fc.assert(
      fc.property(presetArbitrary, eventsArbitrary, eventArbitrary, (preset, events, extra) => {
        const settings = settingsOf(preset);
        const judging = { calendar, asOf: AS_OF, settings };
        for (const rule of settings.rules.filter((candidate) => candidate.kind !== "trend")) {
          const before = measure(rule, judging, pupil(events))?.count ?? 0;
          const after = measure(rule, judging, pupil([...events, extra]))?.count ?? 0;
          assert.ok(after >= before, `${preset}/${rule.id}: ${before} -> ${after}`);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("a rule set's result does not depend on the order of events", () => {
    fc.assert(
      fc.property(presetArbitrary, eventsArbitrary.chain((events) => fc.tuple(fc.constant(events), fc.shuffledSubarray(events, { minLength: events.length }))), (preset, [events, shuffled]) => {
        const judging = { calendar, asOf: AS_OF, settings: settingsOf(preset) };
        assert.deepEqual(judgePupil(judging, pupil(shuffled)), judgePupil(judging, pupil(events)));
      }),
      { numRuns: 150 },
    );
  });

  it("the what-if of the rule set in force shows no difference", () => {
    fc.assert(
      fc.property(presetArbitrary, fc.array(eventsArbitrary, { maxLength: 12 }), (preset, population) => {
        const judging = { calendar, asOf: AS_OF, settings: settingsOf(preset) };
        const flags = (order: number[]): Flag[] =>
          order.flatMap((index) => {
            const step = highestStep(judgePupil(judging, pupil(population[index] ?? [])));
            return step > 0 ? [{ schoolId: "S1", pupilId: `P${index}`, step }] : [];
          });
        const indexes = population.map((_, index) => index);
        const report = compareFlags({ asOf: AS_OF, schoolIds: ["S1"], current: flags(indexes), proposed: flags([...indexes].reverse()) });
        assert.deepEqual([report.newFlags, report.droppedFlags, report.changedSteps], [[], [], []]);
        assert.deepEqual(report.schools[0]?.current, report.schools[0]?.proposed);
      }),
      { numRuns: 100 },
    );
  });
});
