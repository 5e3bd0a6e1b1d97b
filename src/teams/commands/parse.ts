import { distance } from "fastest-levenshtein";
import type { Command } from "./command";

/** Lower case, single spaces, æ/ø/å as ae/o/a: "Mine  Saker" and "mine saker" are the same command. */
export function normalise(text: string): string {
  return text
    .toLowerCase()
    .normalize("NFKC")
    .replace(/æ/g, "ae")
    .replace(/[øö]/g, "o")
    .replace(/[åä]/g, "a")
    .replace(/[^\p{L}\p{N}.,%-]+/gu, " ")
    .trim()
    .replace(/\s+/g, " ");
}

/** Finds the command a message starts with (the longest name wins) and the words after it. */
export function parseCommand(commands: readonly Command[], text: string): { command: Command; args: string[] } | undefined {
  const words = normalise(text);
  let best: { command: Command; length: number } | undefined;
  for (const command of commands) {
    for (const name of command.names.map(normalise)) {
      if ((words === name || words.startsWith(`${name} `)) && name.length > (best?.length ?? 0)) best = { command, length: name.length };
    }
  }
  if (!best) return undefined;
  const rest = words.slice(best.length).trim();
  return { command: best.command, args: rest === "" ? [] : rest.split(" ") };
}

/** The command name closest to what was typed, for "did you mean ...?". */
export function closestCommand(commands: readonly Command[], text: string): string {
  const words = normalise(text);
  let best = { name: commands[0]?.names[0] ?? "", score: Number.POSITIVE_INFINITY };
  for (const command of commands) {
    for (const name of command.names) {
      const typed = words.split(" ").slice(0, normalise(name).split(" ").length).join(" ");
      const score = distance(typed, normalise(name));
      if (score < best.score) best = { name, score };
    }
  }
  return best.name;
}
