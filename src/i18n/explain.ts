import type { Rule, Window } from "../domain/rules/definitions";
import type { Severity, SeverityFact } from "../domain/severity";
import type { Finding } from "../domain/rules/finding";
import { formatDate, formatNumber, translator, type Locale, type MessageKey } from "./index";

const numberText = formatNumber;

function windowText(locale: Locale, window: Window): string {
  const t = translator(locale);
  return window.type === "rolling" ? t("window.rolling", { count: window.schoolDays }) : t(`window.${window.period}`);
}

function kindsText(locale: Locale, kinds: readonly string[]): string {
  const t = translator(locale);
  return kinds.map((kind) => t(`kind.${kind}` as MessageKey)).join(` ${t("words.or")} `);
}

/** A rule in plain words with its numbers, e.g. "minst 10 % av skoledagene borte de siste 20 skoledagene". */
export function describeRule(rule: Rule, locale: Locale): string {
  const t = translator(locale);
  const atLeast = t(rule.inclusive ? "word.atLeast" : "word.moreThan");
  let text: string;
  switch (rule.kind) {
    case "percentage":
      text = t("rule.percentage", { atLeast, threshold: numberText(locale, rule.minPercent), unit: t(`unit.${rule.unit}`), window: windowText(locale, rule.window) });
      break;
    case "count":
      text = t("rule.count", { atLeast, threshold: rule.min, what: kindsText(locale, rule.kinds), window: windowText(locale, rule.window) });
      break;
    case "consecutive":
      text = t("rule.consecutive", { atLeast, threshold: rule.minDays, window: windowText(locale, rule.window) });
      break;
    case "weekday":
      text = t("rule.weekday", { atLeast, threshold: rule.minTimes, window: windowText(locale, rule.window) });
      break;
    case "subject":
      text = t("rule.subject", { atLeast, threshold: rule.minTimes, window: windowText(locale, rule.window) });
      break;
    case "undocumented":
      text = t("rule.undocumented", { atLeast, threshold: rule.min, window: windowText(locale, rule.window) });
      break;
    case "trend":
      text = t("rule.trend", { atLeast, threshold: numberText(locale, rule.factor), days: rule.schoolDays, floor: numberText(locale, rule.floorPercent) });
      break;
  }
  const notes = [t("rule.step", { step: rule.step })];
  if (rule.kind !== "undocumented" && rule.documented !== "both") notes.push(t(rule.documented === "documented" ? "rule.onlyDocumented" : "rule.onlyUndocumented"));
  if (!rule.enabled) notes.push(t("rule.disabled"));
  return `${text} (${notes.join(", ")})`;
}

/** Why a pupil was flagged, in numbers: "2 av 20 skoledager borte (10 %) fra 26.10.2026 til 20.11.2026." */
export function explainFinding(finding: Finding, locale: Locale): string {
  const t = translator(locale);
  const date = (value: string | undefined) => (value ? formatDate(locale, value) : "");
  const common = { count: finding.count, denominator: finding.denominator ?? 0, value: numberText(locale, finding.value), from: date(finding.from), to: date(finding.to) };
  switch (finding.kind) {
    case "percentage":
      return t(finding.unit === "lessons" ? "explain.percentage.lessons" : "explain.percentage.days", common);
    case "count":
      return t("explain.count", { ...common, what: kindsText(locale, finding.kinds) });
    case "consecutive":
      return t("explain.consecutive", { ...common, runFrom: date(finding.runFrom), runTo: date(finding.runTo) });
    case "weekday":
      return t("explain.weekday", { ...common, weekday: t(`weekday.${finding.weekday ?? 1}` as MessageKey) });
    case "subject":
      return t("explain.subject", { ...common, subject: finding.subject ?? "" });
    case "undocumented":
      return t("explain.undocumented", common);
    case "trend": {
      const current = finding.denominator ? (finding.count / finding.denominator) * 100 : 0;
      return t("explain.trend", { ...common, value: numberText(locale, Math.round(current * 10) / 10), previous: numberText(locale, finding.previousPercent ?? 0), days: finding.windowSchoolDays ?? 0 });
    }
  }
}

/** The explanation and the rule behind it, as one line for a card or a list. */
export function explainWithRule(finding: Finding, locale: Locale): string {
  return translator(locale)("explain.line", { explanation: explainFinding(finding, locale), ruleId: finding.ruleId, rule: describeRule(finding.rule, locale) });
}

/** How many facts the one-line severity shows: enough to agree with the order, short enough for a phone. */
const SEVERITY_FACTS_SHOWN = 4;

function severityFactText(fact: SeverityFact, locale: Locale): string {
  const t = translator(locale);
  switch (fact.kind) {
    case "percent":
      return fact.schoolDays >= 10 && fact.schoolDays % 5 === 0
        ? t("severity.fact.percentWeeks", { percent: fact.percent, weeks: fact.schoolDays / 5 })
        : t("severity.fact.percentDays", { percent: fact.percent, days: fact.schoolDays });
    case "rising":
      return t("severity.fact.rising");
    case "streak":
      return t("severity.fact.streak", { days: fact.days });
    case "step":
      return t("severity.fact.step", { step: fact.step });
    case "overdue":
      return fact.schoolDays === 1 ? t("severity.fact.overdueOne") : t("severity.fact.overdue", { days: fact.schoolDays });
    case "open-long":
      return t("severity.fact.openLong", { days: fact.schoolDays });
    case "escalated":
      return t("severity.fact.escalated");
  }
}

/** A case's severity in one line: "Høy: 35 % siste 4 uker, økende, 6 dager på rad". */
export function explainSeverity(severity: Severity, locale: Locale): string {
  const t = translator(locale);
  const level = t(`severity.${severity.level}`);
  const facts = severity.facts.slice(0, SEVERITY_FACTS_SHOWN).map((fact) => severityFactText(fact, locale));
  return facts.length === 0 ? level : t("severity.line", { level, facts: facts.join(", ") });
}
