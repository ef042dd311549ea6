/**
 * A reader for the small XML documents the Query APIs answer with (docs/wire.md:
 * STS GetCallerIdentity to EC2 DescribeIamInstanceProfileAssociations): elements, text, entities, CDATA, comments, a prolog. Attributes
 * (only `xmlns` in practice) are skipped; a DOCTYPE is refused, since AWS never
 * sends one and it is the door to entity-expansion tricks. It is ours, not the
 * SDK's parser, which its package marks internal and which comes with the SDK's weight.
 */
import { XmlError } from "../errors.js";

export { XmlError };

export interface XmlElement {
  name: string;
  /** The text directly inside the element, entities decoded, not trimmed (as the SDK reads it). */
  text: string;
  children: XmlElement[];
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref.startsWith("#x")) return character(whole, parseInt(ref.slice(2), 16));
    if (ref.startsWith("#")) return character(whole, parseInt(ref.slice(1), 10));
    const named = ENTITIES[ref];
    if (named === undefined) throw new XmlError(`unknown entity ${whole}`);
    return named;
  });
}

/**
 * A character reference may only name a character XML allows (XML 1.0, production Char): not NUL,
 * a surrogate, U+FFFE or U+FFFF, nor anything past U+10FFFF, where String.fromCodePoint would
 * throw a RangeError instead of this parser's own error.
 */
function character(whole: string, code: number): string {
  const allowed = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
  if (!allowed) throw new XmlError(`character reference ${whole.length > 20 ? `${whole.slice(0, 17)}...` : whole} names no XML character`);
  return String.fromCodePoint(code);
}

/** Index just past `end`, searching from `from`; throws when it never comes. */
function skipPast(xml: string, from: number, end: string): number {
  const at = xml.indexOf(end, from);
  if (at < 0) throw new XmlError(`unterminated ${JSON.stringify(end)}`);
  return at + end.length;
}

interface Doc {
  stack: XmlElement[];
  root: XmlElement | undefined;
}

/** Parses a whole document and returns its root element. Throws XmlError when it is not well-formed. */
export function parseXml(xml: string): XmlElement {
  const doc: Doc = { stack: [], root: undefined };
  let i = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < xml.length) {
    const open = xml.indexOf("<", i);
    addText(doc, decode(xml.slice(i, open < 0 ? xml.length : open)));
    if (open < 0) break;
    i = readMarkup(xml, open, doc);
  }
  if (!doc.root || doc.stack.length > 0) throw new XmlError(doc.root ? `<${doc.stack.at(-1)?.name}> is not closed` : "no root element");
  return doc.root;
}

function addText(doc: Doc, text: string): void {
  const top = doc.stack.at(-1);
  if (top) top.text += text;
  else if (text.trim() !== "") throw new XmlError("text outside the root element");
}

/** Reads the markup that starts at `open`; returns the index just past it. */
function readMarkup(xml: string, open: number, doc: Doc): number {
  if (xml.startsWith("<?", open)) return skipPast(xml, open, "?>");
  if (xml.startsWith("<!--", open)) return skipPast(xml, open, "-->");
  if (xml.startsWith("<![CDATA[", open)) {
    const end = skipPast(xml, open, "]]>");
    if (doc.stack.length === 0) throw new XmlError("CDATA outside the root element");
    addText(doc, xml.slice(open + 9, end - 3));
    return end;
  }
  if (xml.startsWith("<!", open)) throw new XmlError("DOCTYPE and declarations are not accepted");
  const end = skipPast(xml, open, ">");
  if (xml.startsWith("</", open)) closeElement(doc, xml.slice(open + 2, end - 1).trim());
  else openElement(doc, xml.slice(open + 1, end - 1));
  return end;
}

function openElement(doc: Doc, tag: string): void {
  const name = /^[^\s/>]+/.exec(tag)?.[0];
  if (name === undefined) throw new XmlError("an element without a name");
  const element: XmlElement = { name, text: "", children: [] };
  const parent = doc.stack.at(-1);
  if (parent) parent.children.push(element);
  else if (doc.root) throw new XmlError("a second root element");
  else doc.root = element;
  if (!tag.endsWith("/")) doc.stack.push(element);
}

function closeElement(doc: Doc, name: string): void {
  if (doc.stack.pop()?.name !== name) throw new XmlError(`unexpected </${name}>`);
}

export function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}

export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}

/** The text of the first child named `name`; undefined when there is none. */
export function textOf(element: XmlElement, name: string): string | undefined {
  return child(element, name)?.text;
}
