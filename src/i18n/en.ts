import type { MessageKey } from "./nb";

/** English. */
export const en: Record<MessageKey, string> = {
  "bot.welcome":
    "Hi! I am Tidlig. I let you know when one of your pupils reaches the absence threshold your municipality agreed on, and help you with the next step of the absence routine.",
  "bot.unknownMessage": "I have no commands for you yet. You will get a card from me when one of your pupils needs follow-up.",

  "card.followUp.title": "Absence to follow up: {{name}} ({{group}})",
  "card.followUp.reason": "Absent {{daysAbsent}} of {{schoolDays}} school days ({{percent}} %) from {{from}} to {{to}}.",
  "card.followUp.rule":
    "The threshold is {{threshold}} % whole days absent in the last {{window}} school days. Documented and undocumented absence count together.",
  "card.followUp.intro": "The routine asks you to follow up now. Answer the questions – it takes less than a minute.",
  "card.followUp.due": "Please answer by {{dueOn}}. After the deadline the school's leaders are told.",
  "card.followUp.submit": "Send answer",
  "card.followUp.problems": "Something is missing or wrong. See the notes below.",

  "question.guardiansContacted.label": "Have you contacted the guardians?",
  "question.guardiansContactedOn.label": "When did you contact the guardians?",
  "question.cause.label": "Is the cause of the absence known?",
  "question.pupilHeard.label": "Has the pupil been heard?",
  "option.guardiansContacted.yes": "Yes",
  "option.guardiansContacted.no": "No, not yet",
  "option.cause.known": "Known",
  "option.cause.vague": "Vague",
  "option.cause.unknown": "Unknown",
  "option.pupilHeard.yes": "Yes",
  "option.pupilHeard.no": "No, not yet",

  "problem.required": "Please answer this question.",
  "problem.invalid-option": "Choose one of the options.",
  "problem.invalid-date": "Enter a valid date.",
  "problem.future-date": "The date cannot be in the future.",

  "card.answered.title": "Answered: {{name}} ({{group}})",
  "card.answered.meta": "Answered {{at}}. Thank you! The next step of the routine is a meeting with the guardians and the pupil.",
  "card.answered.none": "–",

  "card.escalated.title": "Unanswered case: {{name}} ({{group}}, {{school}})",
  "card.escalated.body":
    "The contact teacher has not answered by the deadline {{dueOn}}. The case was opened {{openedOn}} ({{days}} school days ago).",
  "card.escalated.action": "Follow up with the contact teacher, and make sure the guardians are contacted.",

  "answer.refused": "Only the pupil's contact teacher can answer this case. Nothing was changed.",
  "answer.caseNotFound": "The case was not found. It may have been closed. Nothing was changed.",
  "answer.invalid": "The answer could not be read. Open the card again and retry.",

  "run.summary": "Nightly run for {{asOf}}: {{rows}} rows read, {{accepted}} imported, {{rejectedCount}} rejected.",
  "run.cases": "Cases opened: {{casesOpened}}. Cases escalated: {{casesEscalated}}. Messages queued: {{notificationsQueued}}.",
  "run.dryRun": "Dry run: nothing was stored and no messages were queued.",
  "run.rejectedRow": "Line {{line}}: {{reason}}",
  "run.rosterRejectedRow": "Roster, line {{line}}: {{reason}}",
  "run.skipped": "Another nightly run is in progress. This one did nothing.",
  "run.fileRejected": "The file {{file}} was rejected: {{reason}}. Nothing was changed.",
  "feed.unknownPupil": "unknown pupil: the pupil_id is not in the roster",
  "feed.invalidDate": "'{{value}}' is not a valid date (write YYYY-MM-DD or DD.MM.YYYY)",
  "feed.notSchoolDay": "{{date}} is not a school day ({{why}})",
  "feed.invalidKind": "unknown kind '{{value}}' (allowed: day, lesson, late, left_early, present_not_participating, present)",
  "feed.invalidDocumented": "unknown documented value '{{value}}' (allowed: yes, no, pending)",
  "feed.missingValue": "the column {{column}} is empty",
  "feed.invalidNumber": "{{column}} must be a whole number from {{min}} to {{max}}",
  "why.weekend": "weekend",
  "why.public-holiday": "public holiday",
  "why.closed": "the school is closed",
  "why.outside-school-year": "outside the school year",
  "roster.unknownSchool": "unknown school '{{value}}' (not in the organisation file)",
  "roster.duplicatePupil": "the pupil is already in the roster on line {{first}}",
  "file.notFound": "the file does not exist",
  "file.empty": "the file is empty",
  "file.binary": "the file is not a text file",
  "file.missingColumns": "required columns are missing: {{columns}}",
  "file.unreadable": "the file could not be read: {{detail}}",
  "file.invalidOrganisation": "the organisation file is invalid: {{detail}}",
};
