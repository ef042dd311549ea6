import type { EC2Client } from "@aws-sdk/client-ec2";
import type { IAMClient } from "@aws-sdk/client-iam";
import type { STSClient } from "@aws-sdk/client-sts";
import { RolewatchError } from "../../errors.js";

/** An AWS implementation standing in for the simulator's own control plane, e.g. a moto_server on loopback. */
export interface AwsBackendOptions {
  /** One endpoint for STS, IAM and EC2, e.g. "http://127.0.0.1:5000". */
  url: string;
  /** Default: the AWS documentation's example key pair, which moto and similar engines accept. */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Default: the scenario's region. */
  region?: string;
  /** How often the association and profile are read between rotations, in the simulator's seconds; default 60. */
  pollSeconds?: number;
}

/** The example key pair of the AWS documentation (IAM User Guide, "Managing access keys"). */
export const EXAMPLE_KEYS = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };

export interface BackendClients {
  sts: STSClient;
  iam: IAMClient;
  ec2: EC2Client;
  sdk: {
    sts: typeof import("@aws-sdk/client-sts");
    iam: typeof import("@aws-sdk/client-iam");
    ec2: typeof import("@aws-sdk/client-ec2");
  };
  /** Closes the clients' sockets. */
  destroy(): void;
}

// Optional dependencies (package.json): npm installs them with rolewatch, the .deb and .rpm leave them out.
const NOT_INSTALLED =
  "--aws-backend needs the AWS SDK for JavaScript's STS, IAM and EC2 clients, which npm installs with rolewatch " +
  "and the .deb and .rpm leave out: run the simulator from npm (npx rolewatch sim --aws-backend URL)";

async function loadSdk(): Promise<BackendClients["sdk"]> {
  try {
    const [sts, iam, ec2] = await Promise.all([import("@aws-sdk/client-sts"), import("@aws-sdk/client-iam"), import("@aws-sdk/client-ec2")]);
    return { sts, iam, ec2 };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND") throw new RolewatchError(NOT_INSTALLED, { cause: error });
    throw error;
  }
}

/**
 * The SDK's own clients, loaded only when a backend is used: the EC2 client
 * alone adds ~70 MB of RSS to a process that would otherwise not need it.
 * Endpoint, region and credentials are explicit, so nothing is taken from the
 * environment a user pointed at this simulator.
 */
export async function backendClients(options: AwsBackendOptions, defaultRegion: string): Promise<BackendClients> {
  const { sts, iam, ec2 } = await loadSdk();
  const config = {
    endpoint: options.url,
    region: options.region ?? defaultRegion,
    credentials: {
      accessKeyId: options.accessKeyId ?? EXAMPLE_KEYS.accessKeyId,
      secretAccessKey: options.secretAccessKey ?? EXAMPLE_KEYS.secretAccessKey,
    },
    maxAttempts: 2,
  };
  const clients = { sts: new sts.STSClient(config), iam: new iam.IAMClient(config), ec2: new ec2.EC2Client(config) };
  return {
    ...clients,
    sdk: { sts, iam, ec2 },
    destroy: () => Object.values(clients).forEach((client) => client.destroy()),
  };
}
