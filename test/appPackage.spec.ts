import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AppManifestUtils, type AppManifest } from "@microsoft/app-manifest";
import JSZip from "jszip";
import { PNG } from "pngjs";
import { buildAppPackage } from "../scripts/packageApp";
import { COMMANDS } from "../src/teams/commands";
import { normalise, parseCommand } from "../src/teams/commands/parse";

const APP_PACKAGE = join(__dirname, "..", "..", "appPackage");

const manifest = JSON.parse(readFileSync(join(APP_PACKAGE, "manifest.json"), "utf8")) as {
  bots: { commandLists: { commands: { title: string; description: string }[] }[] }[];
};

describe("the app package", () => {
  it("lists in the command menu only commands the bot understands, at most ten as Teams allows", () => {
    const commands = manifest.bots[0]?.commandLists[0]?.commands ?? [];
    assert.ok(commands.length > 0 && commands.length <= 10);
    for (const command of commands) {
      assert.ok(parseCommand(COMMANDS, command.title), `the menu's "${command.title}" is a command`);
      assert.ok(command.description.length <= 128);
    }
    const menu = new Set(commands.map((command) => normalise(command.title)));
    for (const name of ["hjelp", "mine saker", "terskler", "terskel sett", "historikk", "rutine", "status", "kjør nå"]) assert.ok(menu.has(normalise(name)), name);
  });
});

/** What a municipality would put in .env for the package; synthetic. */
const SAMPLE = {
  TEAMS_APP_ID: "8f3c2a51-6b1e-4d2a-9c0e-2f7d4b1a9e10",
  BOT_ID: "0b8e1f4c-3a2d-4e5f-8a9b-1c2d3e4f5a6b",
  BOT_DOMAIN: "tidlig.fjordvik.example",
  DEVELOPER_NAME: "Fjordvik kommune",
  DEVELOPER_WEBSITE_URL: "https://fjordvik.example/tidlig",
  DEVELOPER_PRIVACY_URL: "https://fjordvik.example/personvern",
  DEVELOPER_TERMS_URL: "https://fjordvik.example/vilkar",
};

function png(size: number, rgba: [number, number, number, number]): Buffer {
  const image = new PNG({ width: size, height: size });
  for (let offset = 0; offset < image.data.length; offset += 4) image.data.set(rgba, offset);
  return PNG.sync.write(image);
}

describe("building the app package", () => {
  let outDir: string;
  beforeEach(async () => {
    outDir = await mkdtemp(join(tmpdir(), "tidlig-package-"));
  });
  afterEach(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  it("zips the filled manifest and the two icons, and the manifest inside passes the Teams schema", async () => {
    const built = await buildAppPackage({ values: SAMPLE, outDir });
    assert.equal(built.zipFile, join(outDir, `tidlig-${built.version}.zip`));
    assert.deepEqual(await readdir(outDir), [`tidlig-${built.version}.zip`]);
    const zip = await JSZip.loadAsync(await readFile(built.zipFile));
    assert.deepEqual(Object.keys(zip.files).sort(), ["color.png", "manifest.json", "outline.png"]);
    const text = (await zip.file("manifest.json")?.async("string")) ?? "";
    assert.ok(!text.includes("${{"), "no placeholder is left");
    const inside = JSON.parse(text) as AppManifest & { bots: { botId: string }[]; validDomains: string[] };
    assert.deepEqual(await AppManifestUtils.validateAgainstSchema(inside), []);
    assert.equal(inside.bots[0]?.botId, SAMPLE.BOT_ID);
    assert.deepEqual(inside.validDomains, [SAMPLE.BOT_DOMAIN]);
    assert.deepEqual(await zip.file("outline.png")?.async("nodebuffer"), await readFile(join(APP_PACKAGE, "outline.png")));
  });

  it("refuses when a value is missing, naming the variables, and writes nothing", async () => {
    await assert.rejects(buildAppPackage({ values: { ...SAMPLE, TEAMS_APP_ID: " ", BOT_DOMAIN: undefined }, outDir }), /missing TEAMS_APP_ID, BOT_DOMAIN/);
    assert.deepEqual(await readdir(outDir), []);
  });

  it("reports a value the Teams schema rejects with the schema's message and the variable it came from", async () => {
    await assert.rejects(
      buildAppPackage({ values: { ...SAMPLE, BOT_ID: "tidlig-bot" }, check: true }),
      /manifest\.json \/bots\/0\/botId must match pattern .* \(from BOT_ID\)/,
    );
  });

  it("refuses icons of the wrong size and an outline icon that is not white on transparent", async () => {
    const sourceDir = await mkdtemp(join(tmpdir(), "tidlig-icons-"));
    try {
      await copyFile(join(APP_PACKAGE, "manifest.json"), join(sourceDir, "manifest.json"));
      await writeFile(join(sourceDir, "color.png"), png(96, [0x12, 0x6e, 0x5e, 255]));
      await writeFile(join(sourceDir, "outline.png"), png(32, [128, 128, 128, 128]));
      await assert.rejects(buildAppPackage({ values: SAMPLE, sourceDir, outDir }), (error: Error) => {
        assert.match(error.message, /color\.png: must be 192x192 pixels, not 96x96/);
        assert.match(error.message, /outline\.png: must be white on a transparent background/);
        return true;
      });
    } finally {
      await rm(sourceDir, { recursive: true, force: true });
    }
  });
});
