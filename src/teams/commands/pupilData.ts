import { erasePupil, exportPupil } from "../../jobs/pupilData";
import { formatDate, translator } from "../../i18n";
import type { Pupil } from "../../domain/roster";
import { listCard, proposalCard, textCard, type AdaptiveCard } from "../cards";
import type { Command, CommandContext, Reply } from "./command";
import { normalise } from "./parse";

export const ERASE_CONFIRM_VERB = "erase.confirm";
export const ERASE_CANCEL_VERB = "erase.cancel";

/** The pupil a coordinator names, among the schools they coordinate; refused (and audited) otherwise. */
async function pupilOf(context: CommandContext, argument: string | undefined, action: string): Promise<Pupil | string> {
  const t = translator(context.locale);
  if (!argument) return t(action === "pupil.export" ? "pupilData.usage.export" : "pupilData.usage.erase");
  const wanted = normalise(argument);
  const pupil = (await context.store.pupils.listAll()).find((candidate) => normalise(candidate.pupilId) === wanted && context.roles.coordinatorOf.includes(candidate.schoolId));
  if (!pupil) {
    await context.store.audit.record({ at: context.clock.now().toISOString(), actor: context.userId, action, subject: `pupil:${argument.slice(0, 40)}`, outcome: "refused" });
    return t("pupilData.notFound", { value: argument.slice(0, 40) });
  }
  return pupil;
}

export const accessRequest: Command = {
  help: "cmd.export",
  role: "coordinator",
  names: ["innsyn", "export", "innsyn elev"],
  async run(context, args) {
    const t = translator(context.locale);
    const pupil = await pupilOf(context, args[0], "pupil.export");
    if (typeof pupil === "string") return pupil;
    const data = await exportPupil(context.store, context.clock, pupil.pupilId, [pupil.schoolId]);
    if (!data) return t("pupilData.notFound", { value: pupil.pupilId });
    await context.store.audit.record({ at: context.clock.now().toISOString(), actor: context.userId, action: "pupil.export", subject: `pupil:${pupil.pupilId}`, outcome: "done" });
    const school = context.organisation?.schools.find((candidate) => candidate.id === pupil.schoolId)?.name ?? pupil.schoolId;
    return listCard({
      title: t("pupilData.exportTitle", { name: pupil.name }),
      subtitle: t("pupilData.exportSubtitle", { date: formatDate(context.locale, data.exportedAt.slice(0, 10)) }),
      facts: [
        { title: t("pupilData.fact.school"), value: `${school}, ${pupil.group}` },
        { title: t("pupilData.fact.pupilId"), value: pupil.pupilId },
        { title: t("pupilData.fact.teachers"), value: String(pupil.contactTeacherIds.length) },
        { title: t("pupilData.fact.messages"), value: String(data.messages.length) },
        { title: t("pupilData.fact.audit"), value: String(data.auditTrail.length) },
      ],
      sections: [
        {
          heading: t("pupilData.absence", { count: data.absenceDays.length }),
          rows: data.absenceDays.map((day) => ({ title: formatDate(context.locale, day.date), detail: day.events.map((event) => `${event.kind}${event.lesson ? ` ${event.lesson}` : ""} (${event.documented})`).join(", ") })),
          empty: t("pupilData.none"),
        },
        {
          heading: t("pupilData.cases", { count: data.cases.length }),
          rows: data.cases.map((value) => ({
            title: t("pupilData.case", { step: value.step, stage: value.stage, opened: formatDate(context.locale, value.openedOn) }),
            detail: value.done.map((task) => `${task.task}: ${Object.entries(task.answers ?? {}).map(([key, answer]) => `${key}=${String(answer)}`).join("; ")}`).join(" | "),
          })),
          empty: t("pupilData.none"),
        },
      ],
      footer: t("pupilData.exportFooter"),
    });
  },
};

export const erasure: Command = {
  help: "cmd.erase",
  role: "coordinator",
  names: ["slett elev", "erase pupil"],
  async run(context, args) {
    const t = translator(context.locale);
    const pupil = await pupilOf(context, args[0], "pupil.erase");
    if (typeof pupil === "string") return pupil;
    return proposalCard({
      title: t("pupilData.eraseTitle", { name: pupil.name }),
      lines: [t("pupilData.eraseWhat"), t("pupilData.eraseRoster")],
      note: t("pupilData.eraseNote"),
      confirm: t("pupilData.eraseConfirm"),
      cancel: t("settings.cancel"),
      data: { pupilId: pupil.pupilId, schoolId: pupil.schoolId },
      confirmVerb: ERASE_CONFIRM_VERB,
      cancelVerb: ERASE_CANCEL_VERB,
    });
  },
};

/** The answer to the erasure card: erases when confirmed by a coordinator of the pupil's school. */
export async function confirmErasure(context: CommandContext, data: { pupilId?: unknown; schoolId?: unknown }, confirmed: boolean): Promise<AdaptiveCard> {
  const t = translator(context.locale);
  if (!confirmed) return textCard(t("settings.cancelled"));
  const schoolId = String(data.schoolId ?? "");
  const pupil = context.roles.coordinatorOf.includes(schoolId) ? await context.store.pupils.get(schoolId, String(data.pupilId ?? "")) : undefined;
  if (!pupil) {
    await context.store.audit.record({ at: context.clock.now().toISOString(), actor: context.userId, action: "pupil.erase", subject: `pupil:${String(data.pupilId ?? "").slice(0, 40)}`, outcome: "refused" });
    return textCard(t("pupilData.notFound", { value: String(data.pupilId ?? "").slice(0, 40) }));
  }
  const erased = await erasePupil(context.store, context.clock, pupil, context.userId);
  return textCard(t("pupilData.erased", { name: pupil.name, ...erased }), [t("pupilData.eraseRoster")]);
}

export type { Reply };
