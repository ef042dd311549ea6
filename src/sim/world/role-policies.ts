/**
 * A role's inline policies (IAM PutRolePolicy), kept by RoleId: a role deleted
 * and re-created under the same name starts with none. Documents are kept
 * verbatim; the simulator reads one statement of them, the deny that IAM's
 * "Revoke active sessions" attaches (docs/wire.md, IAM inline role policies).
 */
export interface RolePolicy {
  name: string;
  /** As given to PutRolePolicy (JSON text). */
  document: string;
  /** Sessions issued before this time are denied everything but STS GetCallerIdentity; null: the policy denies no session. */
  revokesBefore: number | null;
}

export class RolePolicies {
  readonly #byRole = new Map<string, Map<string, RolePolicy>>();

  /** Adds or replaces the policy of that name, as PutRolePolicy does. */
  put(roleId: string, name: string, document: string): RolePolicy {
    const policy = { name, document, revokesBefore: revokesBefore(document) };
    const policies = this.#byRole.get(roleId) ?? new Map<string, RolePolicy>();
    policies.set(name, policy);
    this.#byRole.set(roleId, policies);
    return policy;
  }

  get(roleId: string, name: string): RolePolicy | undefined {
    return this.#byRole.get(roleId)?.get(name);
  }

  /** In name order: IAM documents no order, and a stable one keeps Marker pages stable. */
  list(roleId: string): RolePolicy[] {
    return [...(this.#byRole.get(roleId)?.values() ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** True when there was a policy to delete. */
  delete(roleId: string, name: string): boolean {
    return this.#byRole.get(roleId)?.delete(name) ?? false;
  }

  /** Whether a session of this role issued at `issuedAt` is denied by one of its policies (`aws:TokenIssueTime` is DateLessThan). */
  denies(roleId: string, issuedAt: number): boolean {
    return this.list(roleId).some((p) => p.revokesBefore !== null && issuedAt < p.revokesBefore);
  }
}

/**
 * The time of a deny-older-sessions statement: Effect Deny, Action and Resource
 * `*` (alone, as a string or a one-element list), and a DateLessThan condition
 * on `aws:TokenIssueTime` only. The latest such time when there are several; null
 * when there is none, or the document is not of that shape. Statement may be an
 * object or a list, as the IAM policy grammar allows (IAM User Guide, "IAM JSON
 * policy elements: Statement").
 */
export function revokesBefore(document: string): number | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    return null;
  }
  if (!isRecord(parsed)) return null;
  const statements = Array.isArray(parsed.Statement) ? (parsed.Statement as unknown[]) : [parsed.Statement];
  const times = statements.map(denyOlderSessions).filter((t): t is number => t !== null);
  return times.length === 0 ? null : Math.max(...times);
}

function denyOlderSessions(statement: unknown): number | null {
  if (!isRecord(statement) || statement.Effect !== "Deny" || !onlyStar(statement.Action) || !onlyStar(statement.Resource)) return null;
  const condition = statement.Condition;
  if (!isRecord(condition) || Object.keys(condition).length !== 1 || !isRecord(condition.DateLessThan)) return null;
  const test = condition.DateLessThan;
  const value = Object.keys(test).length === 1 ? (test["aws:TokenIssueTime"] as unknown) : undefined;
  const text = Array.isArray(value) && value.length === 1 ? (value[0] as unknown) : value;
  // ISO 8601 with a zone, as the console writes it ("2026-12-01T12:00:00Z"); a date without one would be read in local time.
  if (typeof text !== "string" || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : at;
}

function onlyStar(value: unknown): boolean {
  return value === "*" || (Array.isArray(value) && value.length === 1 && value[0] === "*");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
