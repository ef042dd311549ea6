// Rewrites the option table in README.md from the code's own table (src/config/options.ts).
// Run through `npm run readme`; test/docs/readme.test.ts fails when the two differ.
import { readFileSync, writeFileSync } from "node:fs";
import { optionsMarkdown } from "../dist/config.js";

const file = new URL("../README.md", import.meta.url);
const block = /(<!-- options:begin -->)[\s\S]*(<!-- options:end -->)/;
const readme = readFileSync(file, "utf8");
if (!block.test(readme)) throw new Error("README.md has no <!-- options:begin --> ... <!-- options:end --> block");
writeFileSync(file, readme.replace(block, (_, begin, end) => `${begin}\n${optionsMarkdown().trim()}\n${end}`));
