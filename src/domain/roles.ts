import type { Organisation } from "./organisation";
import type { Pupil } from "./roster";

/** What a user may do, from the organisation file and the roster. */
export interface Roles {
  /** A coordinator of the whole municipality. */
  municipalityCoordinator: boolean;
  /** Schools whose settings the user may change (all schools for a municipality coordinator). */
  coordinatorOf: string[];
  /** Schools the user leads. */
  leaderOf: string[];
  /** Whether the user is a contact teacher of any pupil. */
  teacher: boolean;
}

export function rolesOf(userId: string, organisation: Organisation | undefined, pupils: readonly Pupil[]): Roles {
  const municipalityCoordinator = organisation?.coordinators.includes(userId) ?? false;
  const schools = organisation?.schools ?? [];
  return {
    municipalityCoordinator,
    coordinatorOf: schools.filter((school) => municipalityCoordinator || school.coordinators.includes(userId)).map((school) => school.id),
    leaderOf: schools.filter((school) => school.leaders.includes(userId)).map((school) => school.id),
    teacher: pupils.some((pupil) => pupil.contactTeacherIds.includes(userId)),
  };
}

export function isCoordinator(roles: Roles): boolean {
  return roles.coordinatorOf.length > 0;
}
