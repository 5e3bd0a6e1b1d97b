import { DateTime } from "luxon";
import type { Clock } from "../clock";
import { dateInZone } from "../domain/dates";
import { nextDeliveryTime } from "../domain/delivery";
import { calendarOf } from "../domain/organisation";
import { DEFAULT_SETTINGS_DOCUMENT, settingsForSchool } from "../domain/settings";
import type { Store } from "../store";

/**
 * Puts the leaders' digests in the outbox: on school days a daily digest, and on Mondays the weekly overview
 * instead. Each leader gets one per school they lead; running twice on a day adds nothing.
 */
export async function queueDigests(deps: { store: Store; clock: Clock }): Promise<number> {
  const { store, clock } = deps;
  const organisation = await store.organisation.get();
  if (!organisation) return 0;
  const document = (await store.settings.current())?.document ?? DEFAULT_SETTINGS_DOCUMENT;
  const now = clock.now();
  const today = dateInZone(now, organisation.timeZone);
  const local = DateTime.fromJSDate(now, { zone: organisation.timeZone });
  const subject = local.weekday === 1 ? `weekly|${local.toFormat("kkkk-'W'WW")}` : `daily|${today}`;
  let queued = 0;
  for (const school of organisation.schools) {
    const calendar = calendarOf(school);
    if (!calendar.isSchoolDay(today)) continue;
    const hours = settingsForSchool(document, school.id).routine.deliveryHours;
    const notBefore = nextDeliveryTime({ now, calendar, timeZone: organisation.timeZone, hours }).toISOString();
    for (const leader of school.leaders) {
      if (await store.outbox.enqueue({ kind: "digest", subject, serial: 0, schoolId: school.id, recipientId: leader, notBefore }, now)) queued += 1;
    }
  }
  return queued;
}
