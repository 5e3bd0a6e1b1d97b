import { erasePupil, exportPupil, findPupilRecord, type PupilRecord } from "../../jobs/pupilData";
import { formatDate, translator } from "../../i18n";
import { browsableListCard, proposalCard, textCard, type AdaptiveCard } from "../cards";
import { pageOf, type Command, type CommandContext, type Reply } from "./command";
import { normalise } from "./parse";

export const ERASE_CONFIRM_VERB = "erase.confirm";
export const ERASE_CANCEL_VERB = "erase.cancel";

/**
 * The pupil a coordinator names: their whole record, at every school they are or were stored under, when the
 * coordinator coordinates at least one of those schools; refused (and audited) otherwise.
 */
async function recordOf(context: CommandContext, argument: string, action: string): Promise<PupilRecord | undefined> {
  const wanted = normalise(argument);
  const pupilId = (await context.store.pupils.listAll()).find((candidate) => normalise(candidate.pupilId) === wanted)?.pupilId ?? argument;
  const record = await findPupilRecord(context.store, pupilId);
  if (record && record.schoolIds.some((schoolId) => context.roles.coordinatorOf.includes(schoolId))) return record;
  await context.store.audit.record({ at: context.clock.now().toISOString(), actor: context.userId, action, subject: `pupil:${argument.slice(0, 40)}`, outcome: "refused" });
  return undefined;
}

async function pupilOf(context: CommandContext, argument: string | undefined, action: string): Promise<PupilRecord | string> {
  const t = translator(context.locale);
  if (!argument) return t(action === "pupil.export" ? "pupilData.usage.export" : "pupilData.usage.erase");
  return (await recordOf(context, argument, action)) ?? t("pupilData.notFound", { value: argument.slice(0, 40) });
}

/** The name the roster gives the pupil now (or gave last); the id when no row is left. */
function nameOf(record: PupilRecord): string {
  return record.rows[0]?.name ?? record.pupilId;
}

export const accessRequest: Command = {
  help: "cmd.export",
  role: "coordinator",
  names: ["innsyn", "export", "innsyn elev"],
  async run(context, args) {
    const t = translator(context.locale);
    const record = await pupilOf(context, args[0], "pupil.export");
    if (typeof record === "string") return record;
    const data = await exportPupil(context.store, context.clock, record.pupilId);
    if (!data) return t("pupilData.notFound", { value: record.pupilId });
    await context.store.audit.record({ at: context.clock.now().toISOString(), actor: context.userId, action: "pupil.export", subject: `pupil:${record.pupilId}`, outcome: "done" });
    const schoolName = (schoolId: string) => context.organisation?.schools.find((candidate) => candidate.id === schoolId)?.name ?? schoolId;
    const pupil = data.pupil;
    const earlier = data.schools.filter((row) => row !== pupil);
    const severalSchools = new Set(data.absenceDays.map((day) => day.schoolId)).size > 1 || earlier.length > 0;
    const caseTitle = (value: (typeof data.cases)[number]) => {
      const title = t("pupilData.case", { step: value.step, stage: value.stage, opened: formatDate(context.locale, value.openedOn) });
      return severalSchools ? `${title}, ${schoolName(value.schoolId)}` : title;
    };
    // A year of absence and a long follow-up are many rows: a page at a time, one row a day and one a task.
    const model = {
      title: t("pupilData.exportTitle", { name: pupil.name }),
      subtitle: t("pupilData.exportSubtitle", { date: formatDate(context.locale, data.exportedAt.slice(0, 10)) }),
      facts: [
        { title: t("pupilData.fact.school"), value: `${schoolName(pupil.schoolId)}, ${pupil.group}` },
        ...(earlier.length > 0
          ? [{ title: t("pupilData.fact.earlierSchools"), value: earlier.map((row) => (row.leftOn ? t("pupilData.earlierSchool", { school: schoolName(row.schoolId), leftOn: formatDate(context.locale, row.leftOn) }) : schoolName(row.schoolId))).join(", ") }]
          : []),
        { title: t("pupilData.fact.pupilId"), value: pupil.pupilId },
        { title: t("pupilData.fact.teachers"), value: String(pupil.contactTeacherIds.length) },
        { title: t("pupilData.fact.messages"), value: String(data.messages.length) },
        { title: t("pupilData.fact.audit"), value: String(data.auditTrail.length) },
      ],
      sections: [
        {
          heading: t("pupilData.absence", { count: data.absenceDays.length }),
          rows: data.absenceDays.map((day) => ({
            title: severalSchools ? `${formatDate(context.locale, day.date)}, ${schoolName(day.schoolId)}` : formatDate(context.locale, day.date),
            detail: day.events.map((event) => `${event.kind}${event.lesson ? ` ${event.lesson}` : ""} (${event.documented})`).join(", "),
          })),
          empty: t("pupilData.none"),
        },
        {
          heading: t("pupilData.cases", { count: data.cases.length }),
          rows: data.cases.flatMap((value) =>
            value.done.length === 0
              ? [{ title: caseTitle(value), detail: "" }]
              : value.done.map((task) => ({ title: caseTitle(value), detail: `${task.task}: ${Object.entries(task.answers ?? {}).map(([key, answer]) => `${key}=${String(answer)}`).join("; ")}` })),
          ),
          empty: t("pupilData.none"),
        },
      ],
      footer: t("pupilData.exportFooter"),
    };
    return browsableListCard(model, { page: pageOf(context, args[1]), locale: context.locale, data: (page) => ({ list: "export", pupilId: record.pupilId, page }) });
  },
};

export const erasure: Command = {
  help: "cmd.erase",
  role: "coordinator",
  names: ["slett elev", "erase pupil"],
  async run(context, args) {
    const t = translator(context.locale);
    const record = await pupilOf(context, args[0], "pupil.erase");
    if (typeof record === "string") return record;
    return proposalCard({
      title: t("pupilData.eraseTitle", { name: nameOf(record) }),
      lines: [t("pupilData.eraseWhat"), ...(record.schoolIds.length > 1 ? [t("pupilData.eraseSchools", { count: record.schoolIds.length })] : []), t("pupilData.eraseRoster")],
      note: t("pupilData.eraseNote"),
      confirm: t("pupilData.eraseConfirm"),
      cancel: t("settings.cancel"),
      data: { pupilId: record.pupilId },
      confirmVerb: ERASE_CONFIRM_VERB,
      cancelVerb: ERASE_CANCEL_VERB,
    });
  },
};

/** The answer to the erasure card: erases, at every school, when confirmed by a coordinator of one of the pupil's schools. */
export async function confirmErasure(context: CommandContext, data: { pupilId?: unknown }, confirmed: boolean): Promise<AdaptiveCard> {
  const t = translator(context.locale);
  if (!confirmed) return textCard(t("settings.cancelled"));
  const pupilId = String(data.pupilId ?? "");
  const record = pupilId === "" ? undefined : await recordOf(context, pupilId, "pupil.erase");
  if (!record) return textCard(t("pupilData.notFound", { value: pupilId.slice(0, 40) }));
  const name = nameOf(record);
  const erased = await erasePupil(context.store, context.clock, record, context.userId);
  return textCard(t("pupilData.erased", { name, ...erased }), [t("pupilData.eraseRoster")]);
}

export type { Reply };
