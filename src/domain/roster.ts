import type { IsoDate } from "./dates";

/** A pupil as the roster describes them; the name is shown only to the pupil's own teachers and leaders. */
export interface Pupil {
  pupilId: string;
  name: string;
  schoolId: string;
  group: string;
  grade?: number | undefined;
  contactTeacherIds: string[];
  enrolledFrom?: IsoDate | undefined;
}

export function isContactTeacherOf(pupil: Pupil, userId: string | undefined): boolean {
  return userId !== undefined && pupil.contactTeacherIds.includes(userId);
}
