import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Clock } from "../../src/clock";
import { systemClock } from "../../src/clock";
import { translator } from "../../src/i18n";
import { runNightly, type NightlyInput } from "../../src/jobs/nightly";
import { silentLogger } from "../../src/log";
import type { Store } from "../../src/store";
import { startBotServer, type BotServer } from "../../src/teams/botServer";

/** The work folder of the nightly runs of this test process. */
export const TEST_WORK_DIR = join(tmpdir(), `tidlig-test-work-${process.pid}`);

/** The real bot server on a free port, in local mode, sending nothing until a test drains the outbox. */
export function startTestBot(store: Store, options: { clock?: Clock; botId?: string; openIdMetadata?: string; serviceUrl?: string; tenantId?: string; sendTimeoutSeconds?: number; nightlyFiles?: { organisationPath: string; rosterPath: string; feedPath: string; workDir?: string } } = {}): Promise<BotServer> {
  return startBotServer({
    config: {
      PORT: 0,
      BOT_ID: options.botId,
      BOT_PASSWORD: options.botId ? "test-secret" : undefined,
      BOT_TENANT_ID: options.tenantId ?? (options.botId ? "00000000-0000-4000-8000-0000000000aa" : undefined),
      BOT_TYPE: "SingleTenant",
      BOT_SERVICE_URL: options.serviceUrl,
      OUTBOX_POLL_SECONDS: 3600,
      SEND_TIMEOUT_SECONDS: options.sendTimeoutSeconds,
      BOT_OPENID_METADATA: options.openIdMetadata,
      DEFAULT_LOCALE: "nb",
    },
    store,
    clock: options.clock ?? systemClock,
    logger: silentLogger,
    nightlyFiles: options.nightlyFiles ? { workDir: TEST_WORK_DIR, ...options.nightlyFiles } : undefined,
  });
}

export function nightly(store: Store, input: Omit<NightlyInput, "workDir"> & { workDir?: string }, clock: Clock = systemClock) {
  return runNightly({ store, clock, logger: silentLogger, t: translator("nb") }, { workDir: TEST_WORK_DIR, ...input });
}
