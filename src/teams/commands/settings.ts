import type { Organisation } from "../../domain/organisation";
import { ROUTINE, TASK_IDS } from "../../domain/routine";
import { DEFAULT_SETTINGS_DOCUMENT, settingsForSchool, taskDeadlines, type SettingsDocument } from "../../domain/settings";
import { applyChange, readValue, type ChangeProblem, type SettingsChange } from "../../domain/settingsChange";
import { formatDateTime, translator, type MessageKey, type Translate } from "../../i18n";
import { describeRule } from "../../i18n/explain";
import { whatIfText } from "../../jobs/summaryText";
import { runWhatIf } from "../../jobs/whatIf";
import type { Store } from "../../store";
import { StaleSettingsError } from "../../store/settingsRepository";
import { listCard, proposalCard } from "../cards";
import type { Command, CommandContext, Reply } from "./command";
import { normalise } from "./parse";

export const CONFIRM_VERB = "settings.confirm";
export const CANCEL_VERB = "settings.cancel";

/** The school a coordinator names by id or by (part of) its name, or a reason to refuse. */
function findSchoolArgument(context: CommandContext, text: string | undefined): { schoolId?: string } | { refusal: string } {
  const t = translator(context.locale);
  if (!text) return {};
  const schools = context.organisation?.schools ?? [];
  const wanted = normalise(text);
  const school = schools.find((candidate) => normalise(candidate.id) === wanted || normalise(candidate.name) === wanted || normalise(candidate.name).startsWith(wanted));
  if (!school) return { refusal: t("settings.unknownSchool", { value: text, allowed: schools.map((candidate) => `${candidate.id} (${candidate.name})`).join(", ") }) };
  if (!context.roles.coordinatorOf.includes(school.id)) return { refusal: t("settings.notYourSchool", { value: text, allowed: context.roles.coordinatorOf.join(", ") }) };
  return { schoolId: school.id };
}

/**
 * The scope a coordinator may change: a school they coordinate, or the whole municipality for a municipality
 * coordinator. A refusal is said at once (before any proposal) and kept in the audit trail.
 */
async function writableScope(context: CommandContext, text: string | undefined, action: string): Promise<{ schoolId?: string } | { refusal: string }> {
  const t = translator(context.locale);
  let scope = findSchoolArgument(context, text);
  if (!("refusal" in scope) && !scope.schoolId && !context.roles.municipalityCoordinator) {
    scope = { refusal: t("settings.notYourSchool", { value: t("thresholds.municipality"), allowed: context.roles.coordinatorOf.join(", ") }) };
  }
  if ("refusal" in scope) {
    await context.store.audit.record({ at: context.clock.now().toISOString(), actor: context.userId, action, subject: (text ?? "municipality").slice(0, 100), outcome: "refused" });
  }
  return scope;
}

function schoolName(organisation: Organisation | undefined, schoolId: string | undefined): string {
  return organisation?.schools.find((school) => school.id === schoolId)?.name ?? schoolId ?? "";
}

async function currentSettings(store: Store): Promise<{ document: SettingsDocument; version: number; original: SettingsDocument }> {
  const history = await store.settings.history();
  const current = history[history.length - 1];
  return { document: current?.document ?? DEFAULT_SETTINGS_DOCUMENT, version: current?.version ?? 0, original: history[0]?.document ?? DEFAULT_SETTINGS_DOCUMENT };
}

function problemText(problem: ChangeProblem, change: SettingsChange, t: Translate, where: string): string {
  const ruleId = "ruleId" in change ? change.ruleId : "";
  switch (problem.problem) {
    case "unknown-rule":
      return t("settings.unknownRule", { value: ruleId, allowed: problem.allowed.join(", ") });
    case "unknown-parameter":
      return t("settings.unknownParameter", { rule: ruleId, value: change.kind === "set" ? change.parameter : "", allowed: problem.allowed.join(", ") });
    case "nothing-to-reset":
      return t("settings.nothingToReset", { rule: ruleId, where });
    case "invalid-value": {
      const issue = problem.issue as { code: string; maximum?: number; minimum?: number; expected?: string; options?: unknown[] };
      let reason = t("invalid.other");
      if (issue.code === "too_big" && issue.maximum !== undefined) reason = t("invalid.tooBig", { max: issue.maximum });
      else if (issue.code === "too_small" && issue.minimum !== undefined) reason = t("invalid.tooSmall", { min: issue.minimum });
      else if (issue.code === "invalid_type" && issue.expected) reason = t("invalid.type", { expected: issue.expected });
      else if ((issue.code === "invalid_enum_value" || issue.code === "invalid_union_discriminator") && issue.options) reason = t("invalid.enum", { options: issue.options.join(", ") });
      return t("settings.invalidValue", { parameter: problem.parameter, reason });
    }
  }
}

