/**
 * The AWS formats of the values rolewatch takes from IMDS and AWS
 * (docs/wire.md, Value formats). Every such value is checked against its
 * format where it is parsed, before it can reach a URL, a header, a metric
 * label, the terminal or a printed command: whoever answers on IMDS's address,
 * or on a configured endpoint, chooses these bytes.
 */

/** EC2 instance ids: `i-` and 8 or 17 hexadecimal digits. */
export const INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/**
 * Region codes (us-east-1, us-gov-west-1, eusc-de-east-1): partition prefixes
 * run from two letters to four, names end in a number. Never a host name, so
 * never a path, a port or another domain in an endpoint.
 */
export const REGION = /^[a-z]{2,4}(?:-[a-z]{1,16}){1,3}-\d{1,2}$/;

/** Availability Zones and Local Zones: the region, optionally a zone group (`-lax-1`), then a letter. */
export const AVAILABILITY_ZONE = /^[a-z]{2,4}(?:-[a-z]{1,16}){1,3}-\d{1,2}(?:-[a-z]{1,16}-\d{1,2})?[a-z]$/;

export const ACCOUNT_ID = /^\d{12}$/;

/** IAM RoleName (IAM API Reference, CreateRole): also keeps a name one path segment. */
export const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/** IAM InstanceProfileName (IAM API Reference, CreateInstanceProfile). */
export const PROFILE_NAME = /^[\w+=,.@-]{1,128}$/;

/** An STS role session name (STS API Reference, AssumeRole RoleSessionName); EC2 names it after the instance. */
export const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/**
 * IAM unique ids: RoleId, InstanceProfileId, AccessKeyId (IAM API Reference,
 * Role, InstanceProfile, AccessKey: `[\w]+`, 16 to 128 characters). AWS
 * starts them `AROA`, `AIPA`, `ASIA` (IAM User Guide, "Unique identifiers");
 * the documented pattern is what is checked, so that every id AWS may mint passes.
 */
const UNIQUE_ID = /^\w{16,128}$/;
export const ROLE_ID = UNIQUE_ID;
export const PROFILE_ID = UNIQUE_ID;
export const ACCESS_KEY_ID = UNIQUE_ID;

/**
 * A session token is base64 (about 1,000 characters; STS API Reference,
 * Credentials). It is sent as the X-Amz-Security-Token header, so it must not
 * carry anything a header cannot.
 */
export const SESSION_TOKEN = /^[A-Za-z0-9+/=]{16,8192}$/;

/** A secret access key: 40 characters of base64 in practice; it only feeds an HMAC, and is bounded. */
export const SECRET_KEY = /^[A-Za-z0-9+/=]{16,256}$/;

/** EC2 association ids: `iip-assoc-` and hexadecimal digits. */
export const ASSOCIATION_ID = /^iip-assoc-[0-9a-f]{8,17}$/;

const PARTITION = "aws|aws-cn|aws-us-gov";

/**
 * An IAM path (IAM API Reference, CreateInstanceProfile Path): `/`, or `/`
 * and printable ASCII ending in `/`, at most 512 characters. It may hold
 * shell metacharacters, which is why printed commands quote every argument.
 */
const IAM_PATH = "/(?:[\\x21-\\x7e]{0,510}/)?";

/** `arn:PARTITION:iam::ACCOUNT:instance-profile/PATH/NAME`, capturing the name. */
export const PROFILE_ARN = new RegExp(`^arn:(?:${PARTITION}):iam::\\d{12}:instance-profile${IAM_PATH}([\\w+=,.@-]{1,128})$`);

/** `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`. */
export const ROLE_ARN = new RegExp(`^arn:(?:${PARTITION}):iam::\\d{12}:role${IAM_PATH}[\\w+=,.@-]{1,64}$`);

/**
 * Any principal GetCallerIdentity can name (a user, a root, a federated user,
 * an assumed role): an ARN of the three partitions, printable ASCII, bounded.
 */
export const PRINCIPAL_ARN = new RegExp(`^arn:(?:${PARTITION}):(?:iam|sts)::\\d{12}:[\\x21-\\x7e]{1,1000}$`);

/**
 * STS's UserId of a principal that is not a role session: an IAM unique id,
 * an account id, or `ACCOUNT:NAME` (a federated user, the instance identity role).
 */
export const OTHER_USER_ID = /^(?:[A-Z0-9]{16,128}|\d{12}(?::[\w+=,.@:-]{1,96})?)$/;

/**
 * An HTTP `Date` header in the one form servers send (RFC 9110, 5.6.7, IMF-fixdate):
 * `Sun, 06 Nov 1994 08:49:37 GMT`, capturing day, month, year and time.
 */
export const HTTP_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

/** AWS error codes and IMDS's credential codes: letters, digits and dots (`AuthFailure`, `InvalidParameterValue`). */
export const ERROR_CODE = /^[A-Za-z][A-Za-z0-9.]{0,63}$/;
