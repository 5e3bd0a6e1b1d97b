import sinon from "sinon";
import type { NightlyInput } from "../../src/jobs/nightly";
import type { Store } from "../../src/store";
import type { BotServer } from "../../src/teams/botServer";
import { TASK_VERB } from "../../src/teams/cards";
import { cardAction, installationAdd, message, personalConversationId, postActivity, type TeamsUser } from "./activities";
import { nightly, startTestBot } from "./bot";
import { LoopbackConnector } from "./loopbackConnector";
import { writeMunicipality, type MunicipalityFiles } from "./municipality";
import { freshStore } from "./store";

/**
 * A running product for one test: Azurite tables of its own, the bot server, a loopback Bot Connector, the test
 * municipality's files, and a fake clock (Date only) starting Monday 23 November 2026, 10:00 in Oslo.
 */
export class World {
  store!: Store & { tablePrefix: string };
  connector!: LoopbackConnector;
  bot!: BotServer;
  files!: MunicipalityFiles;
  clock!: sinon.SinonFakeTimers;

  /** `outboxQueue`: the outbox hands its messages out through the delivery queue, as with several instances. */
  static async start(options: { now?: string; serviceUrl?: boolean; sendTimeoutSeconds?: number; files?: Parameters<typeof writeMunicipality>[0]; outboxQueue?: boolean } = {}): Promise<World> {
    const world = new World();
    world.clock = sinon.useFakeTimers({ now: new Date(options.now ?? "2026-11-23T09:00:00Z"), toFake: ["Date"] });
    world.store = await freshStore({ outboxQueue: options.outboxQueue });
    world.connector = await new LoopbackConnector().start();
    world.files = await writeMunicipality(options.files);
    world.bot = await startTestBot(world.store, {
      ...(options.serviceUrl ? { serviceUrl: world.connector.url, tenantId: "00000000-0000-4000-8000-0000000000aa" } : {}),
      sendTimeoutSeconds: options.sendTimeoutSeconds,
      nightlyFiles: { organisationPath: world.files.organisation, rosterPath: world.files.roster, feedPath: world.files.feed },
    });
    return world;
  }

  async stop(): Promise<void> {
    this.clock.restore();
    await this.bot.close();
    await this.connector.stop();
  }

  at(instant: string): void {
    this.clock.setSystemTime(new Date(instant));
  }

  async install(...users: TeamsUser[]): Promise<void> {
    for (const user of users) await postActivity(this.bot.url, installationAdd(user, this.connector.url));
  }

  night(asOf?: string, extra: Partial<NightlyInput> = {}) {
    return nightly(this.store, { feedPath: this.files.feed, rosterPath: this.files.roster, organisationPath: this.files.organisation, asOf, ...extra });
  }

  async caseOf(pupilId: string) {
    const cases = await this.store.cases.listSchool("S1");
    return cases.filter((stored) => stored.value.pupilId === pupilId).sort((a, b) => b.value.openedAt.localeCompare(a.value.openedAt))[0];
  }

  /** Writes in the 1:1 chat as the user, and returns what the bot answered (text or adaptive card JSON). */
  async say(user: TeamsUser, text: string): Promise<string> {
    const before = this.connector.sent(personalConversationId(user)).length;
    await postActivity(this.bot.url, message(user, this.connector.url, text));
    const replies = this.connector.sent(personalConversationId(user)).slice(before);
    return replies.map((reply) => (reply.attachments ? JSON.stringify(reply.attachments) : String(reply.text))).join("\n");
  }

  /** Answers the case's current task (or the task `serial`) as Teams would send an Action.Execute. */
  async answer(user: TeamsUser, pupilId: string, answers: Record<string, string>, serial?: number) {
    const stored = await this.caseOf(pupilId);
    if (!stored) throw new Error(`no case for ${pupilId}`);
    const data = { caseId: stored.value.caseId, schoolId: stored.value.schoolId, serial: serial ?? stored.value.current?.serial ?? 0, ...answers };
    return postActivity(this.bot.url, cardAction(user, this.connector.url, TASK_VERB, data));
  }
}