/** A change in a line, for the proposal, the confirmation and the history. */
export function describeChange(change: SettingsChange, before: SettingsDocument, organisation: Organisation | undefined, t: Translate): string {
  const where = change.schoolId ? t("change.where", { school: schoolName(organisation, change.schoolId) }) : "";
  if (change.kind === "pause") return t(change.paused ? "change.pause" : "change.resume", { where });
  if (change.kind === "reset") return t("change.reset", { rule: change.ruleId, where });
  const rule = settingsForSchool(before, change.schoolId ?? "").rules.find((candidate) => candidate.id === change.ruleId) as Record<string, unknown> | undefined;
  const show = (value: unknown) => (typeof value === "object" ? JSON.stringify(value) : String(value));
  return t("change.set", { rule: change.ruleId, parameter: change.parameter, before: show(rule?.[change.parameter]), after: show(change.value), where });
}

/** Proposes a change: checks it, and answers with what it would do and Confirm / Cancel. Nothing changes yet. */
async function propose(context: CommandContext, change: SettingsChange): Promise<Reply> {
  const t = translator(context.locale);
  const { document, version, original } = await currentSettings(context.store);
  const where = change.schoolId ? t("change.where", { school: schoolName(context.organisation, change.schoolId) }) : "";
  const applied = applyChange(document, change, original);
  if (!applied.ok) return problemText(applied.problem, change, t, where);
  const report = await runWhatIf({ store: context.store, clock: context.clock }, { proposed: applied.document });
  const names = new Map((context.organisation?.schools ?? []).map((school) => [school.id, school.name]));
  return proposalCard({
    title: t("settings.proposal.title", { change: describeChange(change, document, context.organisation, t) }),
    lines: report ? whatIfText(report, t, names) : [t("settings.noData")],
    note: t("settings.proposal.note"),
    confirm: t("settings.confirm"),
    cancel: t("settings.cancel"),
    data: { change, baseVersion: version },
    confirmVerb: CONFIRM_VERB,
    cancelVerb: CANCEL_VERB,
  });
}

/** Stores a confirmed change as a new version, unless the settings changed since the proposal (then nothing). */
export async function confirmChange(context: CommandContext, change: SettingsChange, baseVersion: number): Promise<string> {
  const t = translator(context.locale);
  const { document, version, original } = await currentSettings(context.store);
  if (version !== baseVersion) return t("settings.stale", { version });
  const applied = applyChange(document, change, original);
  const where = change.schoolId ? t("change.where", { school: schoolName(context.organisation, change.schoolId) }) : "";
  if (!applied.ok) return problemText(applied.problem, change, t, where);
  const description = describeChange(change, document, context.organisation, translator("nb"));
  try {
    const saved = await context.store.settings.save({ document: applied.document, changedBy: context.userId, change: description, expectedVersion: version, now: context.clock.now() });
    await context.store.audit.record({ at: context.clock.now().toISOString(), actor: context.userId, action: "settings.change", subject: `settings:v${saved.version}`, before: { version }, after: { version: saved.version, change }, outcome: "done" });
    return t("settings.saved", { change: describeChange(change, document, context.organisation, t), version: saved.version });
  } catch (error) {
    if (error instanceof StaleSettingsError) return t("settings.stale", { version: version + 1 });
    throw error;
  }
}

export const thresholds: Command = {
  help: "cmd.thresholds",
  role: "coordinator",
  names: ["terskler", "thresholds", "terskel vis", "threshold show"],
  async run(context, args) {
    const t = translator(context.locale);
    const school = findSchoolArgument(context, args.join(" ") || undefined);
    if ("refusal" in school) return school.refusal;
    const { document, version } = await currentSettings(context.store);
    const settings = school.schoolId ? settingsForSchool(document, school.schoolId) : document.municipality;
    const overrides = school.schoolId ? document.schools[school.schoolId] : undefined;
    const rows = settings.rules.map((rule) => ({
      title: rule.id,
      detail: `${describeRule(rule, context.locale)}${overrides?.rules[rule.id] ? ` – ${t("thresholds.changedAt", { school: schoolName(context.organisation, school.schoolId) })}` : ""}`,
    }));
    return listCard({
      title: t("thresholds.title", { scope: school.schoolId ? schoolName(context.organisation, school.schoolId) : t("thresholds.municipality") }),
      subtitle: [t("thresholds.version", { version }), settings.paused ? t("thresholds.paused") : ""].filter(Boolean).join(" "),
      facts: [],
      sections: [{ heading: "", rows, empty: "" }],
      footer: "",
    });
  },
};

