/** Norsk bokmål: the default language, and the list of every message key. */
export const nb = {
  "bot.welcome":
    "Hei! Jeg er Tidlig. Jeg sier fra når en av elevene dine når fraværsgrensen kommunen har avtalt, og hjelper deg med neste steg i fraværsrutinen.",
  "bot.unknownMessage":
    "Jeg har ingen kommandoer for deg ennå. Du får et kort fra meg når en av elevene dine trenger oppfølging.",

  "card.followUp.title": "Fravær å følge opp: {{name}} ({{group}})",
  "card.followUp.reason": "{{daysAbsent}} av {{schoolDays}} skoledager borte ({{percent}} %) fra {{from}} til {{to}}.",
  "card.followUp.rule":
    "Grensen er {{threshold}} % hele dager borte de siste {{window}} skoledagene. Dokumentert og udokumentert fravær telles sammen.",
  "card.followUp.intro": "Rutinen ber deg følge opp nå. Svar på spørsmålene – det tar under ett minutt.",
  "card.followUp.due": "Svar innen {{dueOn}}. Etter fristen får skoleledelsen beskjed.",
  "card.followUp.submit": "Send svar",
  "card.followUp.problems": "Noe mangler eller er feil. Se merknadene under.",

  "question.guardiansContacted.label": "Har du kontaktet foresatte?",
  "question.guardiansContactedOn.label": "Når kontaktet du foresatte?",
  "question.cause.label": "Er årsaken til fraværet kjent?",
  "question.pupilHeard.label": "Har eleven selv fått si hva hen mener?",
  "option.guardiansContacted.yes": "Ja",
  "option.guardiansContacted.no": "Nei, ikke ennå",
  "option.cause.known": "Kjent",
  "option.cause.vague": "Uklar",
  "option.cause.unknown": "Ukjent",
  "option.pupilHeard.yes": "Ja",
  "option.pupilHeard.no": "Nei, ikke ennå",

  "problem.required": "Svar på dette spørsmålet.",
  "problem.invalid-option": "Velg et av alternativene.",
  "problem.invalid-date": "Skriv en gyldig dato.",
  "problem.future-date": "Datoen kan ikke være fram i tid.",

  "card.answered.title": "Besvart: {{name}} ({{group}})",
  "card.answered.meta": "Besvart {{at}}. Takk! Neste steg i rutinen er møte med foresatte og elev.",
  "card.answered.none": "–",

  "card.escalated.title": "Ubesvart sak: {{name}} ({{group}}, {{school}})",
  "card.escalated.body":
    "Kontaktlæreren har ikke svart innen fristen {{dueOn}}. Saken ble åpnet {{openedOn}} ({{days}} skoledager siden).",
  "card.escalated.action": "Følg opp med kontaktlæreren, og sørg for at foresatte blir kontaktet.",

  "answer.refused": "Bare elevens kontaktlærer kan svare på denne saken. Ingenting er endret.",
  "answer.caseNotFound": "Fant ikke saken. Den kan være lukket. Ingenting er endret.",
  "answer.invalid": "Svaret kunne ikke leses. Åpne kortet på nytt og prøv igjen.",

  "run.summary": "Nattlig kjøring for {{asOf}}: {{rows}} rader lest, {{accepted}} importert, {{rejectedCount}} avvist.",
  "run.cases": "Saker åpnet: {{casesOpened}}. Saker eskalert: {{casesEscalated}}. Meldinger i kø: {{notificationsQueued}}.",
  "run.dryRun": "Prøvekjøring: ingenting er lagret, og ingen meldinger er lagt i kø.",
  "run.rejectedRow": "Linje {{line}}: {{reason}}",
  "run.rosterRejectedRow": "Elevlisten, linje {{line}}: {{reason}}",
  "run.skipped": "En annen nattlig kjøring pågår. Denne gjorde ingenting.",
  "run.fileRejected": "Filen {{file}} ble avvist: {{reason}}. Ingenting er endret.",
  "feed.unknownPupil": "ukjent elev: pupil_id finnes ikke i elevlisten",
  "feed.invalidDate": "«{{value}}» er ikke en gyldig dato (skriv ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ)",
  "feed.notSchoolDay": "{{date}} er ikke en skoledag ({{why}})",
  "feed.invalidKind": "ukjent fraværstype «{{value}}» (tillatt: day, lesson, late, left_early, present_not_participating, present)",
  "feed.invalidDocumented": "ukjent verdi «{{value}}» i documented (tillatt: yes, no, pending)",
  "feed.missingValue": "kolonnen {{column}} er tom",
  "feed.invalidNumber": "{{column}} må være et helt tall fra {{min}} til {{max}}",
  "why.weekend": "helg",
  "why.public-holiday": "helligdag",
  "why.closed": "skolen er stengt",
  "why.outside-school-year": "utenfor skoleåret",
  "roster.unknownSchool": "ukjent skole «{{value}}» (finnes ikke i organisasjonsfilen)",
  "roster.duplicatePupil": "eleven står allerede i elevlisten på linje {{first}}",
  "file.notFound": "filen finnes ikke",
  "file.empty": "filen er tom",
  "file.binary": "filen er ikke en tekstfil",
  "file.missingColumns": "påkrevde kolonner mangler: {{columns}}",
  "file.unreadable": "filen kunne ikke leses: {{detail}}",
  "file.invalidOrganisation": "organisasjonsfilen er ugyldig: {{detail}}",
} as const;

export type MessageKey = keyof typeof nb;
