/** The shape of one row of the configuration table (src/config/options.ts). */
import type { Parser } from "./parsers.js";

export const GROUPS = [
  { id: "imds", title: "Instance metadata (IMDS)" },
  { id: "aws", title: "AWS APIs (STS, IAM, EC2)" },
  { id: "agent", title: "Agent" },
  { id: "account", title: "Account exporter (rolewatch account)" },
] as const;

export type GroupId = (typeof GROUPS)[number]["id"];

export interface OptionSpec<T = unknown, K extends string = string> {
  /** Dotted path in the YAML file: `poll.interval` is `poll: { interval: … }`. */
  readonly key: K;
  readonly group: GroupId;
  /** Long flag name, without the dashes. */
  readonly flag: string;
  /** Read in order, the first set and non-empty wins: ours, then a standard name. */
  readonly env: readonly string[];
  readonly default: T;
  /** The default in words, when it is not a value (see `region`). */
  readonly defaultText?: string;
  readonly parser: Parser<T>;
  readonly help: string;
  /** False only for the option that names the file itself. */
  readonly inFile: boolean;
  /** A value never printed (`rolewatch config show` masks it): a password, a key. */
  readonly secret?: boolean;
}

// The parser alone decides T: a default must fit it, never widen it.
type Fields<T> = Omit<OptionSpec<T>, "key" | "inFile" | "default"> & { default: NoInfer<T>; inFile?: boolean };

export function option<const K extends string, T>(key: K, fields: Fields<T>): OptionSpec<T, K> {
  return { ...fields, key, inFile: fields.inFile ?? true };
}
