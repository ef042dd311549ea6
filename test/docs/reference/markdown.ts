/** Small Markdown helpers of the generated references. */

/** Inline code, with any backtick in the text fenced by a longer run. */
export function code(text: string): string {
  const fence = text.includes("`") ? "``" : "`";
  const pad = fence.length > 1 ? " " : "";
  return `${fence}${pad}${text.replaceAll("|", "\\|")}${pad}${fence}`;
}

/** Text in a table cell: pipes escaped, no line breaks. */
export function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}
