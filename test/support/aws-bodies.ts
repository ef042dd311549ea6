/** AWS Query answers as docs/wire.md writes them (STS GetCallerIdentity to EC2 DescribeIamInstanceProfileAssociations), for the fakes and the tables. */

export const STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/";
export const IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/";

export const PROTOCOL_CALLER_IDENTITY = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:sts::123456789012:assumed-role/my-ec2-role/i-0123456789abcdef0</Arn>
    <UserId>AROA3XFRBF535PLBIFPI4:i-0123456789abcdef0</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>`;

export const PROTOCOL_INSTANCE_PROFILE = `<GetInstanceProfileResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <GetInstanceProfileResult>
    <InstanceProfile>
      <InstanceProfileId>AIPAD5ARO2C5EXAMPLE3G</InstanceProfileId>
      <Roles>
        <member>
          <Path>/</Path>
          <Arn>arn:aws:iam::123456789012:role/my-ec2-role</Arn>
          <RoleName>my-ec2-role</RoleName>
          <AssumeRolePolicyDocument>%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22ec2.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D</AssumeRolePolicyDocument>
          <CreateDate>2012-05-09T15:45:35Z</CreateDate>
          <RoleId>AROA3XFRBF535PLBIFPI4</RoleId>
        </member>
      </Roles>
      <InstanceProfileName>my-profile</InstanceProfileName>
      <Path>/</Path>
      <Arn>arn:aws:iam::123456789012:instance-profile/my-profile</Arn>
      <CreateDate>2012-05-09T16:11:10Z</CreateDate>
    </InstanceProfile>
  </GetInstanceProfileResult>
  <ResponseMetadata>
    <RequestId>37289fda-99f2-11e1-a4c3-27EXAMPLE804</RequestId>
  </ResponseMetadata>
</GetInstanceProfileResponse>`;

export const PROTOCOL_ASSOCIATIONS = `<?xml version="1.0" encoding="UTF-8"?>
<DescribeIamInstanceProfileAssociationsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
    <requestId>84c2d2a6-12dc-491f-a9ee-example</requestId>
    <iamInstanceProfileAssociationSet>
        <item>
            <associationId>iip-assoc-0db249b1f25fa24b8</associationId>
            <instanceId>i-0123456789abcdef0</instanceId>
            <iamInstanceProfile>
                <arn>arn:aws:iam::123456789012:instance-profile/my-profile</arn>
                <id>AIPAD5ARO2C5EXAMPLE3G</id>
            </iamInstanceProfile>
            <state>associated</state>
            <timestamp>2024-01-01T00:00:00.000Z</timestamp>
        </item>
    </iamInstanceProfileAssociationSet>
</DescribeIamInstanceProfileAssociationsResponse>`;

export function callerIdentityXml(c: { arn: string; userId: string; account: string }): string {
  return `<GetCallerIdentityResponse xmlns="${STS_NS}"><GetCallerIdentityResult><Arn>${c.arn}</Arn><UserId>${c.userId}</UserId>`
    + `<Account>${c.account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;
}

export function instanceProfileXml(p: { name: string; id: string; arn: string; roles: { name: string; id: string; arn: string }[] }): string {
  const roles = p.roles.map((r) => `<member><Path>/</Path><Arn>${r.arn}</Arn><RoleName>${r.name}</RoleName>`
    + `<AssumeRolePolicyDocument>%7B%7D</AssumeRolePolicyDocument><CreateDate>2026-01-01T00:00:00Z</CreateDate><RoleId>${r.id}</RoleId></member>`).join("");
  return `<GetInstanceProfileResponse xmlns="${IAM_NS}"><GetInstanceProfileResult><InstanceProfile>`
    + `<InstanceProfileId>${p.id}</InstanceProfileId><Roles>${roles}</Roles><InstanceProfileName>${p.name}</InstanceProfileName>`
    + `<Path>/</Path><Arn>${p.arn}</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate></InstanceProfile></GetInstanceProfileResult>`
    + `<ResponseMetadata><RequestId>r-2</RequestId></ResponseMetadata></GetInstanceProfileResponse>`;
}

export interface AssociationItem { associationId: string; instanceId: string; arn: string; id: string; state: string }

