import { readFileSync } from "node:fs";
import { scaledClock, systemClock } from "../clock.js";
import { ConfigError } from "../errors.js";
import { baseUrl, number, oneOf, optional, parseFlags, path, port } from "../config.js";
import { endpointsLine, loadScenario, MAX_FLEET_LISTENERS, MAX_FLEET_PROFILES, startSimulator, writeEndpointsFile, type Simulator, type SimulatorOptions } from "../sim/index.js";
import { EXIT, type Command, type Io } from "./command.js";

const FLAGS = {
  "imds-port": { parser: port },
  "aws-port": { parser: port },
  "time-scale": { parser: number(0.001, 100_000, { metavar: "K" }) },
  scenario: { parser: path("FILE") },
  "http-tokens": { parser: oneOf("MODE", ["required", "optional"] as const) },
  seed: { parser: optional(path("TEXT")) },
  "aws-backend": { parser: baseUrl({ protocols: ["http:", "https:"], example: "http://127.0.0.1:5000" }) },
  "instance-id": { parser: path("ID") },
  instances: { parser: number(1, MAX_FLEET_LISTENERS, { integer: true, metavar: "N" }) },
  profiles: { parser: number(1, MAX_FLEET_PROFILES, { integer: true, metavar: "M" }) },
  "endpoints-file": { parser: path("FILE") },
} as const;

export const simCommand: Command = {
  name: "sim",
  summary: "the simulator of IMDS, on loopback, that follows the field report",
  flags: FLAGS,
  help: () => `Usage: rolewatch sim [--imds-port N] [--aws-port N] [--time-scale K] [--scenario FILE] [--http-tokens MODE]
                    [--aws-backend URL [--instance-id ID]] [--instances N [--profiles M]] [--endpoints-file FILE]

Serves an IMDSv2 on 127.0.0.1 that behaves like EC2's: token rules and status
codes, exact bodies, credentials rotated about hourly and valid about 6 h.
Beside it, one AWS API port speaks STS, IAM and EC2 (the Query protocol,
SigV4-signed), so the field report's aws CLI commands drive the simulator.
The first line on stdout is one JSON object with the endpoints; the export
lines a shell needs follow.

  --imds-port N       port of the IMDS endpoint (default 0: a free port)
  --aws-port N        port of the AWS API endpoint (default 0: a free port)
  --time-scale K      run every modelled duration K times faster (default 1;
                      K=60: an hourly rotation every minute)
  --scenario FILE     the world to start from, YAML or JSON (default: the field
                      report's: RedRole in instance profile MyInPr, BlueRole spare)
  --http-tokens MODE  required (default): IMDSv2 only; optional: token-less
                      reads are served too, with distinct IMDSv1 credentials
  --seed TEXT         mint the same ids and keys every run
  --aws-backend URL   IMDS serves credentials minted by this AWS implementation
                      (e.g. a moto_server): sts:AssumeRole with the instance id
                      as session name, following the association and instance
                      profile it holds; point the agent's AWS_ENDPOINT_URL there
  --instance-id ID    with --aws-backend, the backend's instance this IMDS
                      belongs to (default: its first running one)
  --instances N       a fleet: N instances (1 to ${MAX_FLEET_LISTENERS}; default 1, the field
                      report's world), each with an IMDS of its own on loopback
                      (--imds-port, unless 0, is the first of N consecutive
                      ports), round-robin over the profiles: MyInPr holding
                      RedRole, then MyInPr-2 holding RedRole-2, …; BlueRole spare.
                      The first line adds "instances": {instance id: IMDS URL}
  --profiles M        the fleet's instance profiles (default one per 50
                      instances); not with --scenario or --aws-backend
  --endpoints-file F  also write the first line's object, with "instances"
                      always present, to F (before the first line is printed)

Run-time control (no real IMDS has these paths; in a fleet each instance's
IMDS has its own, acting on that instance; the API's and the schedule are shared), for example:
  curl -X POST $IMDS/rolewatch-sim/rotate
  curl -X POST $IMDS/rolewatch-sim/deliver -d '{"role":"BlueRole"}'
  curl -X PUT  $IMDS/rolewatch-sim/faults  -d '{"kind":"status","status":500,"count":3}'
  curl -X DELETE $IMDS/rolewatch-sim/faults
  curl $IMDS/rolewatch-sim/stats
  curl -X PUT  $IMDS/rolewatch-sim/api-faults -d '{"service":"iam","kind":"throttle","count":3}'
  curl -X PUT  $IMDS/rolewatch-sim/api-faults -d '{"service":"ec2","kind":"denied"}'
  curl -X DELETE $IMDS/rolewatch-sim/api-faults
  curl $IMDS/rolewatch-sim/api-stats
  curl -X PUT  $IMDS/rolewatch-sim/clock-skew -d '{"skewSeconds":600}'   # its Date headers and signature checks run 10 min ahead
  curl $IMDS/rolewatch-sim/schedule                                      # the scenario's IAM steps: done, failed or pending
`,
  async run(io: Io) {
    const { values, problems, rest } = parseFlags(io.argv, FLAGS);
    if (rest.length > 0) problems.push(`unexpected argument ${JSON.stringify(rest[0])}`);
    const fleet = values.instances !== undefined || values.profiles !== undefined;
    if (fleet && values.scenario) problems.push("--instances and --profiles build their own world: not with --scenario");
    if (fleet && values["aws-backend"]) problems.push("--instances and --profiles are the simulator's own world: not with --aws-backend");
    if (problems.length > 0) throw new ConfigError(problems);
    const options: SimulatorOptions = {
      clock: values["time-scale"] ? scaledClock(values["time-scale"]) : systemClock,
      imdsPort: values["imds-port"] ?? 0,
      awsPort: values["aws-port"] ?? 0,
      httpTokens: values["http-tokens"] ?? "required",
    };
    if (values.scenario) options.scenario = loadScenario(readScenario(values.scenario));
    if (values.seed) options.seed = values.seed;
    if (values["aws-backend"]) options.awsBackend = { url: values["aws-backend"] };
    if (values["instance-id"]) options.instanceId = values["instance-id"];
    if (fleet) options.fleet = { instances: values.instances ?? 1, ...(values.profiles === undefined ? {} : { profiles: values.profiles }) };
    const sim = await startSimulator(options);
    const backend = values["aws-backend"];
    if (values["endpoints-file"]) writeEndpoints(values["endpoints-file"], sim, backend);
    io.out(JSON.stringify(endpointsLine(sim, backend)) + "\n");
    io.out(exportLines(sim, backend));
    io.out(summaryLine(sim));
    await io.stopSignal;
    await sim.close();
    return EXIT.ok;
  },
};

