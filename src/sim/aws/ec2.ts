import { AwsFault, type AssociationRecord, type ControlPlane, type InstanceStateChange, type ProfileRef } from "../plane/control-plane.js";
import type { ActionTable } from "./actions.js";
import { ec2Page } from "./paging.js";
import type { Params } from "./params.js";
import type { Xml } from "./xml.js";

/**
 * EC2 2016-11-15, the actions of the field report (docs/contract.md, Simulator ports). Lists are `<item>`
 * sets, names are camelCase, timestamps carry milliseconds (docs/wire.md, EC2 DescribeIamInstanceProfileAssociations).
 */
export const ec2Actions: ActionTable = {
  AssociateIamInstanceProfile: ({ params, plane }) => ({
    iamInstanceProfileAssociation: associationXml(plane.associateIamInstanceProfile(params.required("InstanceId"), profileRef(params))),
  }),
  DisassociateIamInstanceProfile: ({ params, plane }) => ({
    iamInstanceProfileAssociation: associationXml(plane.disassociateIamInstanceProfile(params.required("AssociationId"))),
  }),
  ReplaceIamInstanceProfileAssociation: ({ params, plane }) => ({
    iamInstanceProfileAssociation: associationXml(plane.replaceIamInstanceProfileAssociation(params.required("AssociationId"), profileRef(params))),
  }),
  DescribeIamInstanceProfileAssociations: ({ params, plane, listed }) => describeAssociations(params, plane, listed),
  RebootInstances: ({ params, plane }) => {
    plane.rebootInstances(instanceIds(params));
    return { return: true };
  },
  StopInstances: ({ params, plane }) => ({ instancesSet: { item: plane.stopInstances(instanceIds(params)).map(stateChangeXml) } }),
  StartInstances: ({ params, plane }) => ({ instancesSet: { item: plane.startInstances(instanceIds(params)).map(stateChangeXml) } }),
};

/** `IamInstanceProfile.Name` or `IamInstanceProfile.Arn` (botocore model IamInstanceProfileSpecification). */
function profileRef(params: Params): ProfileRef {
  const ref: ProfileRef = {};
  const name = params.get("IamInstanceProfile.Name");
  const arn = params.get("IamInstanceProfile.Arn");
  if (name) ref.name = name;
  if (arn) ref.arn = arn;
  if (!name && !arn) throw new AwsFault("MissingParameter", "The request must contain the parameter IamInstanceProfile", 400);
  return ref;
}

function instanceIds(params: Params): string[] {
  const ids = params.list("InstanceId");
  if (ids.length === 0) throw new AwsFault("MissingParameter", "The request must contain the parameter InstanceId", 400);
  return ids;
}

/** The only filters this API has (docs/wire.md, EC2 DescribeIamInstanceProfileAssociations); there is no `association.instance-id` here. */
const FILTERS = { "instance-id": "instanceIds", state: "states" } as const;

type AssociationFilter = Parameters<ControlPlane["describeIamInstanceProfileAssociations"]>[0];

function describeAssociations(params: Params, plane: ControlPlane, listed: (items: number) => void): Xml {
  const filter: AssociationFilter = {};
  const associationIds = params.list("AssociationId");
  if (associationIds.length > 0) filter.associationIds = associationIds;
  for (const { name, values } of params.filters()) {
    const key = Object.hasOwn(FILTERS, name) ? FILTERS[name as keyof typeof FILTERS] : undefined;
    if (!key) throw new AwsFault("InvalidParameterValue", `The filter '${name}' is invalid`, 400);
    // Filters with the same name are ANDed, as EC2 does for every Describe call.
    const seen = filter[key];
    filter[key] = seen === undefined ? values : seen.filter((v) => values.includes(v));
  }
  const page = ec2Page(params, plane.describeIamInstanceProfileAssociations(filter));
  listed(page.items.length);
  return { iamInstanceProfileAssociationSet: { item: page.items.map(associationXml) }, nextToken: page.next };
}

export function associationXml(a: AssociationRecord): Xml {
  return {
    associationId: a.associationId,
    instanceId: a.instanceId,
    iamInstanceProfile: { arn: a.profileArn, id: a.profileId },
    state: a.state,
    timestamp: new Date(a.timestamp).toISOString(),
  };
}

function stateChangeXml(change: InstanceStateChange): Xml {
  return {
    instanceId: change.instanceId,
    currentState: { code: change.current.code, name: change.current.name },
    previousState: { code: change.previous.code, name: change.previous.name },
  };
}
