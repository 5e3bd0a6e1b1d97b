import { strict as assert } from "node:assert";
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simulate } from "../../src/simulate/engine";
import { loadScenario, parseScenario } from "../../src/simulate/scenario";
import { personalConversationId } from "../../src/simulate/teamsActivities";
import { COORDINATOR, OTHER_TEACHER, TEACHER, writeMunicipality } from "../harness/municipality";
import { azuriteConnectionString } from "../harness/rootHooks";

let prefixes = 0;
const storage = () => ({ connectionString: azuriteConnectionString(), tablePrefix: `sim${process.pid}x${(prefixes += 1)}x${Date.now().toString(36)}` });

/** A week of the test municipality: P1 reaches the threshold as of Friday 20 November, so a case opens on Monday. */
async function testWeek(extra: Record<string, unknown> = {}) {
  const files = await writeMunicipality();
  const scenario = parseScenario({
    kommune: { organisasjon: files.organisation, elevliste: files.roster },
    fra: "2026-11-23",
    uker: 1,
    fravær: { kilde: { fil: files.feed } },
    personer: { kari: { id: TEACHER.aadObjectId, navn: TEACHER.name }, ola: { id: OTHER_TEACHER.aadObjectId, navn: OTHER_TEACHER.name }, kim: { id: COORDINATOR.aadObjectId } },
    hendelser: [
      { dag: "2026-11-24", kl: "10:00", hvem: "kari", gjør: "svar", elev: "P1" },
      { dag: "2026-11-24", hvem: "ola", gjør: "stille" },
      { dag: "2026-11-25", kl: "11:00", hvem: "kari", gjør: "kommando", tekst: "mine saker" },
      { dag: "2026-11-26", kl: "12:00", hvem: "kim", gjør: "kommando", tekst: "kjør nå" },
    ],
    ...extra,
  });
  return { loaded: { scenario, folder: files.folder }, files };
}

