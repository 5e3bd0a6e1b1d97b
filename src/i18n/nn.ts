import type { MessageKey } from "./nb";

/** Norsk nynorsk. */
export const nn: Record<MessageKey, string> = {
  "bot.welcome":
    "Hei! Eg er Tidlig. Eg seier frå når ein av elevane dine når fråværsgrensa kommunen har avtalt, og hjelper deg med neste steg i fråværsrutinen.",
  "bot.unknownMessage":
    "Eg har ingen kommandoar for deg enno. Du får eit kort frå meg når ein av elevane dine treng oppfølging.",

  "card.followUp.title": "Fråvær å følgje opp: {{name}} ({{group}})",
  "card.followUp.reason": "{{daysAbsent}} av {{schoolDays}} skuledagar borte ({{percent}} %) frå {{from}} til {{to}}.",
  "card.followUp.rule":
    "Grensa er {{threshold}} % heile dagar borte dei siste {{window}} skuledagane. Dokumentert og udokumentert fråvær blir talde saman.",
  "card.followUp.intro": "Rutinen ber deg følgje opp no. Svar på spørsmåla – det tek under eitt minutt.",
  "card.followUp.due": "Svar innan {{dueOn}}. Etter fristen får skuleleiinga beskjed.",
  "card.followUp.submit": "Send svar",
  "card.followUp.problems": "Noko manglar eller er feil. Sjå merknadene under.",

  "question.guardiansContacted.label": "Har du kontakta føresette?",
  "question.guardiansContactedOn.label": "Når kontakta du føresette?",
  "question.cause.label": "Er årsaka til fråværet kjend?",
  "question.pupilHeard.label": "Har eleven sjølv fått seie kva hen meiner?",
  "option.guardiansContacted.yes": "Ja",
  "option.guardiansContacted.no": "Nei, ikkje enno",
  "option.cause.known": "Kjend",
  "option.cause.vague": "Uklar",
  "option.cause.unknown": "Ukjend",
  "option.pupilHeard.yes": "Ja",
  "option.pupilHeard.no": "Nei, ikkje enno",

  "problem.required": "Svar på dette spørsmålet.",
  "problem.invalid-option": "Vel eitt av alternativa.",
  "problem.invalid-date": "Skriv ein gyldig dato.",
  "problem.future-date": "Datoen kan ikkje vere fram i tid.",

  "card.answered.title": "Svara: {{name}} ({{group}})",
  "card.answered.meta": "Svara {{at}}. Takk! Neste steg i rutinen er møte med føresette og elev.",
  "card.answered.none": "–",

  "card.escalated.title": "Sak utan svar: {{name}} ({{group}}, {{school}})",
  "card.escalated.body":
    "Kontaktlæraren har ikkje svara innan fristen {{dueOn}}. Saka vart opna {{openedOn}} ({{days}} skuledagar sidan).",
  "card.escalated.action": "Følg opp med kontaktlæraren, og sørg for at føresette blir kontakta.",

  "answer.refused": "Berre kontaktlæraren til eleven kan svare på denne saka. Ingenting er endra.",
  "answer.caseNotFound": "Fann ikkje saka. Ho kan vere lukka. Ingenting er endra.",
  "answer.invalid": "Svaret kunne ikkje lesast. Opne kortet på nytt og prøv igjen.",

  "run.summary": "Nattleg køyring for {{asOf}}: {{rows}} rader lesne, {{accepted}} importerte, {{rejectedCount}} avviste.",
  "run.cases": "Saker opna: {{casesOpened}}. Saker eskalerte: {{casesEscalated}}. Meldingar i kø: {{notificationsQueued}}.",
  "run.dryRun": "Prøvekøyring: ingenting er lagra, og ingen meldingar er lagde i kø.",
  "run.rejectedRow": "Linje {{line}}: {{reason}}",
  "run.rosterRejectedRow": "Elevlista, linje {{line}}: {{reason}}",
  "run.skipped": "Ei anna nattleg køyring held på. Denne gjorde ingenting.",
  "run.fileRejected": "Fila {{file}} vart avvist: {{reason}}. Ingenting er endra.",
  "feed.unknownPupil": "ukjend elev: pupil_id finst ikkje i elevlista",
  "feed.invalidDate": "«{{value}}» er ikkje ein gyldig dato (skriv ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ)",
  "feed.notSchoolDay": "{{date}} er ikkje ein skuledag ({{why}})",
  "feed.invalidKind": "ukjend fråværstype «{{value}}» (tillate: day, lesson, late, left_early, present_not_participating, present)",
  "feed.invalidDocumented": "ukjend verdi «{{value}}» i documented (tillate: yes, no, pending)",
  "feed.missingValue": "kolonnen {{column}} er tom",
  "feed.invalidNumber": "{{column}} må vere eit heilt tal frå {{min}} til {{max}}",
  "why.weekend": "helg",
  "why.public-holiday": "heilagdag",
  "why.closed": "skulen er stengd",
  "why.outside-school-year": "utanfor skuleåret",
  "roster.unknownSchool": "ukjend skule «{{value}}» (finst ikkje i organisasjonsfila)",
  "roster.duplicatePupil": "eleven står allereie i elevlista på linje {{first}}",
  "file.notFound": "fila finst ikkje",
  "file.empty": "fila er tom",
  "file.binary": "fila er ikkje ei tekstfil",
  "file.missingColumns": "påkravde kolonnar manglar: {{columns}}",
  "file.unreadable": "fila kunne ikkje lesast: {{detail}}",
  "file.invalidOrganisation": "organisasjonsfila er ugyldig: {{detail}}",
};
