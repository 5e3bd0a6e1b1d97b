import { readFile } from "node:fs/promises";
import { OrganisationSchema, type Organisation } from "../domain/organisation";
import { FileRejected } from "./problem";

/** Reads and checks the organisation file; a file that does not pass is rejected whole with what to fix. */
export async function readOrganisationFile(path: string): Promise<Organisation> {
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