export function associationsXml(items: AssociationItem[], nextToken?: string): string {
  const body = items.map((a) => `<item><associationId>${a.associationId}</associationId><instanceId>${a.instanceId}</instanceId>`
    + `<iamInstanceProfile><arn>${a.arn}</arn><id>${a.id}</id></iamInstanceProfile><state>${a.state}</state>`
    + `<timestamp>2026-01-01T00:00:00.000Z</timestamp></item>`).join("");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeIamInstanceProfileAssociationsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">`
    + `<requestId>r-3</requestId><iamInstanceProfileAssociationSet>${body}</iamInstanceProfileAssociationSet>`
    + `${nextToken ? `<nextToken>${nextToken}</nextToken>` : ""}</DescribeIamInstanceProfileAssociationsResponse>`;
}

/** The Query error envelope of STS and IAM (docs/wire.md, Query errors). */
export function queryErrorXml(code: string, message: string, ns = STS_NS, type = "Sender"): string {
  return `<ErrorResponse xmlns="${ns}">\n  <Error>\n    <Type>${type}</Type>\n    <Code>${code}</Code>\n    <Message>${message}</Message>\n  </Error>\n`
    + `  <RequestId>4fc0d3ee-efef-11e9-9282-3b7bffe54a9b</RequestId>\n</ErrorResponse>`;
}

/** EC2's error envelope, `RequestID` with a capital D (docs/wire.md, EC2 DescribeIamInstanceProfileAssociations). */
export function ec2ErrorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors>`
    + `<RequestID>0c6d2e1e-6b1a-4a4e-9b43-5d2c7b9f1a2b</RequestID></Response>`;
}

export interface ListedProfileXml { name: string; id: string; arn: string; roles: { name: string; id: string; arn: string }[] }

/** One page of IAM ListInstanceProfiles (docs/wire.md, IAM ListInstanceProfiles); a marker makes it truncated. */
export function profilePageXml(profiles: ListedProfileXml[], marker?: string): string {
  const members = profiles.map((p) => {
    const roles = p.roles.map((r) => `<member><Path>/</Path><Arn>${r.arn}</Arn><RoleName>${r.name}</RoleName>`
      + `<AssumeRolePolicyDocument>%7B%7D</AssumeRolePolicyDocument><CreateDate>2026-01-01T00:00:00Z</CreateDate><RoleId>${r.id}</RoleId></member>`).join("");
    return `<member><InstanceProfileId>${p.id}</InstanceProfileId><Roles>${roles}</Roles><InstanceProfileName>${p.name}</InstanceProfileName>`
      + `<Path>/</Path><Arn>${p.arn}</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate></member>`;
  }).join("");
  const more = marker === undefined ? "<IsTruncated>false</IsTruncated>" : `<IsTruncated>true</IsTruncated><Marker>${marker}</Marker>`;
  return `<ListInstanceProfilesResponse xmlns="${IAM_NS}"><ListInstanceProfilesResult>${more}<InstanceProfiles>${members}</InstanceProfiles>`
    + `</ListInstanceProfilesResult><ResponseMetadata><RequestId>r-4</RequestId></ResponseMetadata></ListInstanceProfilesResponse>`;
}

/** STS AssumeRole (docs/wire.md, STS AssumeRole). */
export function assumeRoleXml(c: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: string; roleArn: string }): string {
  return `<AssumeRoleResponse xmlns="${STS_NS}"><AssumeRoleResult><Credentials><SessionToken>${c.sessionToken}</SessionToken>`
    + `<SecretAccessKey>${c.secretAccessKey}</SecretAccessKey><Expiration>${c.expiration}</Expiration><AccessKeyId>${c.accessKeyId}</AccessKeyId></Credentials>`
    + `<AssumedRoleUser><Arn>${c.roleArn.replace(":iam::", ":sts::").replace(":role/", ":assumed-role/")}/rolewatch-account</Arn>`
    + `<AssumedRoleId>AROA3XFRBF535PLBIFPI4:rolewatch-account</AssumedRoleId></AssumedRoleUser><PackedPolicySize>6</PackedPolicySize></AssumeRoleResult>`
    + `<ResponseMetadata><RequestId>r-5</RequestId></ResponseMetadata></AssumeRoleResponse>`;
}
