/**
 * Reads a Bicep file at the level of its tokens, enough to check infra/main.bicep without the Bicep CLI: strings
 * (with \' escapes, ${} interpolation and ''' multi-line strings), comments, balanced brackets, and the top-level
 * declarations (param, var, resource, output) with their decorators.
 */

/** A string literal: where it is, and its text with escapes resolved and interpolations as written. */
export interface BicepString {
  /** Offset of the opening quote. */
  start: number;
  /** Offset just after the closing quote. */
  end: number;
  value: string;
}

export interface BicepSource {
  text: string;
  /** The text with comments and the characters inside string literals blanked (quotes and interpolated expressions
   * kept), so that words in strings and comments are never read as code; offsets are those of `text`. */
  code: string;
  strings: BicepString[];
  /** Offset of every opening bracket in `code` -> offset of its closing bracket. */
  closing: Map<number, number>;
}

export class BicepSyntaxError extends Error {
  override name = "BicepSyntaxError";
}

const ESCAPES: Record<string, string> = { "'": "'", "\\": "\\", n: "\n", r: "\r", t: "\t", $: "$" };
const PAIRS: Record<string, string> = { "(": ")", "[": "]", "{": "}" };

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split("\n").length;
}

/** Tokenizes the file; a string, comment, interpolation or bracket that does not close is an error with its line. */
export function readBicep(text: string): BicepSource {
  const code = text.split("");
  const strings: BicepString[] = [];
  let i = 0;
  const fail = (offset: number, message: string): never => {
    throw new BicepSyntaxError(`line ${lineOf(text, offset)}: ${message}`);
  };
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (code[k] !== "\n") code[k] = " ";
  };

  /** Code up to the end of the file or, inside an interpolation, up to its closing brace. */
  const scanCode = (inInterpolation: boolean): void => {
    let depth = 0;
    while (i < text.length) {
      if (text.startsWith("//", i)) {
        const end = text.indexOf("\n", i);
        const stop = end === -1 ? text.length : end;
        blank(i, stop);
        i = stop;
      } else if (text.startsWith("/*", i)) {
        const end = text.indexOf("*/", i + 2);
        if (end === -1) fail(i, "a /* comment is not closed");
        blank(i, end + 2);
        i = end + 2;
      } else if (text[i] === "'") {
        scanString();
      } else if (inInterpolation && text[i] === "}" && depth === 0) {
        return;
      } else {
        if (inInterpolation && text[i] === "{") depth++;
        if (inInterpolation && text[i] === "}") depth--;
        i++;
      }
    }
  };

  const scanString = (): void => {
    const start = i;
    if (text.startsWith("'''", i)) {
      const end = text.indexOf("'''", i + 3);
      if (end === -1) fail(start, "a ''' string is not closed");
      blank(i + 3, end);
      strings.push({ start, end: end + 3, value: text.slice(i + 3, end) });
      i = end + 3;
      return;
    }
    let value = "";
    i++;
    for (;;) {
      if (i >= text.length || text[i] === "\n") fail(start, "a string is not closed on its line");
      if (text[i] === "\\") {
        const escaped = text[i + 1] ?? "";
        if (escaped === "u" && text[i + 2] === "{") {
          const close = text.indexOf("}", i);
          const codePoint = Number.parseInt(text.slice(i + 3, close), 16);
          if (close === -1 || Number.isNaN(codePoint)) fail(i, "a \\u{...} escape is not a code point");
          value += String.fromCodePoint(codePoint);
          blank(i, close + 1);
          i = close + 1;
        } else {
          const resolved = ESCAPES[escaped];
          if (resolved === undefined) fail(i, `\\${escaped} is not an escape Bicep knows`);
          value += resolved;
          blank(i, i + 2);
          i += 2;
        }
      } else if (text[i] === "'") {
        i++;
        if (text[i] === "'") fail(i, "two quotes in a row: Bicep writes a quote inside a string as \\'");
        break;
      } else if (text.startsWith("${", i)) {
        const open = i;
        blank(i, i + 2);
        i += 2;
        scanCode(true);
        if (i >= text.length) fail(open, "an interpolation ${...} is not closed");
        code[i] = " ";
        i++;
        value += text.slice(open, i);
      } else {
        value += text[i];
        code[i] = " ";
        i++;
      }
    }
    strings.push({ start, end: i, value });
  };

  scanCode(false);
  const blanked = code.join("");
  const closing = new Map<number, number>();
  const open: number[] = [];
  for (let k = 0; k < blanked.length; k++) {
    const c = blanked[k] ?? "";
    if (c in PAIRS) open.push(k);
    else if (c === ")" || c === "]" || c === "}") {
      const opener = open.pop();
      if (opener === undefined) fail(k, `${c} closes nothing`);
      else if (PAIRS[blanked[opener] ?? ""] !== c) fail(k, `${c} closes the ${blanked[opener]} of line ${lineOf(text, opener)}`);
      else closing.set(opener, k);
    }
  }
  const unclosed = open.pop();
  if (unclosed !== undefined) fail(unclosed, `${blanked[unclosed]} is not closed`);
  strings.sort((a, b) => a.start - b.start);
  return { text, code: blanked, strings, closing };
}

