/**
 * Builds the Teams app package: appPackage/manifest.json with its ${{NAME}} placeholders filled from the
 * environment (and .env), checked against the manifest schema and the icon rules, and zipped with the icons into
 * appPackage/build/tidlig-<version>.zip. Offline: the schema comes from the @microsoft/app-manifest package.
 *   node dist/scripts/packageApp.js [--check]
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { parseArgs } from "node:util";
import { AppManifestUtils, type AppManifest } from "@microsoft/app-manifest";
import JSZip from "jszip";
import { PNG } from "pngjs";
import { ConfigShape, loadDotEnv } from "../src/config";
import { exitWith } from "../src/exitWith";

/** The configuration variables the manifest's placeholders may name (src/config.ts and .env.example explain them). */
export const PackageValues = ConfigShape.pick({
  TEAMS_APP_ID: true,
  BOT_ID: true,
  BOT_DOMAIN: true,
  DEVELOPER_NAME: true,
  DEVELOPER_WEBSITE_URL: true,
  DEVELOPER_PRIVACY_URL: true,
  DEVELOPER_TERMS_URL: true,
});

const APP_PACKAGE = join(__dirname, "..", "..", "appPackage");
const PLACEHOLDER = /\$\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;
const COLOR_SIZE = 192;
const OUTLINE_SIZE = 32;

/** A package that cannot be built, with everything there is to fix. */
export class AppPackageError extends Error {
  constructor(readonly problems: string[]) {
    super(`The app package cannot be built:\n  ${problems.join("\n  ")}`);
    this.name = "AppPackageError";
  }
}

export interface AppPackageOptions {
  /** The placeholders' values, by variable name, as in the environment. */
  values: Record<string, string | undefined>;
  /** Folder the zip is written to; default appPackage/build. */
  outDir?: string;
  /** Folder with manifest.json and the icons; default appPackage. */
  sourceDir?: string;
  /** Validate only, write nothing. */
  check?: boolean;
}

export interface AppPackage {
  /** The manifest as it goes into the zip, every placeholder filled. */
  manifest: Record<string, unknown>;
  version: string;
  /** The zip written; undefined with check. */
  zipFile?: string;
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function placeholdersIn(value: Json): string[] {
  if (typeof value === "string") return [...value.matchAll(PLACEHOLDER)].map((match) => match[1] ?? "");
  if (Array.isArray(value)) return value.flatMap(placeholdersIn);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(placeholdersIn);
  return [];
}

function fill(value: Json, values: Record<string, string | undefined>): Json {
  if (typeof value === "string") return value.replace(PLACEHOLDER, (_, name: string) => values[name] ?? "");
  if (Array.isArray(value)) return value.map((item) => fill(item, values));
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fill(item, values)]));
  return value;
}

