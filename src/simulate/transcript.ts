import { DateTime } from "luxon";

type Element = Record<string, unknown>;

const list = (value: unknown): Element[] => (Array.isArray(value) ? (value as Element[]) : []);
const text = (value: unknown): string => (typeof value === "string" ? value : "");

/** An Adaptive Card as a person reads it, in Markdown: text blocks, facts, questions with their choices, buttons. */
export function renderCard(card: Element): string[] {
  const lines: string[] = [];
  renderElements(list(card.body), lines);
  const buttons = list(card.actions).map((action) => `[${text(action.title)}]`);
  if (buttons.length > 0) lines.push("", buttons.join(" "));
  return lines;
}

function renderElements(elements: Element[], lines: string[]): void {
  for (const element of elements) {
    switch (element.type) {
      case "TextBlock":
        if (text(element.text)) lines.push(element.weight === "Bolder" || element.size === "Large" || element.size === "Medium" ? `**${text(element.text)}**` : text(element.text));
        break;
      case "RichTextBlock":
        lines.push(list(element.inlines).map((inline) => text(inline.text)).join(""));
        break;
      case "FactSet":
        for (const fact of list(element.facts)) lines.push(`- ${text(fact.title)}: ${text(fact.value)}`);
        break;
      case "Container":
        renderElements(list(element.items), lines);
        break;
      case "ColumnSet":
        for (const column of list(element.columns)) renderElements(list(column.items), lines);
        break;
      case "Table":
        for (const row of list(element.rows)) {
          const cells = list(row.cells).map((cell) => {
            const inner: string[] = [];
            renderElements(list(cell.items), inner);
            return inner.join(" ");
          });
          lines.push(`| ${cells.join(" | ")} |`);
        }
        break;
      case "Input.ChoiceSet":
        lines.push(`_${text(element.label) || text(element.placeholder) || "Velg"}_: ${list(element.choices).map((choice) => `( ) ${text(choice.title)}`).join("  ")}`);
        break;
      case "Input.Text":
      case "Input.Date":
      case "Input.Number":
      case "Input.Toggle":
        lines.push(`_${text(element.label) || text(element.placeholder) || text(element.title)}_: [ ]`);
        break;
      case "ActionSet":
        lines.push(list(element.actions).map((action) => `[${text(action.title)}]`).join(" "));
        break;
      default:
        break;
    }
  }
}

/** What one activity says: its text, then each card. */
export function renderActivity(activity: Element): string[] {
  const lines: string[] = [];
  if (text(activity.text)) lines.push(text(activity.text));
  for (const attachment of list(activity.attachments)) {
    if (attachment.contentType === "application/vnd.microsoft.card.adaptive") lines.push(...renderCard(attachment.content as Element));
  }
  return lines;
}

/** One thing a person saw, or did, at an instant of the simulated term. */
export interface TranscriptEntry {
  at: string;
  /** "push": sent to them by the product; "reply": the answer to what they just did; "update": a card replaced; "own": what they did. */
  kind: "push" | "reply" | "update" | "own";
  lines: string[];
}

const HEADINGS = { push: "", reply: " (svar)", update: " (kortet oppdateres)", own: " du" } as const;

/** A person's term in Markdown, a heading per day, in the organisation's time zone and Norwegian. */
export function renderTranscript(title: string, entries: TranscriptEntry[], timeZone: string): string {
  const out = [`# ${title}`, ""];
  let heading = "";
  for (const entry of entries) {
    const local = DateTime.fromISO(entry.at, { zone: timeZone }).setLocale("nb");
    const day = local.toFormat("cccc d. LLLL yyyy");
    if (day !== heading) {
      out.push(`## ${day}`, "");
      heading = day;
    }
    out.push(`**${local.toFormat("HH:mm")}**${HEADINGS[entry.kind]}`, "");
    for (const line of entry.lines) out.push(entry.kind === "own" ? `> ${line}` : line);
    out.push("");
  }
  if (entries.length === 0) out.push("_Ingenting denne perioden._", "");
  return out.join("\n");
}