/** What a shell needs to point the agent and the aws CLI at the simulator; the admin keys are the scenario's, public by design. */
/** With a backend, the credentials IMDS serves are the backend's: the agent must ask it, not the simulator. */
function exportLines(sim: Simulator, backend: string | undefined): string {
  const { accessKeyId, secretAccessKey } = sim.world.admin;
  return [
    `export AWS_EC2_METADATA_SERVICE_ENDPOINT=${sim.imdsUrl}/`,
    `export AWS_ENDPOINT_URL=${backend ?? sim.awsUrl}`,
    `export AWS_ACCESS_KEY_ID=${accessKeyId}`,
    `export AWS_SECRET_ACCESS_KEY=${secretAccessKey}`,
    `export AWS_DEFAULT_REGION=${sim.world.region}`,
    "",
  ].join("\n");
}

/** For one instance, as it always was (tests parse it); for a fleet, its size and where each instance's control paths are. */
function summaryLine(sim: Simulator): string {
  if (sim.endpoints.length === 1) return `# instance ${sim.instanceId}; control: ${sim.imdsUrl}/rolewatch-sim/\n`;
  const { instances, instanceProfiles } = sim.world;
  const profiles = `${instanceProfiles.size} profile${instanceProfiles.size === 1 ? "" : "s"}`;
  return `# fleet of ${instances.size} instances over ${profiles}; exported: instance ${sim.instanceId}; control: each instance's IMDS URL + /rolewatch-sim/\n`;
}

function writeEndpoints(file: string, sim: Simulator, backend: string | undefined): void {
  try {
    writeEndpointsFile(file, sim, backend);
  } catch (error) {
    void sim.close();
    throw new ConfigError([`--endpoints-file ${file}: ${(error as NodeJS.ErrnoException).code ?? "cannot be written"}`]);
  }
}

function readScenario(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError([`--scenario ${file}: ${(error as NodeJS.ErrnoException).code ?? "cannot be read"}`]);
  }
}
