import { AwsFault } from "../plane/control-plane.js";
import type { Service } from "./protocol.js";

/**
 * The parameters of a Query request: the URL's query string, then the form
 * body of a POST (docs/wire.md, Query protocol). A later value for the same name wins.
 */
export class Params {
  readonly #values = new Map<string, string>();

  constructor(
    readonly service: Service,
    sources: readonly string[],
  ) {
    for (const source of sources) for (const [name, value] of new URLSearchParams(source)) this.#values.set(name, value);
  }

  /** A value read before the service is known (Action, Version). */
  static peek(sources: readonly string[], name: string): string | undefined {
    return new Params("sts", sources).get(name);
  }

  get(name: string): string | undefined {
    return this.#values.get(name);
  }

  /** A missing required member: IAM and STS say ValidationError with the model's camelCase name, EC2 MissingParameter. */
  required(name: string): string {
    const value = this.#values.get(name);
    if (value !== undefined && value !== "") return value;
    if (this.service === "ec2") throw new AwsFault("MissingParameter", `The request must contain the parameter ${name}`, 400);
    const member = name.charAt(0).toLowerCase() + name.slice(1);
    throw new AwsFault("ValidationError", `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`, 400);
  }

  integer(name: string): number | undefined {
    const value = this.#values.get(name);
    if (value === undefined) return undefined;
    if (!/^-?\d+$/.test(value)) throw new AwsFault(this.service === "ec2" ? "InvalidParameterValue" : "ValidationError", `Invalid value '${value}' for ${name}`, 400);
    return Number(value);
  }

  /** `Prefix.1`, `Prefix.2`, …: EC2's flattened lists (`InstanceId.1`, `AssociationId.1`, `Filter.1.Value.1`). */
  list(prefix: string): string[] {
    return this.#numbered(prefix).map((n) => this.#values.get(`${prefix}.${n}`) ?? "");
  }

  /** `Filter.N.Name` with its `Filter.N.Value.M`, in N order. */
  filters(): { name: string; values: string[] }[] {
    const indexes = new Set<number>();
    for (const key of this.#values.keys()) {
      const match = /^Filter\.(\d+)\./.exec(key);
      if (match) indexes.add(Number(match[1]));
    }
    return [...indexes]
      .sort((a, b) => a - b)
      .map((n) => ({ name: this.#values.get(`Filter.${n}.Name`) ?? "", values: this.list(`Filter.${n}.Value`) }));
  }

  #numbered(prefix: string): number[] {
    const pattern = new RegExp(`^${prefix.replace(/\./g, "\\.")}\\.(\\d+)$`);
    const numbers: number[] = [];
    for (const key of this.#values.keys()) {
      const match = pattern.exec(key);
      if (match) numbers.push(Number(match[1]));
    }
    return numbers.sort((a, b) => a - b);
  }
}
