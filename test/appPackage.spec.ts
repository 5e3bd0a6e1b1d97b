import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { COMMANDS } from "../src/teams/commands";
import { normalise, parseCommand } from "../src/teams/commands/parse";

const manifest = JSON.parse(readFileSync(join(__dirname, "..", "..", "appPackage", "manifest.json"), "utf8")) as {
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