/** The placeholders behind a schema error's instance path ("/bots/0/botId"), to say which variable to fix. */
function variablesAt(template: Json, pointer: string): string[] {
  if (!pointer.startsWith("/")) return [];
  let node: Json | undefined = template;
  for (const key of pointer.split("/").slice(1)) {
    if (node === null || typeof node !== "object") return [];
    node = Array.isArray(node) ? node[Number(key)] : node[key.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return node === undefined ? [] : placeholdersIn(node);
}

function valuesFor(template: Json, given: Record<string, string | undefined>): Record<string, string | undefined> {
  const names = [...new Set(placeholdersIn(template))];
  const unknown = names.filter((name) => !(name in PackageValues.shape));
  if (unknown.length > 0) throw new AppPackageError(unknown.map((name) => `manifest.json uses \${{${name}}}, which is not a configuration variable (src/config.ts)`));
  const missing = names.filter((name) => !given[name]?.trim());
  const parsed = PackageValues.safeParse(given);
  const problems = [
    ...(missing.length > 0 ? [`missing ${missing.join(", ")}: set them in the environment or in .env (.env.example says what each is)`] : []),
    ...(parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`)),
  ];
  if (problems.length > 0 || !parsed.success) throw new AppPackageError(problems);
  return parsed.data;
}

async function schemaProblems(manifest: Record<string, unknown>, template: Json): Promise<string[]> {
  const version = String(manifest.manifestVersion);
  const expected = new RegExp(`^https://developer\\.microsoft\\.com/(?:[a-z]{2}-[a-z]{2}/)?json-schemas/teams/v${version.replace(/\./g, "\\.")}/MicrosoftTeams\\.schema\\.json$`);
  if (typeof manifest.$schema !== "string" || !expected.test(manifest.$schema)) return [`manifest.json: $schema must be the Teams schema of manifestVersion ${version}`];
  // Only a schema the package carries, so the check never goes to the network.
  const schemaFile = join(dirname(require.resolve("@microsoft/app-manifest")), "json-schemas", "teams", `v${version}`, "MicrosoftTeams.schema.json");
  if (!existsSync(schemaFile)) return [`manifest.json: @microsoft/app-manifest has no schema for manifestVersion ${version}`];
  const errors = await AppManifestUtils.validateAgainstSchema(manifest as unknown as AppManifest);
  return errors.map((error) => {
    const variables = variablesAt(template, error.split(" ")[0] ?? "");
    return `manifest.json ${error}${variables.length > 0 ? ` (from ${variables.join(", ")})` : ""}`;
  });
}

async function readPng(sourceDir: string, file: string): Promise<PNG | string> {
  try {
    return PNG.sync.read(await readFile(join(sourceDir, file)));
  } catch (error) {
    return `${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "not found" : "not a PNG image"}`;
  }
}

async function iconProblems(icons: { color?: unknown; outline?: unknown }, sourceDir: string): Promise<string[]> {
  if (typeof icons.color !== "string" || typeof icons.outline !== "string") return [];
  const problems: string[] = [];
  const color = await readPng(sourceDir, icons.color);
  if (typeof color === "string") problems.push(color);
  else if (color.width !== COLOR_SIZE || color.height !== COLOR_SIZE) problems.push(`${icons.color}: must be ${COLOR_SIZE}x${COLOR_SIZE} pixels, not ${color.width}x${color.height}`);
  const outline = await readPng(sourceDir, icons.outline);
  if (typeof outline === "string") problems.push(outline);
  else if (outline.width !== OUTLINE_SIZE || outline.height !== OUTLINE_SIZE) problems.push(`${icons.outline}: must be ${OUTLINE_SIZE}x${OUTLINE_SIZE} pixels, not ${outline.width}x${outline.height}`);
  else {
    let transparent = 0;
    let other = 0;
    for (let offset = 0; offset < outline.data.length; offset += 4) {
      const [red, green, blue, alpha] = outline.data.subarray(offset, offset + 4);
      if (alpha === 0) transparent += 1;
      else if (red !== 255 || green !== 255 || blue !== 255) other += 1;
    }
    if (transparent === 0 || other > 0) problems.push(`${icons.outline}: must be white on a transparent background (${other} pixels neither white nor transparent)`);
  }
  return problems;
}

/** Fills, validates and (unless check) zips the app package; an AppPackageError lists what to fix. */
export async function buildAppPackage(options: AppPackageOptions): Promise<AppPackage> {
  const sourceDir = options.sourceDir ?? APP_PACKAGE;
  const template = JSON.parse(await readFile(join(sourceDir, "manifest.json"), "utf8")) as Json;
  const manifest = fill(template, valuesFor(template, options.values)) as Record<string, unknown>;
  const icons = (manifest.icons ?? {}) as { color?: unknown; outline?: unknown };
  const problems = [...(await schemaProblems(manifest, template)), ...(await iconProblems(icons, sourceDir))];
  if (problems.length > 0) throw new AppPackageError(problems);

  const version = String(manifest.version);
  if (options.check) return { manifest, version };
  const zip = new JSZip();
  zip.file("manifest.json", `${JSON.stringify(manifest, null, 2)}\n`);
  for (const icon of [icons.color, icons.outline] as string[]) zip.file(icon, await readFile(join(sourceDir, icon)));
  const outDir = options.outDir ?? join(sourceDir, "build");
  await mkdir(outDir, { recursive: true });
  const zipFile = join(outDir, `tidlig-${version}.zip`);
  await writeFile(zipFile, await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" }));
  return { manifest, version, zipFile };
}

const USAGE = `Usage: npm run package [-- --check]
Fills the placeholders of appPackage/manifest.json from the environment and .env (TEAMS_APP_ID, BOT_ID,
BOT_DOMAIN, DEVELOPER_*), validates it against the Teams manifest schema, checks the icons and writes
appPackage/build/tidlig-<version>.zip.
  --check   validate only, write nothing
Exit status: 0 done, 1 the package has problems (listed), 2 wrong arguments.`;

export async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({ args: argv, options: { check: { type: "boolean", default: false }, help: { type: "boolean", default: false } } }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  loadDotEnv();
  try {
    const built = await buildAppPackage({ values: process.env, check: args.check });
    if (built.zipFile) console.log(`${relative(process.cwd(), built.zipFile)} written (version ${built.version})`);
    else console.log(`appPackage/manifest.json is valid with these values (version ${built.version})`);
    return 0;
  } catch (error) {
    if (!(error instanceof AppPackageError)) throw error;
    console.error(error.message);
    return 1;
  }
}

if (require.main === module) exitWith(main);
