/** Parsers for where things are: base URLs, listen addresses, ports, AWS regions. */
import { accept, number, reject, scalarText, type Parser } from "./parsers.js";
import { REGION } from "../formats.js";

// Not an ESM import: the ESM view of node:net reads every export (BlockList, SocketAddress).
const { isIP, isIPv6 } = process.getBuiltinModule("node:net");

export interface BaseUrlOptions {
  readonly protocols: readonly string[];
  readonly example: string;
  /** Why a protocol outside `protocols` is refused, keyed by protocol ("https:"). */
  readonly refused?: Readonly<Record<string, string>>;
}

/**
 * `scheme://host[:port]`, without path, query or credentials, since callers
 * append their own paths. Trailing slashes are dropped ("http://h:1338/" is
 * how endpoints are often exported).
 */
export function baseUrl(options: BaseUrlOptions): Parser<string> {
  const schemes = options.protocols.map((p) => `${p}//`).join(" or ");
  return {
    kind: "value",
    metavar: "URL",
    allowed: `an ${schemes} URL with no path, such as ${options.example}`,
    parse(raw) {
      const text = scalarText(raw);
      const url = text === null ? null : parseUrl(text);
      if (url === null) return reject();
      if (!options.protocols.includes(url.protocol)) return reject(options.refused?.[url.protocol]);
      const bare = url.pathname === "/" && url.search === "" && url.hash === "";
      if (!bare || url.username !== "" || url.password !== "") return reject();
      return accept(`${url.protocol}//${url.host}`);
    },
    format: (value) => value,
  };
}

/**
 * An AWS API endpoint as the SDKs take it from AWS_ENDPOINT_URL*: http(s), a
 * path allowed (requests go to it with a trailing slash), no credentials,
 * query or fragment. Kept with its trailing slash.
 */
export const endpointUrl: Parser<string> = {
  kind: "value",
  metavar: "URL",
  allowed: "an http:// or https:// URL such as https://sts.eu-west-1.amazonaws.com",
  parse(raw) {
    const text = scalarText(raw);
    const url = text === null ? null : parseUrl(text);
    if (url === null || (url.protocol !== "http:" && url.protocol !== "https:")) return reject();
    if (url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "") return reject();
    if (!url.pathname.endsWith("/")) url.pathname += "/";
    return accept(url.href);
  },
  format: (value) => value,
};

// URL.parse() arrived in Node 20.18; the engines field allows 20.16.
function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

export interface ListenAddress {
  /** Empty: every interface (Node's `listen(port)` without a host). IPv6 without brackets. */
  readonly host: string;
  /** 0 asks the system for any free port. */
  readonly port: number;
}

// `host:port`, `:port`, or `[v6]:port`; a bare IPv6 address would be ambiguous.
const LISTEN = /^(?:\[([^\]]*)\]|([^:[\]]*)):(\d{1,5})$/;
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export const listenAddress: Parser<ListenAddress> = {
  kind: "value",
  metavar: "ADDR",
  allowed: "host:port, :port (every interface) or [ipv6]:port, with a port from 0 to 65535",
  parse(raw) {
    const match = LISTEN.exec(scalarText(raw) ?? "");
    if (match === null) return reject();
    const [, v6, host = "", portText = ""] = match;
    const port = Number(portText);
    if (port > 65_535) return reject("port out of range");
    if (v6 !== undefined) return isIPv6(v6) ? accept({ host: v6, port }) : reject();
    const valid = host === "" || isIP(host) !== 0 || HOSTNAME.test(host);
    return valid ? accept({ host, port }) : reject();
  },
  format: ({ host, port }) => (host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`),
};

export const port: Parser<number> = number(0, 65_535, { integer: true, metavar: "PORT" });


export const region: Parser<string> = {
  kind: "value",
  metavar: "REGION",
  allowed: "an AWS region name such as us-east-1 or eu-west-3",
  parse(raw) {
    const text = scalarText(raw)?.toLowerCase() ?? "";
    return REGION.test(text) ? accept(text) : reject();
  },
  format: (value) => value,
};
