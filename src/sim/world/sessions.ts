import { ids, type Random } from "./random.js";

/** The name STS gives the instance identity role (docs/wire.md, Instance identity role). */
export const IDENTITY_ROLE_NAME = "aws:ec2-instance";

/**
 * A role session as STS knows it. IMDS serves its keys; the STS simulator
 * looks it up by AccessKeyId to verify signatures and answer GetCallerIdentity.
 */
export interface Session {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  accountId: string;
  roleName: string;
  /** null for the instance identity role, which is not an IAM role. */
  roleId: string | null;
  /** EC2 names instance-profile sessions after the instance id (docs/wire.md, STS GetCallerIdentity). */
  sessionName: string;
  /** `ec2:RoleDelivery`: "1.0" for credentials served to IMDSv1, "2.0" for IMDSv2 (docs/wire.md, Credential delivery). */
  roleDelivery: "1.0" | "2.0";
  issuedAt: number;
  expiresAt: number;
}

export type SessionSubject = Pick<Session, "accountId" | "roleName" | "roleId" | "sessionName" | "roleDelivery">;

/** Every session ever minted, kept after expiry so STS can answer ExpiredToken rather than InvalidClientTokenId. */
export class SessionRegistry {
  readonly #byKey = new Map<string, Session>();

  constructor(private readonly random: Random) {}

  /** Times are kept in whole seconds, as IMDS and STS print them, so that what is shown is what is enforced. */
  mint(subject: SessionSubject, at: number, lifetimeMs: number): Session {
    const issuedAt = Math.floor(at / 1000) * 1000;
    const session: Session = {
      ...subject,
      accessKeyId: ids.accessKeyId(this.random),
      secretAccessKey: ids.secretAccessKey(this.random),
      sessionToken: ids.sessionToken(this.random),
      issuedAt,
      expiresAt: issuedAt + lifetimeMs,
    };
    this.#byKey.set(session.accessKeyId, session);
    return session;
  }

  /** A session minted elsewhere (an AWS backend), kept so that its secrets are known to a leak scan. */
  register(session: Session): void {
    this.#byKey.set(session.accessKeyId, session);
  }

  get(accessKeyId: string): Session | undefined {
    return this.#byKey.get(accessKeyId);
  }

  all(): IterableIterator<Session> {
    return this.#byKey.values();
  }

  get size(): number {
    return this.#byKey.size;
  }
}
