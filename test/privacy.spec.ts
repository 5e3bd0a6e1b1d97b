import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { clockFrom, DEMO_FOLDER, DEMO_MONDAY, DEMO_USERS, startDemo } from "../src/demo/startDemo";
import { createLogger } from "../src/log";
import { cardAction, message, postActivity, type TeamsUser } from "./harness/activities";
import { LoopbackConnector } from "./harness/loopbackConnector";
import { TASK_VERB } from "../src/teams/cards";

const NOTE = "Moren er alvorlig syk og eleven passer småsøsken";

describe("children's data in the logs", () => {
  it("a whole demo at debug level (nightly run, cards, an answer with a note, commands) logs no pupil name, no free text and no raw person id", async function () {
    this.timeout(60_000);
    const lines: string[] = [];
    const logger = createLogger({ level: "debug", destination: "none", pseudonymKey: "privacy-test", sink: { write: (line) => void lines.push(line) } });
    const connector = await new LoopbackConnector().start();
    const demo = await startDemo({ clock: clockFrom(DEMO_MONDAY), logger });
    try {
      const teacher: TeamsUser = { aadObjectId: DEMO_USERS.teacher5A, name: "Demo Kontaktlærer 5A" };
      const coordinator: TeamsUser = { aadObjectId: DEMO_USERS.coordinator, name: "Demo Koordinator" };
      for (const user of [teacher, coordinator]) await postActivity(demo.bot.url, message(user, connector.url, "hei"));
      await demo.bot.sender.drain();
      const open = (await demo.store.cases.listSchool("FJS")).find((stored) => stored.value.teacherIds.includes(teacher.aadObjectId) && stored.value.current?.task === "follow-up");
      assert.ok(open?.value.current);
      await postActivity(demo.bot.url, cardAction(teacher, connector.url, TASK_VERB, {
        caseId: open.value.caseId, schoolId: "FJS", serial: open.value.current.serial,
        guardiansContacted: "yes", guardiansContactedOn: "2026-11-23", guardiansResult: "concerned", documented: "no", cause: "known", pupilHeard: "yes", pupilSaid: NOTE, nurseInformed: "yes",
      }));
      for (const text of ["mine saker", "terskler", "status", "terskel sett days-percent minPercent 12"]) await postActivity(demo.bot.url, message(coordinator, connector.url, text));
      await demo.bot.sender.drain();
    } finally {
      await demo.stop();
      await connector.stop();
    }
    assert.ok(["message sent", "task answered"].every((event) => lines.some((line) => line.includes(event))), `the demo logged its events (${lines.length} lines)`);
    const log = lines.join("\n");
    const roster = (await readFile(join(DEMO_FOLDER, "roster.csv"), "utf8")).trim().split("\n").slice(1).map((row) => row.split(","));
    for (const [pupilId, name] of roster) {
      assert.ok(!log.includes(name as string), `the name of ${pupilId} is not logged`);
      assert.ok(!new RegExp(`\\b${pupilId}\\b`).test(log), `${pupilId} is logged only as a pseudonym`);
    }
    for (const secret of [NOTE, "Moren", DEMO_USERS.teacher5A, DEMO_USERS.coordinator, "Demo Kontaktlærer", "Demo Koordinator"]) assert.ok(!log.includes(secret), secret);
  });
});
