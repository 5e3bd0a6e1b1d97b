import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync } from "node:fs";
import { readdir, rm, stat } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";

/**
 * A run's temporary files (a downloaded feed, the accepted rows by pupil) live in a folder of their own under the
 * work folder, named after the machine and the process that made it: `tidlig-<kind>-<host>-<pid>-<random>`. A sweep
 * can then tell a folder of a run that is still going (its process is alive) from one left by a process that died.
 */
export type RunFolderKind = "spill" | "feed";

/** A folder older than this is left over whoever made it: no run lasts a day. */
export const LEFTOVER_AFTER_MS = 24 * 60 * 60 * 1000;

const HOST = createHash("sha256").update(hostname()).digest("hex").slice(0, 8);
const NAME = /^tidlig-(spill|feed)-([0-9a-f]{8})-(\d+)-/;

/** Makes a new, private folder for one run's files of this kind. */
export function makeRunFolder(workDir: string, kind: RunFolderKind): string {
  mkdirSync(workDir, { recursive: true, mode: 0o700 });
  return mkdtempSync(join(workDir, `tidlig-${kind}-${HOST}-${process.pid}-`));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes the run folders that no running process owns: those of a process of this machine that is gone (a run
 * killed, a crash), and any older than a day (another machine's, or a process id used again). With `ownToo`, also
 * this process's own (it is stopping). Anything else in the work folder is left alone. Returns how many went.
 */
export async function sweepRunFolders(workDir: string, options: { now?: number; ownToo?: boolean } = {}): Promise<number> {
  let entries: string[];
  try {
    entries = await readdir(workDir);
  } catch {
    return 0;
  }
  const now = options.now ?? Date.now();
  let removed = 0;
  for (const entry of entries) {
    const match = NAME.exec(entry);
    if (!match) continue;
    const pid = Number(match[3]);
    const path = join(workDir, entry);
    const ours = match[2] === HOST;
    const own = ours && pid === process.pid;
    let leftover = (own && options.ownToo === true) || (ours && !own && !isAlive(pid));
    if (!leftover) {
      const changed = await stat(path).then((info) => info.mtimeMs, () => undefined);
      leftover = changed !== undefined && now - changed > LEFTOVER_AFTER_MS;
    }
    if (!leftover) continue;
    await rm(path, { recursive: true, force: true });
    removed += 1;
  }
  return removed;
}