export interface Decorator {
  name: string;
  /** The string literals among its arguments, e.g. the description or the allowed values. */
  strings: string[];
}

export interface Declaration {
  keyword: "param" | "var" | "resource" | "output";
  /** The symbolic name; undefined when the declaration has none. */
  name: string | undefined;
  line: number;
  decorators: Decorator[];
}

export interface Parameter extends Declaration {
  keyword: "param";
  /** The default value as written, if any. */
  defaultValue: string | undefined;
}

export interface Resource extends Declaration {
  keyword: "resource";
  /** The type as written, e.g. Microsoft.Web/sites@2023-12-01. */
  type: string;
  /** Offsets of the braces of its body. */
  body: { from: number; to: number };
}

/** One entry of a web app's appSettings: its name, and its value as written with the strings in it. */
export interface AppSetting {
  name: string;
  value: string;
  strings: string[];
}

const IDENTIFIER = "[A-Za-z_][A-Za-z0-9_]*";

/** A Bicep file: its tokens, its declarations, and the questions a test asks about it. */
export class BicepFile {
  readonly source: BicepSource;
  readonly declarations: Declaration[] = [];
  private readonly opening = new Map<number, number>();
  private readonly declaredAt = new Set<number>();

  constructor(text: string) {
    this.source = readBicep(text);
    for (const [open, close] of this.source.closing) this.opening.set(close, open);
    const keyword = /^(param|var|resource|output)\b/gm;
    for (const match of this.source.code.matchAll(keyword)) {
      if (this.depthAt(match.index) === 0) this.declarations.push(this.declarationAt(match.index, match[1] as Declaration["keyword"]));
    }
  }

  get parameters(): Parameter[] {
    return this.declarations.filter((d): d is Parameter => d.keyword === "param");
  }

  get resources(): Resource[] {
    return this.declarations.filter((d): d is Resource => d.keyword === "resource");
  }

  get variables(): Declaration[] {
    return this.declarations.filter((d) => d.keyword === "var");
  }

  get outputs(): Declaration[] {
    return this.declarations.filter((d) => d.keyword === "output");
  }

  resource(name: string): Resource {
    const found = this.resources.find((r) => r.name === name);
    if (!found) throw new Error(`no resource ${name}`);
    return found;
  }

  /** Resources of a type (without API version), e.g. Microsoft.Web/sites. */
  resourcesOfType(type: string): Resource[] {
    return this.resources.filter((r) => r.type.split("@")[0] === type);
  }

  /** The values written for a property key anywhere in the file or in one resource's body, e.g. `location`. */
  valuesOf(key: string, within?: Resource): string[] {
    const { from, to } = within?.body ?? { from: 0, to: this.source.code.length };
    const pattern = new RegExp(`(?<![\\w.])${key}:`, "g");
    const values: string[] = [];
    for (const match of this.source.code.slice(from, to).matchAll(pattern)) values.push(this.expressionAt(from + match.index + match[0].length));
    return values;
  }

