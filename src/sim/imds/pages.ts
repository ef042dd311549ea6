/**
 * Bodies as real IMDS writes them (docs/wire.md, IMDS status codes and IMDS bodies): XHTML error pages,
 * and JSON with two-space indent and " : " separators, no trailing newline.
 */

/** The captured 404 page, byte for byte (339 bytes); other statuses follow the same template. */
export function errorPage(status: number, reason: string): string {
  return (
    '<?xml version="1.0" encoding="iso-8859-1"?>\n' +
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"\n' +
    '\t\t "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n' +
    '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">\n' +
    " <head>\n" +
    `  <title>${status} - ${reason}</title>\n` +
    " </head>\n" +
    " <body>\n" +
    `  <h1>${status} - ${reason}</h1>\n` +
    " </body>\n" +
    "</html>\n"
  );
}

export type AwsJsonValue = string | null | readonly string[];

/** `{\n  "Key" : "value",\n ...\n}`, keys in the order given. */
export function awsJson(fields: Record<string, AwsJsonValue>): string {
  const lines = Object.entries(fields).map(([key, value]) => `  ${JSON.stringify(key)} : ${jsonValue(value)}`);
  return `{\n${lines.join(",\n")}\n}`;
}

function jsonValue(value: AwsJsonValue): string {
  if (value === null || typeof value === "string") return JSON.stringify(value);
  return `[ ${value.map((v) => JSON.stringify(v)).join(", ")} ]`;
}