describe("The term simulator", function () {
  this.timeout(120_000);

  it("runs a week of the municipality on a simulated clock, writes what each person read, and the invariants hold", async () => {
    const out = await mkdtemp(join(tmpdir(), "tidlig-simulation-"));
    const result = await simulate({ ...(await testWeek()), outDir: out, storage: storage() });

    assert.deepEqual(result.violations, []);
    assert.equal(result.days, 7);
    const written = await readdir(out);
    assert.ok(written.includes("events.json") && written.includes("kari.md") && written.includes("ola.md"), written.join(", "));
    const kari = await readFile(join(out, "kari.md"), "utf8");
    assert.match(kari, /^# Kari Kontaktlærer \(kari\)/);
    assert.match(kari, /## mandag 23\. november 2026/);
    assert.match(kari, /Emma Eksempel/, "the first task card names the pupil");
    assert.match(kari, /\*\*10:00\*\* du\n\n> svarer på oppgaven om elev P1/, "her own answer is in her transcript");
    assert.match(kari, /> mine saker/);
    const kim = await readFile(join(out, "kim.md"), "utf8");
    assert.match(kim, /> kjør nå\n\n\*\*12:00\*\* \(svar\)\n\nDen nattlige kjøringen er startet/, "the coordinator's command is answered at once");
    assert.match(kim, /\*\*12:00\*\*( \(svar\))?\n\n\*\*Nattlig kjøring ferdig\*\*/, "and the run's summary follows when the run has ended");
    const events = JSON.parse(await readFile(join(out, "events.json"), "utf8")) as { type: string; person?: string; detail: Record<string, unknown> }[];
    assert.equal(events.filter((event) => event.type === "nightly").length, 5, "a nightly run each school day, none at the weekend");
    assert.ok(events.some((event) => event.type === "action" && event.person === "kari" && event.detail.does === "svar" && event.detail.status === 200));
  });

  it("delivers a teacher's waiting card when she installs the app late, and nothing once she removes it", async () => {
    const out = await mkdtemp(join(tmpdir(), "tidlig-simulation-"));
    const result = await simulate({
      ...(await testWeek({
        installert: ["kim"],
        hendelser: [
          { dag: "2026-11-24", kl: "09:00", hvem: "ola", gjør: "installer" },
          { dag: "2026-11-25", kl: "09:00", hvem: "kari", gjør: "installer" },
          { dag: "2026-11-25", kl: "12:00", hvem: "kari", gjør: "avinstaller" },
        ],
      })),
      outDir: out,
      storage: storage(),
    });

    assert.deepEqual(result.violations, []);
    const kari = await readFile(join(out, "kari.md"), "utf8");
    assert.doesNotMatch(kari, /mandag 23\. november/, "nothing reached her before she had the app");
    assert.match(kari, /## onsdag 25\. november 2026\n\n\*\*09:00\*\* du\n\n> legger til Tidlig i Teams/);
    assert.match(kari, /Emma Eksempel/, "the card that waited for her arrives once she has the app");
    const afterRemoving = result.events.filter((event) => event.type === "delivered" && event.person === "kari" && event.at > "2026-11-25T11:00:00.000Z");
    assert.deepEqual(afterRemoving, [], "nothing reaches her once she removed the app");
  });

  it("delivers the first card after Teams throttles (429 with Retry-After) and fails (503) when the delivery hours open", async () => {
    const out = await mkdtemp(join(tmpdir(), "tidlig-simulation-"));
    const result = await simulate({
      ...(await testWeek({ teams: [{ dag: "2026-11-23", kl: "08:00", status: 429, ventSekunder: 1 }, { dag: "2026-11-23", kl: "08:00", status: 503, antall: 4 }] })),
      outDir: out,
      storage: storage(),
    });

    assert.deepEqual(result.violations, []);
    const refused = result.events.filter((event) => event.type === "refused").map((event) => event.detail.status);
    assert.ok(refused.includes(429) && refused.includes(503), JSON.stringify(refused));
    const kari = await readFile(join(out, "kari.md"), "utf8");
    assert.match(kari, /## mandag 23\. november 2026[^#]*\*\*08:00\*\*\n\n\*\*Fravær å følge opp: /, "the cards reached her the same morning, when the delivery hours opened");
    assert.match(kari, /## mandag 23\. november 2026[^#]*Emma Eksempel/, "Emma's card among them");
  });

  it("fails an invariant, naming the day, the person and the message, when something reaches a person on a day without school", async () => {
    const result = await simulate({
      ...(await testWeek()),
      storage: storage(),
      endOfDay: async ({ date, teams, clock, personId }) => {
        if (date !== "2026-11-28") return;
        clock.set(new Date("2026-11-28T21:00:00Z"));
        await fetch(`${teams.url}v3/conversations/${encodeURIComponent(personalConversationId({ aadObjectId: personId("ola"), name: "" }))}/activities`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ type: "message", text: "Et innskutt varsel en lørdagskveld" }),
        });
      },
    });

    assert.deepEqual(
      result.violations.map(({ day, person, invariant, message }) => ({ day, person, invariant, message })),
      [
        { day: "2026-11-28", person: "ola", invariant: "ingenting-på-fridager", message: "«Et innskutt varsel en lørdagskveld» arrived on a day without school" },
        { day: "2026-11-28", person: "ola", invariant: "levert-i-leveringstiden", message: "«Et innskutt varsel en lørdagskveld» arrived at 22:00, outside the delivery hours or on a day without school" },
      ],
    );
  });

  it("delivers every message of the week in the delivery hours: a new case's first card waits for them after the 07:00 run", async () => {
    const result = await simulate({ ...(await testWeek()), storage: storage() });

    assert.deepEqual(result.violations.filter((violation) => violation.invariant === "levert-i-leveringstiden"), []);
    assert.ok(result.invariants.includes("levert-i-leveringstiden"), "the check is on by default");
  });

  it("refuses a scenario with a bad field, naming the field", () => {
    assert.throws(() => parseScenario({ kommune: "demo", fra: "2. november", uker: 4, hendelser: [{ dag: "2026-11-05", hvem: "x", gjør: "dans" }] }), (error: Error) => {
      assert.match(error.message, /fra: a date written 2026-11-02/);
      assert.match(error.message, /hendelser\.0\.gjør/);
      return true;
    });
  });

  it("reads the scenario shipped beside the demo data", async () => {
    const { scenario } = await loadScenario(join(__dirname, "..", "..", "..", "demo", "scenario-autumn.json"));
    assert.equal(scenario.kommune, "demo");
    assert.ok(scenario.hendelser.some((happening) => happening.gjør === "installer"));
  });
});