  /** Every `x.member`, `parent: x`, `scope: x` and `dependsOn: [x]` in the code, with its line. */
  references(): { symbol: string; member: string | undefined; line: number }[] {
    const { code, text } = this.source;
    const found: { symbol: string; member: string | undefined; line: number }[] = [];
    for (const match of code.matchAll(new RegExp(`(?<![\\w.])(${IDENTIFIER})\\.(${IDENTIFIER})`, "g"))) {
      found.push({ symbol: match[1] ?? "", member: match[2], line: lineOf(text, match.index) });
    }
    for (const match of code.matchAll(new RegExp(`\\b(?:parent|scope):\\s*(${IDENTIFIER})\\b(?!\\s*\\()`, "g"))) {
      found.push({ symbol: match[1] ?? "", member: undefined, line: lineOf(text, match.index) });
    }
    for (const match of code.matchAll(/\bdependsOn:\s*\[/g)) {
      const open = match.index + match[0].length - 1;
      const list = code.slice(open + 1, this.source.closing.get(open));
      for (const symbol of list.match(new RegExp(IDENTIFIER, "g")) ?? []) found.push({ symbol, member: undefined, line: lineOf(text, open) });
    }
    return found;
  }

  /** How often a parameter or variable is used, not counting where it (or an output of that name) is declared. */
  uses(symbol: string): number {
    const pattern = new RegExp(`(?<![\\w.])${symbol}\\b(?!:)`, "g");
    return [...this.source.code.matchAll(pattern)].filter((match) => !this.declaredAt.has(match.index)).length;
  }

  /** The entries of the first `appSettings: [...]` in the file. */
  appSettings(): AppSetting[] {
    const { code, closing } = this.source;
    const start = code.search(/\bappSettings:\s*\[/);
    if (start === -1) return [];
    const open = code.indexOf("[", start);
    const close = closing.get(open) ?? open;
    const settings: AppSetting[] = [];
    for (let k = open + 1; k < close; k++) {
      if (code[k] !== "{") continue;
      const end = closing.get(k) ?? k;
      const entry = code.slice(k, end);
      const name = /(?<![\w.])name:\s*'/.exec(entry);
      const value = /(?<![\w.])value:\s*/.exec(entry);
      const nameString = name ? this.stringAt(k + name.index + name[0].length - 1) : undefined;
      const valueFrom = value ? k + value.index + value[0].length : end;
      const valueText = this.expressionAt(valueFrom);
      settings.push({
        name: nameString?.value ?? "",
        value: valueText,
        strings: this.source.strings.filter((s) => s.start >= valueFrom && s.end <= valueFrom + valueText.length).map((s) => s.value),
      });
      k = end;
    }
    return settings;
  }

  private stringAt(offset: number): BicepString | undefined {
    return this.source.strings.find((s) => s.start === offset);
  }

  private depthAt(offset: number): number {
    let depth = 0;
    for (const [open, close] of this.source.closing) if (open < offset && offset < close) depth++;
    return depth;
  }

  /** The expression that starts at an offset, as written: up to the end of its line, a comma or a closing bracket. */
  private expressionAt(from: number): string {
    const { code, text } = this.source;
    let k = from;
    while (k < code.length) {
      const c = code[k] ?? "";
      if (c === "\n" || c === "," || c === ")" || c === "]" || c === "}") break;
      k = c in PAIRS ? (this.source.closing.get(k) ?? k) + 1 : k + 1;
    }
    return text.slice(from, from + code.slice(from, k).trimEnd().length).trim();
  }

  private declarationAt(offset: number, keyword: Declaration["keyword"]): Parameter | Resource | Declaration {
    const { code, text } = this.source;
    const line = lineOf(text, offset);
    const decorators = this.decoratorsBefore(offset);
    const named = new RegExp(`${keyword}\\s+(${IDENTIFIER})`, "y");
    named.lastIndex = offset;
    const match = named.exec(code);
    const name = match?.[1];
    if (match) this.declaredAt.add(offset + match[0].length - (name ?? "").length);
    const afterName = match ? offset + match[0].length : offset + keyword.length;
    if (keyword === "param") {
      const rest = code.slice(afterName, code.indexOf("\n", afterName) === -1 ? code.length : code.indexOf("\n", afterName));
      const equals = rest.indexOf("=");
      const defaultValue = equals === -1 ? undefined : this.expressionAt(afterName + equals + 1);
      return { keyword, name, line, decorators, defaultValue } satisfies Parameter;
    }
    if (keyword === "resource") {
      const typeString = this.stringAt(code.indexOf("'", afterName));
      const brace = code.indexOf("{", typeString?.end ?? afterName);
      return { keyword, name, line, decorators, type: typeString?.value ?? "", body: { from: brace, to: this.source.closing.get(brace) ?? brace } } satisfies Resource;
    }
    return { keyword, name, line, decorators };
  }

  /** The decorators written above a declaration, e.g. @description('...') and @allowed([...]). */
  private decoratorsBefore(offset: number): Decorator[] {
    const { code } = this.source;
    const decorators: Decorator[] = [];
    let k = offset;
    for (;;) {
      while (k > 0 && /\s/.test(code[k - 1] ?? "")) k--;
      if (code[k - 1] !== ")") return decorators;
      const open = this.opening.get(k - 1);
      if (open === undefined) return decorators;
      const head = new RegExp(`@(${IDENTIFIER})\\s*$`).exec(code.slice(0, open));
      if (!head) return decorators;
      decorators.unshift({
        name: head[1] ?? "",
        strings: this.source.strings.filter((s) => s.start > open && s.end < k).map((s) => s.value),
      });
      k = head.index;
    }
  }
}
