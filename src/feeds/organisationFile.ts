import { readFile, stat } from "node:fs/promises";
import { OrganisationSchema, type Organisation } from "../domain/organisation";
import { FileRejected } from "./problem";

/** The largest organisation file read: a municipality of a few hundred schools needs well under a megabyte. */
export const MAX_ORGANISATION_FILE_MB = 10;

/** Reads and checks the organisation file; a file that does not pass is rejected whole with what to fix. */
export async function readOrganisationFile(path: string): Promise<Organisation> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new FileRejected({ key: "file.notFound" });
  // Read whole, so its size is checked first; a device or a pipe has no size to check.
  if (!info.isFile()) throw new FileRejected({ key: "file.unreadable", params: { detail: "not a regular file" } });
  if (info.size > MAX_ORGANISATION_FILE_MB * 1024 * 1024) throw new FileRejected({ key: "file.tooLarge", params: { megabytes: MAX_ORGANISATION_FILE_MB } });
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
    throw new FileRejected({ key: "file.invalidOrganisation", params: { detail: (error as Error).message } });
  }
  const parsed = OrganisationSchema.safeParse(json);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ");
    throw new FileRejected({ key: "file.invalidOrganisation", params: { detail } });
  }
  return parsed.data;
}
