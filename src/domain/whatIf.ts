/** A pupil flagged by a rule set: at which step. */
export interface Flag {
  schoolId: string;
  pupilId: string;
  step: number;
}

export type StepCounts = Record<string, number>;

export interface WhatIfReport {
  asOf: string;
  schools: { schoolId: string; current: StepCounts; proposed: StepCounts }[];
  /** Pupils the proposal would flag that today's rules do not. */
  newFlags: Flag[];
  /** Pupils today's rules flag that the proposal would not. */
  droppedFlags: Flag[];
  /** Pupils flagged by both, at another step. */
  changedSteps: (Flag & { currentStep: number })[];
}

function countByStep(flags: Iterable<Flag>, schoolId: string): StepCounts {
  const counts: StepCounts = {};
  for (const flag of flags) {
    if (flag.schoolId === schoolId) counts[String(flag.step)] = (counts[String(flag.step)] ?? 0) + 1;
  }
  return counts;
}

const keyOf = (flag: Flag) => `${flag.schoolId}\u0000${flag.pupilId}`;

/** What a proposed rule set would change: flags per school and step, and which pupils come and go. */
export function compareFlags(input: { asOf: string; schoolIds: string[]; current: Flag[]; proposed: Flag[] }): WhatIfReport {
  const current = new Map(input.current.map((flag) => [keyOf(flag), flag]));
  const proposed = new Map(input.proposed.map((flag) => [keyOf(flag), flag]));
  const byPupil = (a: Flag, b: Flag) => a.schoolId.localeCompare(b.schoolId) || a.pupilId.localeCompare(b.pupilId);
  return {
    asOf: input.asOf,
    schools: input.schoolIds.map((schoolId) => ({ schoolId, current: countByStep(current.values(), schoolId), proposed: countByStep(proposed.values(), schoolId) })),
    newFlags: [...proposed.values()].filter((flag) => !current.has(keyOf(flag))).sort(byPupil),
    droppedFlags: [...current.values()].filter((flag) => !proposed.has(keyOf(flag))).sort(byPupil),
    changedSteps: [...proposed.values()]
      .flatMap((flag) => {
        const before = current.get(keyOf(flag));
        return before && before.step !== flag.step ? [{ ...flag, currentStep: before.step }] : [];
      })
      .sort(byPupil),
  };
}
