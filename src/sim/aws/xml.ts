import type { AwsFault } from "../plane/control-plane.js";
import { SERVICE_INFO, type Service } from "./protocol.js";

/**
 * A response body as data: an object's keys are element names in order, an
 * array under a key repeats that element (`{ item: [a, b] }`), undefined drops
 * the element, an empty object or array under a key is an empty element.
 */
export type Xml = string | number | boolean | undefined | readonly Xml[] | { readonly [name: string]: Xml };

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

export function toXml(value: Xml): string {
  if (value === undefined) return "";
  if (typeof value !== "object") return escapeXml(String(value));
  if (isList(value)) return value.map(toXml).join("");
  return Object.entries(value)
    .map(([name, child]) => (isList(child) ? child.map((c) => element(name, c)).join("") : element(name, child)))
    .join("");
}

function element(name: string, value: Xml): string {
  return value === undefined ? "" : `<${name}>${toXml(value)}</${name}>`;
}

function isList(value: Xml): value is readonly Xml[] {
  return Array.isArray(value);
}

/** STS and IAM success (docs/wire.md, STS GetCallerIdentity and IAM GetInstanceProfile); actions without output have no Result element. */
export function queryResponse(service: Service, action: string, result: Xml | null, requestId: string): string {
  const body = result === null ? "" : element(`${action}Result`, result);
  const metadata = element("ResponseMetadata", { RequestId: requestId });
  return `<${action}Response xmlns="${SERVICE_INFO[service].namespace}">${body}${metadata}</${action}Response>`;
}

/** EC2 success (docs/wire.md, EC2 DescribeIamInstanceProfileAssociations): requestId first, then the output, no Result wrapper. */
export function ec2Response(action: string, result: Xml | null, requestId: string): string {
  const body = toXml({ requestId }) + (result === null ? "" : toXml(result));
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${SERVICE_INFO.ec2.namespace}">${body}</${action}Response>`;
}

/** The Query error envelope of STS and IAM (docs/wire.md, Query errors) or EC2's, with RequestID spelt its way. */
export function errorResponse(service: Service, fault: AwsFault, requestId: string): string {
  if (service === "ec2") {
    const errors = toXml({ Errors: { Error: { Code: fault.code, Message: fault.message } }, RequestID: requestId });
    return `<?xml version="1.0" encoding="UTF-8"?>\n<Response>${errors}</Response>`;
  }
  const type = fault.status >= 500 ? "Receiver" : "Sender";
  const error = toXml({ Error: { Type: type, Code: fault.code, Message: fault.message }, RequestId: requestId });
  return `<ErrorResponse xmlns="${SERVICE_INFO[service].namespace}">${error}</ErrorResponse>`;
}
