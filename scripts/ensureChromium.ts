/**
 * Installs Debian's chromium when it is missing, so that the browser tests can run on a clean machine:
 *   node dist/scripts/ensureChromium.js      (run by `npm test`)
 * Without root or apt-get it only says what to do; the browser tests then fail with the same advice.
 */
import { spawnSync } from "node:child_process";
import { CHROMIUM, hasChromium } from "./browser";

function run(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } }).status === 0;
}

if (!hasChromium() && !process.env.CHROMIUM_PATH) {
  const root = process.getuid?.() === 0;
  const apt = spawnSync("apt-get", ["--version"], { stdio: "ignore" }).status === 0;
  if (root && apt) {
    console.log("Installing chromium for the browser tests (apt-get install -y chromium) ...");
    if (!(run("apt-get", ["update"]) && run("apt-get", ["install", "-y", "--no-install-recommends", "chromium"]))) {
      console.log("Could not install chromium; the browser tests will fail.");
    }
  } else {
    console.log(`No chromium at ${CHROMIUM}: install it (sudo apt-get install -y chromium) or set CHROMIUM_PATH.`);
  }
}
