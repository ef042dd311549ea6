import { AwsFault } from "../plane/control-plane.js";
import type { Params } from "./params.js";

/**
 * How IAM and EC2 split a list into pages. Both tokens are opaque to clients;
 * here IAM's Marker names the last item of the previous page, so pages stay
 * whole while items come and go, and EC2's NextToken is where it stopped.
 */

export interface Page<T> {
  items: T[];
  /** The token for the next page; undefined on the last. */
  next: string | undefined;
}

const encode = (text: string) => Buffer.from(text, "utf8").toString("base64url");
const decode = (token: string) => Buffer.from(token, "base64url").toString("utf8");

/**
 * MaxItems 1-1000, default 100, and Marker (IAM API Reference, ListInstanceProfiles
 * and ListRolePolicies). `items` must be in key order; a page starts after the Marker's key.
 */
export function iamPage<T>(params: Params, items: readonly T[], keyOf: (item: T) => string): Page<T> {
  const max = params.integer("MaxItems") ?? 100;
  if (max < 1 || max > 1000) throw new AwsFault("ValidationError", `1 validation error detected: Value '${max}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000`, 400);
  const marker = params.get("Marker");
  let from = 0;
  if (marker !== undefined) {
    const after = decode(marker);
    if (marker === "" || encode(after) !== marker) throw new AwsFault("ValidationError", "Invalid Marker", 400);
    from = items.findIndex((item) => keyOf(item) > after);
    if (from < 0) from = items.length;
  }
  const page = items.slice(from, from + max);
  const last = page.at(-1);
  return { items: page, next: from + max < items.length && last !== undefined ? encode(keyOf(last)) : undefined };
}

/** MaxResults 5-1000 (botocore model; without it, every item); NextToken is where the previous page stopped. */
export function ec2Page<T>(params: Params, items: readonly T[]): Page<T> {
  const max = params.integer("MaxResults");
  if (max !== undefined && (max < 5 || max > 1000)) {
    throw new AwsFault("InvalidParameterValue", `Value ( ${max} ) for parameter maxResults is invalid. Parameter must be between 5 and 1000.`, 400);
  }
  const token = params.get("NextToken");
  const from = token ? Number(decode(token)) : 0;
  if (!Number.isInteger(from) || from < 0 || from > items.length) throw new AwsFault("InvalidParameterValue", `The token '${token}' is invalid`, 400);
  const to = max === undefined ? items.length : Math.min(items.length, from + max);
  return { items: items.slice(from, to), next: to < items.length ? encode(String(to)) : undefined };
}
