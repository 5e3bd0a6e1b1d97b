import { z } from "zod";
import { schemaOfKind, WindowSchema, type Rule } from "./rules/definitions";
import { overrideRule, SettingsDocumentSchema, type SchoolOverride, type SettingsDocument } from "./settings";

/** A change a coordinator asks for: one parameter of one rule, for the municipality or one school, or a reset. */
export type SettingsChange =
  | { kind: "set"; ruleId: string; parameter: string; value: unknown; schoolId?: string | undefined }
  | { kind: "reset"; ruleId: string; schoolId?: string | undefined }
  | { kind: "pause"; paused: boolean; schoolId?: string | undefined };

export type ChangeProblem =
  | { problem: "unknown-rule"; allowed: string[] }
  | { problem: "unknown-parameter"; allowed: string[] }
  | { problem: "invalid-value"; parameter: string; issue: z.ZodIssue }
  | { problem: "nothing-to-reset" };

/** Parameters of a rule a coordinator may change: all but its id and kind. */
export function changeableParameters(rule: Rule): string[] {
  return Object.keys(schemaOfKind(rule.kind).shape).filter((name) => name !== "id" && name !== "kind");
}

/**
 * What a typed value means for a parameter: numbers with a decimal comma, yes/no words, a window as a number of
 * school days or a calendar period, and lists separated by commas.
 */
export function readValue(parameter: string, text: string): unknown {
  const value = text.trim().toLowerCase();
  if (parameter === "window") {
    if (/^\d+$/.test(value)) return { type: "rolling", schoolDays: Number(value) };
    const period = { maned: "month", month: "month", termin: "term", halvar: "term", term: "term", skolear: "school-year", "school-year": "school-year" }[value];
    return period ? { type: "calendar", period } : value;
  }
  if (parameter === "kinds") return value.split(",").map((part) => part.trim()).filter(Boolean);
  if (["ja", "yes", "true", "pa", "on"].includes(value)) return true;
  if (["nei", "no", "false", "av", "off"].includes(value)) return false;
  const number = Number(value.replace(",", "."));
  return value !== "" && Number.isFinite(number) ? number : text.trim();
}

function ruleIn(document: SettingsDocument, ruleId: string, schoolId?: string): Rule | undefined {
  const school = schoolId ? document.schools[schoolId] : undefined;
  return document.municipality.rules.find((rule) => rule.id === ruleId) ?? school?.addedRules.find((rule) => rule.id === ruleId);
}

/**
 * The settings document with the change applied, checked against the one definition of the settings; or what is
 * wrong, so that nothing changes. `original` is the first version (the organisation file), for resets of the
 * municipality's own rules.
 */
export function applyChange(document: SettingsDocument, change: SettingsChange, original: SettingsDocument): { ok: true; document: SettingsDocument } | { ok: false; problem: ChangeProblem } {
  const next: SettingsDocument = structuredClone(document);
  if (change.kind === "pause") {
    if (change.schoolId) next.schools[change.schoolId] = { ...emptyOverride(), ...next.schools[change.schoolId], paused: change.paused };
    else next.municipality.paused = change.paused;
    return { ok: true, document: SettingsDocumentSchema.parse(next) };
  }
  const allRules = [...document.municipality.rules, ...(change.schoolId ? (document.schools[change.schoolId]?.addedRules ?? []) : [])];
  const rule = ruleIn(document, change.ruleId, change.schoolId);
  if (!rule) return { ok: false, problem: { problem: "unknown-rule", allowed: allRules.map((candidate) => candidate.id) } };

  if (change.kind === "reset") {
    if (change.schoolId) {
      const override = next.schools[change.schoolId];
      if (!override?.rules[change.ruleId]) return { ok: false, problem: { problem: "nothing-to-reset" } };
      delete override.rules[change.ruleId];
    } else {
      const first = original.municipality.rules.find((candidate) => candidate.id === change.ruleId);
      if (!first) return { ok: false, problem: { problem: "nothing-to-reset" } };
      next.municipality.rules = next.municipality.rules.map((candidate) => (candidate.id === change.ruleId ? first : candidate));
    }
    return { ok: true, document: SettingsDocumentSchema.parse(next) };
  }

  const allowed = changeableParameters(rule);
  if (!allowed.includes(change.parameter)) return { ok: false, problem: { problem: "unknown-parameter", allowed } };
  const candidate = { [change.parameter]: change.value };
  try {
    if (change.parameter === "window") WindowSchema.parse(change.value);
    overrideRule(rule, candidate);
  } catch (error) {
    const issue = (error as z.ZodError).issues?.[0];
    if (!issue) throw error;
    return { ok: false, problem: { problem: "invalid-value", parameter: change.parameter, issue } };
  }
  if (change.schoolId) {
    const override: SchoolOverride = { ...emptyOverride(), ...next.schools[change.schoolId] };
    override.rules = { ...override.rules, [change.ruleId]: { ...override.rules[change.ruleId], ...candidate } };
    next.schools[change.schoolId] = override;
  } else {
    next.municipality.rules = next.municipality.rules.map((existing) => (existing.id === change.ruleId ? overrideRule(existing, candidate) : existing));
  }
  return { ok: true, document: SettingsDocumentSchema.parse(next) };
}

function emptyOverride(): SchoolOverride {
  return { rules: {}, addedRules: [] };
}
