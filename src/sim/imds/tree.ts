import { isoSeconds } from "../../clock.js";
import type { Instance } from "../world/model.js";
import type { Session } from "../world/sessions.js";
import type { World } from "../world/world.js";
import { awsJson } from "./pages.js";

/** A metadata directory: a string is a leaf, an object a subdirectory, null a path that is not there. */
export interface Dir {
  [name: string]: string | Dir | null;
}

/** Served but not listed: SDKs that know it ask for it by name (docs/wire.md, Credentials document). */
const UNLISTED = new Set(["security-credentials-extended"]);

export type CredentialsVersion = "1.0" | "2.0";

/**
 * The metadata tree of one instance at one moment: `/latest/meta-data` and
 * `/latest/dynamic` (EC2 User Guide, "Instance metadata categories"). Only
 * `latest` is modelled; it is what every client asks for.
 */
export function metadataTree(world: World, instance: Instance, at: number, version: CredentialsVersion): Dir {
  return {
    latest: {
      dynamic: { "instance-identity": { document: identityDocument(world, instance) } },
      "meta-data": metaData(world, instance, at, version),
    },
  };
}

function metaData(world: World, instance: Instance, at: number, version: CredentialsVersion): Dir {
  const hostname = `ip-${instance.privateIp.replace(/\./g, "-")}.${world.region === "us-east-1" ? "ec2.internal" : `${world.region}.compute.internal`}`;
  return {
    "ami-id": instance.imageId,
    "ami-launch-index": "0",
    "ami-manifest-path": "(unknown)",
    hostname,
    iam: iam(world, instance, at, version),
    "identity-credentials": { ec2: identityCredentials(world, instance, at) },
    "instance-action": "none",
    "instance-id": instance.instanceId,
    "instance-life-cycle": "on-demand",
    "instance-type": instance.instanceType,
    "local-hostname": hostname,
    "local-ipv4": instance.privateIp,
    mac: `0e:${instance.instanceId.slice(-10).match(/../g)?.join(":")}`,
    placement: { "availability-zone": instance.availabilityZone, region: world.region },
    "security-groups": "default",
    services: { domain: "amazonaws.com", partition: "aws" },
  };
}

/**
 * Without an instance profile `iam/` is absent; without a role its credentials are (docs/wire.md, IMDS status codes).
 * The profile is the one of the instance's settled association (world/delivery-rules.ts).
 */
function iam(world: World, instance: Instance, at: number, version: CredentialsVersion): Dir | null {
  const served = world.served(instance.instanceId, at);
  const profile = instance.attached;
  if (!profile && !served) return null;
  const session = served && (version === "2.0" ? served.issue.v2 : served.issue.v1);
  const lastUpdated = served?.issue.issuedAt ?? profile?.associatedAt ?? at;
  const info = profile
    ? awsJson({
        Code: "Success",
        LastUpdated: isoSeconds(lastUpdated),
        InstanceProfileArn: profile.profileArn,
        InstanceProfileId: profile.profileId,
      })
    : null;
  const roleName = served?.role.name;
  return {
    info,
    "security-credentials": roleName && session ? { [roleName]: credentialsJson(session) } : null,
    "security-credentials-extended": roleName && session ? { [roleName]: credentialsJson(session, world.accountId) } : null,
  };
}

function identityCredentials(world: World, instance: Instance, at: number): Dir {
  const session = instance.identity.at(at);
  if (!session) return {};
  return {
    info: awsJson({ Code: "Success", LastUpdated: isoSeconds(session.issuedAt), AccountId: world.accountId }),
    "security-credentials": { "ec2-instance": credentialsJson(session) },
  };
}

/** docs/wire.md, Credentials document key order; the extended path adds AccountId. */
function credentialsJson(session: Session, accountId?: string): string {
  return awsJson({
    Code: "Success",
    LastUpdated: isoSeconds(session.issuedAt),
    Type: "AWS-HMAC",
    AccessKeyId: session.accessKeyId,
    SecretAccessKey: session.secretAccessKey,
    Token: session.sessionToken,
    Expiration: isoSeconds(session.expiresAt),
    ...(accountId === undefined ? {} : { AccountId: accountId }),
  });
}

/** docs/wire.md, Identity document fields, in the order of real two-space captures. */
function identityDocument(world: World, instance: Instance): string {
  return awsJson({
    accountId: world.accountId,
    architecture: "x86_64",
    availabilityZone: instance.availabilityZone,
    billingProducts: null,
    devpayProductCodes: null,
    marketplaceProductCodes: null,
    imageId: instance.imageId,
    instanceId: instance.instanceId,
    instanceType: instance.instanceType,
    kernelId: null,
    pendingTime: isoSeconds(instance.launchedAt),
    privateIp: instance.privateIp,
    ramdiskId: null,
    region: world.region,
    version: "2017-09-30",
  });
}

/**
 * The body at `path` (duplicate slashes already collapsed), or null for 404.
 * A directory answers with its listing with or without a trailing slash; a
 * leaf with a trailing slash is not found.
 */
export function resolve(root: Dir, path: string): string | null {
  const segments = path.split("/").slice(1);
  const wantsListing = segments.at(-1) === "";
  if (wantsListing) segments.pop();
  let node: string | Dir | null | undefined = root;
  for (const segment of segments) {
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, segment)) return null;
    node = node[segment];
  }
  if (node === null || node === undefined) return null;
  if (typeof node === "string") return wantsListing ? null : node;
  return listing(node);
}

/** Items joined by `\n`, no trailing newline, subdirectories ending in `/` (docs/wire.md, IMDS reads). */
function listing(dir: Dir): string {
  return Object.entries(dir)
    .filter(([name, child]) => child !== null && !UNLISTED.has(name))
    .map(([name, child]) => (typeof child === "string" ? name : `${name}/`))
    .join("\n");
}
