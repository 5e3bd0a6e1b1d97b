import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { RULE_KINDS } from "../src/domain/rules/definitions";
import { DEMO_AS_OF, DEMO_FOLDER } from "../src/demo/startDemo";
import { nightly } from "./harness/bot";
import { until } from "./harness/botProcess";
import { accepts, externalAddress, HAS_PROC, isAlive, isLoopbackAddress, listeningSockets, processTree } from "./harness/processes";
import { freshStore } from "./harness/store";

const DEMO = join(__dirname, "..", "src", "demo.js");

describe("the demo municipality", () => {
  it("trips every kind of rule on its Friday, at both schools, and reports its two bad rows", async () => {
    const store = await freshStore();
    const summary = await nightly(store, { feedPath: join(DEMO_FOLDER, "feed.csv"), rosterPath: join(DEMO_FOLDER, "roster.csv"), organisationPath: join(DEMO_FOLDER, "organisation.json"), asOf: DEMO_AS_OF });
    assert.deepEqual(summary.rejected.map((row) => row.code), ["feed.unknownPupil", "feed.invalidDate"]);
    const cases = [...(await store.cases.listSchool("FJS")), ...(await store.cases.listSchool("FUS"))];
    const kinds = new Set(cases.flatMap((stored) => stored.value.findings.map((finding) => finding.kind)));
    assert.deepEqual([...kinds].sort(), [...RULE_KINDS].sort());
    assert.ok(cases.some((stored) => stored.value.schoolId === "FJS") && cases.some((stored) => stored.value.schoolId === "FUS"));
    assert.ok(cases.some((stored) => stored.value.step >= 2), "someone is already at step 2");
  });
});

describe("the demo left running (npm run demo)", function () {
  this.timeout(120_000);

  it("listens on loopback only, and leaves no process and no listening port behind when it is killed with SIGKILL", async function () {
    if (!HAS_PROC) this.skip();
    const demo = spawn(process.execPath, ["--no-deprecation", DEMO, "--keep-running"], { env: { ...process.env, LOG_LEVEL: "silent" }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    demo.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    demo.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    let tree: number[] = [];
    try {
      await until(() => output.includes("Press Ctrl-C") || demo.exitCode !== null, "the demo to be up", 100_000);
      assert.match(output, /Press Ctrl-C/, output);
      const botPort = Number(/The bot listens on http:\/\/127\.0\.0\.1:(\d+)\//.exec(output)?.[1]);
      const playgroundPort = Number(/Agents Playground.*http:\/\/127\.0\.0\.1:(\d+)\//.exec(output)?.[1]);
      tree = processTree(demo.pid as number);
      assert.ok(tree.length >= 3, `the demo, its storage and its playground: ${tree.length} processes`);

      const listening = listeningSockets(tree);
      const ports = listening.map((socket) => socket.port);
      assert.ok(ports.includes(botPort) && ports.includes(playgroundPort), `the bot (${botPort}) and the playground (${playgroundPort}) among ${JSON.stringify(listening)}`);
      assert.deepEqual(listening.filter((socket) => !isLoopbackAddress(socket.address)), [], "nothing listens beyond loopback");
      const external = externalAddress();
      if (external) {
        assert.equal(await accepts(external, botPort), false, `the bot is not reachable at ${external}`);
        assert.equal(await accepts(external, playgroundPort), false, `the playground is not reachable at ${external}`);
      }

      const exited = new Promise((resolve) => demo.once("exit", resolve));
      demo.kill("SIGKILL");
      await exited;
      const started = Date.now();
      const answering = async () => (await Promise.all(listening.map(({ port }) => accepts("127.0.0.1", port)))).some(Boolean);
      await until(async () => tree.every((pid) => !isAlive(pid)) && !(await answering()), "every process of the demo to end and its ports to close", 5_000);
      const seconds = (Date.now() - started) / 1000;
      assert.ok(seconds < 5, `all gone within ${seconds} s`);
    } finally {
      for (const pid of [demo.pid as number, ...tree]) if (isAlive(pid)) process.kill(pid, "SIGKILL");
    }
  });
});
