/** What Teams' card markdown acts on: emphasis, code, strike-through and the escape itself; and a link's `](`. */
const MARKDOWN = /[\\*_~`]|\](?=\()/g;
/** A web address becomes a link in Teams even without markdown: a zero-width space after the scheme stops that. */
const ADDRESS = /(\b[a-z][a-z0-9+.-]*:)\/\//gi;
const WWW = /\b(www)\./gi;

/**
 * Text as it was written, shown as text: a teacher's note, a name from the roster or a school's name cannot become a
 * link, bold text or a list item in a card. The characters stay readable (escaped, not removed).
 */
export function inertText(text: string): string {
  return text.replace(MARKDOWN, (character) => `\\${character}`).replace(ADDRESS, "$1/\u200b/").replace(WWW, "$1\u200b.");
}

type Json = unknown;

/**
 * Every text a card renders as markdown (a TextBlock's text, a fact's title and value), made inert. The message
 * catalogues use no markdown, so nothing meant as formatting is lost.
 */
export function inertCard<T>(card: T): T {
  const visit = (node: Json): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (!node || typeof node !== "object") return;
    const element = node as Record<string, Json>;
    if (element.type === "TextBlock" && typeof element.text === "string") element.text = inertText(element.text);
    if (element.type === "FactSet" && Array.isArray(element.facts)) {
      for (const fact of element.facts as Record<string, Json>[]) {
        if (typeof fact.title === "string") fact.title = inertText(fact.title);
        if (typeof fact.value === "string") fact.value = inertText(fact.value);
      }
    }
    for (const [key, value] of Object.entries(element)) if (key !== "data" && key !== "facts") visit(value);
  };
  visit(card);
  return card;
}
