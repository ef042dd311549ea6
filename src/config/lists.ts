/** Parsers for options that hold several values: the regions and the roles of `rolewatch account`. */
import { ROLE_ARN } from "../formats.js";
import { accept, reject, scalarText, showRaw, type Parser } from "./parsers.js";

/**
 * A list of `item`s: a YAML sequence in the file, comma-separated text in the environment and
 * in flags. Duplicates are dropped, in order; at most `max` items.
 */
export function list<T>(item: Parser<T>, options: { max: number; metavar: string }): Parser<T[]> {
  return {
    kind: "value",
    metavar: options.metavar,
    allowed: `a list (YAML, or comma-separated) of up to ${options.max} of: ${item.allowed}`,
    parse(raw) {
      const items = Array.isArray(raw) ? raw : splitText(raw);
      if (items === null) return reject();
      const values: T[] = [];
      for (const one of items) {
        const parsed = item.parse(one);
        if (!parsed.ok) return reject(`${showRaw(one)} is not ${item.allowed}`);
        if (!values.some((v) => item.format(v) === item.format(parsed.value))) values.push(parsed.value);
      }
      return values.length > options.max ? reject(`more than ${options.max}`) : accept(values);
    },
    format: (values) => values.map((v) => item.format(v)).join(","),
  };
}

function splitText(raw: unknown): string[] | null {
  const text = scalarText(raw);
  if (text === null) return null;
  return text === "" ? [] : text.split(",").map((part) => part.trim());
}

/** An IAM role ARN (`arn:aws:iam::111122223333:role/Name`), as sts:AssumeRole takes it. */
export const roleArn: Parser<string> = {
  kind: "value",
  metavar: "ARN",
  allowed: "an IAM role ARN such as arn:aws:iam::111122223333:role/rolewatch-account",
  parse(raw) {
    const text = scalarText(raw) ?? "";
    return ROLE_ARN.test(text) ? accept(text) : reject();
  },
  format: (value) => value,
};