export const setThreshold: Command = {
  help: "cmd.set",
  role: "coordinator",
  names: ["terskel sett", "threshold set", "terskel endre"],
  async run(context, args) {
    const [ruleId, parameter, value, ...rest] = args;
    if (!ruleId || !parameter || value === undefined) return translator(context.locale)("settings.usage.set");
    const school = await writableScope(context, rest.join(" ") || undefined, "settings.set");
    if ("refusal" in school) return school.refusal;
    const rule = (await currentSettings(context.store)).document.municipality.rules.find((candidate) => normalise(candidate.id) === ruleId);
    const parameterName = rule ? Object.keys(rule).find((name) => normalise(name) === parameter) ?? parameter : parameter;
    return propose(context, { kind: "set", ruleId: rule?.id ?? ruleId, parameter: parameterName, value: readValue(parameterName, value), schoolId: school.schoolId });
  },
};

export const resetThreshold: Command = {
  help: "cmd.reset",
  role: "coordinator",
  names: ["terskel tilbakestill", "threshold reset"],
  async run(context, args) {
    const [ruleId, ...rest] = args;
    if (!ruleId) return translator(context.locale)("settings.usage.reset");
    const school = await writableScope(context, rest.join(" ") || undefined, "settings.reset");
    if ("refusal" in school) return school.refusal;
    const rule = (await currentSettings(context.store)).document.municipality.rules.find((candidate) => normalise(candidate.id) === ruleId);
    return propose(context, { kind: "reset", ruleId: rule?.id ?? ruleId, schoolId: school.schoolId });
  },
};

export const history: Command = {
  help: "cmd.history",
  role: "coordinator",
  names: ["historikk", "history"],
  async run(context, args) {
    const t = translator(context.locale);
    const school = findSchoolArgument(context, args.join(" ") || undefined);
    if ("refusal" in school) return school.refusal;
    const versions = await context.store.settings.history();
    const names = new Map((await context.store.conversations.list()).map((conversation) => [conversation.userId, conversation.name]));
    const timeZone = context.organisation?.timeZone ?? "Europe/Oslo";
    const name = schoolName(context.organisation, school.schoolId);
    const rows = versions
      .filter((version) => !school.schoolId || version.change.includes(`(${name})`) || version.changedBy === "organisation-file")
      .reverse()
      .map((version) => ({
        title: t("history.row", { version: version.version, change: version.change }),
        detail: t("history.detail", { who: version.changedBy === "organisation-file" ? t("history.file") : names.get(version.changedBy) ?? version.changedBy, at: formatDateTime(context.locale, version.changedAt, timeZone) }),
      }));
    return listCard({ title: t("history.title", { where: school.schoolId ? t("change.where", { school: name }) : "" }), subtitle: "", facts: [], sections: [{ heading: "", rows, empty: t("digest.empty") }], footer: "" });
  },
};

export const routine: Command = {
  help: "cmd.routine",
  role: "anyone",
  names: ["rutine", "routine", "rutinen"],
  async run(context) {
    const t = translator(context.locale);
    const { document } = await currentSettings(context.store);
    const settings = document.municipality;
    const deadlines = taskDeadlines(settings.routine);
    return listCard({
      title: t("routine.title"),
      subtitle: t("routine.delivery", { from: settings.routine.deliveryHours.from, to: settings.routine.deliveryHours.to }),
      facts: [],
      sections: TASK_IDS.map((task) => ({
        heading: t("routine.task", { step: ROUTINE[task].step, task: t(`task.${task}` as MessageKey), days: deadlines[task] }),
        rows: ROUTINE[task].questions.map((question) => ({ title: t(`question.${question.id}.label` as MessageKey), detail: "" })),
        empty: "",
      })),
      footer: "",
    });
  },
};

function pauseCommand(paused: boolean): Command {
  return {
    help: "cmd.pause",
    role: "coordinator",
    names: paused ? ["pause", "stopp varsler"] : ["fortsett", "resume", "gjenoppta"],
    async run(context, args) {
      const school = await writableScope(context, args.join(" ") || undefined, paused ? "settings.pause" : "settings.resume");
      if ("refusal" in school) return school.refusal;
      const { version } = await currentSettings(context.store);
      return confirmChange(context, { kind: "pause", paused, schoolId: school.schoolId }, version);
    },
  };
}

export const pause = pauseCommand(true);
export const resume = pauseCommand(false);

/** Whether messages about a school are held back: the municipality or the school is paused. */
export async function pausedSchools(store: Store, organisation: Organisation | undefined): Promise<Set<string>> {
  const { document } = await currentSettings(store);
  return new Set((organisation?.schools ?? []).filter((school) => settingsForSchool(document, school.id).paused).map((school) => school.id));
}

