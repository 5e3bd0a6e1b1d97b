import type { Rule } from "../../src/domain/rules/definitions";
import { DEFAULT_SETTINGS_DOCUMENT, settingsForSchool, type Settings } from "../../src/domain/settings";

export const PERCENT_RULE_ID = "days-percent";

export type DaysPercentRule = Extract<Rule, { kind: "percentage" }> & { unit: "days"; window: { type: "rolling"; schoolDays: number } };

/**
 * The default days-percent rule, as the default settings define it at a school. The DuckDB query is written from
 * its parameters, so it must be a percentage of school days over a rolling window; anything else is refused.
 */
export function daysPercentRule(schoolId: string): { rule: DaysPercentRule; settings: Settings } {
  const settings = settingsForSchool(DEFAULT_SETTINGS_DOCUMENT, schoolId);
  const rule = settings.rules.find((candidate) => candidate.id === PERCENT_RULE_ID);
  if (!rule || rule.kind !== "percentage" || rule.unit !== "days" || rule.window.type !== "rolling") {
    throw new Error(`the default rule '${PERCENT_RULE_ID}' is no longer a percentage of school days over a rolling window: the DuckDB query must change with it`);
  }
  return { rule: rule as DaysPercentRule, settings };
}
