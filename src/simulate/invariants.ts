import { DateTime } from "luxon";
import { dateInZone, type IsoDate } from "../domain/dates";
import { calendarOf, type Organisation } from "../domain/organisation";
import { settingsForSchool, type SettingsDocument } from "../domain/settings";
import type { Store } from "../store";

/** A broken invariant: on which simulated day, for whom, and what. */
export interface Violation {
  day: IsoDate;
  person: string;
  message: string;
  invariant: string;
}

/** Something a person received from the product during the simulated term. */
export interface Delivery {
  at: string;
  personId: string;
  /** "push": the product sent it of itself (the outbox); "reply": it answered what the person just did. */
  kind: "push" | "reply" | "update";
  /** The first line a person reads (a card's title, a message's text). */
  headline: string;
}

export interface DayUnderCheck {
  day: IsoDate;
  /** What reached people on this day. */
  deliveries: Delivery[];
  store: Store;
  organisation: Organisation;
  settings: SettingsDocument;
  /** The schools a person belongs to (as leader, contact teacher, or all for a coordinator). */
  schoolsOf(personId: string): string[];
  /** How the simulation names a person. */
  label(personId: string): string;
}

export interface Invariant {
  name: string;
  description: string;
  /** Broken by today's product: off unless a scenario asks for it under "sjekker". */
  known?: boolean;
  check(day: DayUnderCheck): Promise<Violation[]>;
}

/** Where and when a push reached its person, in the organisation's time zone. */
interface PushAt {
  delivery: Delivery;
  date: IsoDate;
  time: string;
  schools: Organisation["schools"];
}

/** The pushes of a day that break a rule, each said by `problem` (undefined when it is fine). */
function checkPushes(day: DayUnderCheck, invariant: string, problem: (push: PushAt) => string | undefined): Violation[] {
  const violations: Violation[] = [];
  for (const delivery of day.deliveries.filter((candidate) => candidate.kind === "push")) {
    const instant = new Date(delivery.at);
    const date = dateInZone(instant, day.organisation.timeZone);
    const time = DateTime.fromJSDate(instant, { zone: day.organisation.timeZone }).toFormat("HH:mm");
    const schools = day.organisation.schools.filter((school) => day.schoolsOf(delivery.personId).includes(school.id));
    const message = problem({ delivery, date, time, schools });
    if (message) violations.push({ day: day.day, person: day.label(delivery.personId), invariant, message });
  }
  return violations;
}

/** Nothing the product sends of itself reaches a person on a day none of their schools is open. */
export const nothingOnDaysOff: Invariant = {
  name: "ingenting-på-fridager",
  description: "nothing the product sends of itself reaches a person on a weekend, holiday or closed day of their schools",
  async check(day) {
    return checkPushes(day, this.name, ({ delivery, date, schools }) =>
      schools.some((school) => calendarOf(school).isSchoolDay(date)) ? undefined : `«${delivery.headline}» arrived on a day without school`,
    );
  },
};

/** Nothing the product sends of itself reaches a person outside the delivery hours or on a day their school is closed. */
export const deliveredInHours: Invariant = {
  name: "levert-i-leveringstiden",
  description: "nothing reaches a person outside the delivery hours or on a day without school",
  async check(day) {
    return checkPushes(day, this.name, ({ delivery, date, time, schools }) => {
      const open = schools.some((school) => {
        const hours = settingsForSchool(day.settings, school.id).routine.deliveryHours;
        return calendarOf(school).isSchoolDay(date) && time >= hours.from && time < hours.to;
      });
      return open ? undefined : `«${delivery.headline}» arrived at ${time}, outside the delivery hours or on a day without school`;
    });
  },
};

/** Every open case has someone to act on it: a contact teacher, or the school's leaders. */
export const everyCaseHasOwner: Invariant = {
  name: "hver-sak-har-en-eier",
  description: "every open case has a contact teacher or a school leader to act on it",
  async check(day) {
    const violations: Violation[] = [];
    for (const stored of await day.store.cases.listOpen()) {
      const absenceCase = stored.value;
      const school = day.organisation.schools.find((candidate) => candidate.id === absenceCase.schoolId);
      if (absenceCase.teacherIds.length > 0 || (school?.leaders.length ?? 0) > 0) continue;
      violations.push({ day: day.day, person: `case ${absenceCase.caseId}`, invariant: this.name, message: `the open case at school ${absenceCase.schoolId} has no contact teacher and no leader` });
    }
    return violations;
  },
};

/** Every invariant the simulator knows; those marked known are off unless a scenario names them. */
export const INVARIANTS: readonly Invariant[] = [nothingOnDaysOff, everyCaseHasOwner, deliveredInHours];

export function invariantsFor(names: readonly string[]): Invariant[] {
  const unknown = names.filter((name) => !INVARIANTS.some((invariant) => invariant.name === name));
  if (unknown.length > 0) throw new Error(`Unknown check(s) in the scenario: ${unknown.join(", ")} (known: ${INVARIANTS.map((invariant) => invariant.name).join(", ")})`);
  return INVARIANTS.filter((invariant) => !invariant.known || names.includes(invariant.name));
}
