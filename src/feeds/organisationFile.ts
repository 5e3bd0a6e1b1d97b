import { readFile, stat } from "node:fs/promises";
import { OrganisationSchema, type Organisation } from "../domain/organisation";
import { FileRejected } from "./problem";

/**
 * The largest organisation file read: it is stored whole (in chunks of one entity, which Table storage caps at
 * 1 MiB, two bytes a character) for the bot to read. A real municipality's file is a few hundred KB at most.
 */
export const ORGANISATION_MAX_CHARACTERS = 400_000;
/** At most this many problems are listed when the file is refused: the first ones say what to fix. */
const ISSUES_LISTED = 5;
/** At most this many schools are named when several lack leaders. */
const SCHOOLS_NAMED = 5;

/** Reads and checks the organisation file; a file that does not pass is rejected whole with what to fix. */
export async function readOrganisationFile(path: string): Promise<Organisation> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new FileRejected({ key: "file.notFound" });
  // Read whole, so its size is checked first; a device or a pipe has no size to check.
  if (!info.isFile()) throw new FileRejected({ key: "file.notRegular" });
  if (info.size > ORGANISATION_MAX_CHARACTERS * 4) throw new FileRejected(tooLarge());
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw new FileRejected({ key: "file.notFound" });
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    throw new FileRejected({ key: "file.invalidOrganisation", params: { detail: (error as Error).message.slice(0, 200) } });
  }
  const parsed = OrganisationSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const listed = issues.slice(0, ISSUES_LISTED).map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
    if (issues.length > ISSUES_LISTED) listed.push(`(+${issues.length - ISSUES_LISTED})`);
    throw new FileRejected({ key: "file.invalidOrganisation", params: { detail: listed.join("; ") } });
  }
  const organisation = parsed.data;
  if (JSON.stringify(organisation).length > ORGANISATION_MAX_CHARACTERS) throw new FileRejected(tooLarge());
  // Without leaders, a case nobody answers would escalate to nobody: the file is refused until each school has one.
  const leaderless = organisation.schools.filter((school) => school.leaders.length === 0).map((school) => school.name);
  if (leaderless.length > 0) {
    const named = leaderless.slice(0, SCHOOLS_NAMED).join(", ") + (leaderless.length > SCHOOLS_NAMED ? ` (+${leaderless.length - SCHOOLS_NAMED})` : "");
    throw new FileRejected({ key: "file.schoolWithoutLeaders", params: { schools: named } });
  }
  return organisation;
}

function tooLarge() {
  return { key: "file.organisationTooLarge", params: { max: ORGANISATION_MAX_CHARACTERS } } as const;
}
