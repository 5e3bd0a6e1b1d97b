import type { SchoolCalendar } from "./calendar";
import type { IsoDate } from "./dates";

/**
 * How many new cases each contact teacher is asked about on each school day. A teacher with twelve flagged pupils
 * the same night gets the most severe first; the rest are asked the next school days, within the same cap.
 */
export class NudgeBudget {
  private readonly used = new Map<string, number>();

  /** `scheduled`: new-case messages already queued for a teacher on a day (earlier runs, earlier schools). */
  constructor(scheduled: Iterable<{ recipientId: string; day: IsoDate }> = []) {
    for (const { recipientId, day } of scheduled) this.count(recipientId, day);
  }

  private count(recipientId: string, day: IsoDate): void {
    const key = `${recipientId}|${day}`;
    this.used.set(key, (this.used.get(key) ?? 0) + 1);
  }

  /** The first school day from `day` on which the teacher has room under `cap`; the nudge is counted there. */
  place(recipientId: string, day: IsoDate, calendar: SchoolCalendar, cap: number): IsoDate {
    let candidate = day;
    for (let guard = 0; guard < 400 && (this.used.get(`${recipientId}|${candidate}`) ?? 0) >= cap; guard += 1) {
      candidate = calendar.addSchoolDays(candidate, 1);
    }
    this.count(recipientId, candidate);
    return candidate;
  }
}
