import { z } from "zod";
import type { Clock } from "../clock";
import { translator, type Locale } from "../i18n";
import type { Store } from "../store";
import type { AdaptiveCard } from "./cards";
import { myCases } from "./commands/cases";
import { commandContext, runAllowed, type BotServices } from "./commands";
import { status } from "./commands/operations";
import { accessRequest } from "./commands/pupilData";
import { renderDigest } from "./digest";

/** Which page of which long list a «Vis flere» or «Forrige side» button asks for. */
const ListPageSchema = z.discriminatedUnion("list", [
  z.object({ list: z.literal("my-cases"), page: z.coerce.number().int().min(1).max(100_000) }),
  z.object({ list: z.literal("status"), page: z.coerce.number().int().min(1).max(100_000) }),
  z.object({ list: z.literal("export"), pupilId: z.string().min(1).max(100), page: z.coerce.number().int().min(1).max(100_000) }),
  z.object({ list: z.literal("digest"), schoolId: z.string().min(1).max(100), subject: z.string().min(1).max(40), page: z.coerce.number().int().min(1).max(100_000) }),
]);

/**
 * Another page of a long list, rendered again from what is stored now and judged by who asks now: the command's own
 * role check for "mine saker", "status" and "innsyn", a leader of the school for a digest. Nothing changes.
 */
export async function showListPage(deps: { store: Store; clock: Clock; services?: BotServices | undefined }, input: { userId: string | undefined; data: unknown; locale: Locale }): Promise<AdaptiveCard | string> {
  const t = translator(input.locale);
  const request = ListPageSchema.safeParse(input.data);
  if (!input.userId || !request.success) return t("answer.invalid");
  const context = { ...(await commandContext({ store: deps.store, clock: deps.clock, userId: input.userId, locale: input.locale, services: deps.services ?? {} })), page: request.data.page };
  switch (request.data.list) {
    case "my-cases":
      return runAllowed(context, myCases, []);
    case "status":
      return runAllowed(context, status, []);
    case "export":
      return runAllowed(context, accessRequest, [request.data.pupilId]);
    case "digest": {
      const { schoolId, subject, page } = request.data;
      if (!context.roles.leaderOf.includes(schoolId)) {
        await deps.store.audit.record({ at: deps.clock.now().toISOString(), actor: input.userId, action: "digest.page", subject: schoolId, outcome: "refused" });
        return t("answer.refused");
      }
      const [card] = (await renderDigest(deps.store, { schoolId, subject }, input.locale, deps.clock.now(), page)) ?? [];
      return card ?? t("answer.invalid");
    }
  }
}
