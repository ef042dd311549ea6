#!/usr/bin/env bash
# The naive alternative to rolewatch, as a cron job would run it: one IMDSv2
# token per run, the profile, role and credentials read with curl, then STS
# and IAM asked with the aws CLI, signed with the served credentials.
#
#   IMDS=http://127.0.0.1:PORT AWS_ENDPOINT_URL=http://127.0.0.1:PORT AWS_DEFAULT_REGION=us-east-1 \
#     bash test/bench/naive-cycle.sh [AWS_CLI]
#
# JSON is picked apart with bash's own regex matching, so that the only
# processes are curl and the aws CLI: the cheapest form this script can take.
set -euo pipefail
aws_cli=${1:-aws}
: "${IMDS:?the IMDS base URL}"

token=$(curl -sf -X PUT "$IMDS/latest/api/token" -H "X-aws-ec2-metadata-token-ttl-seconds: 21600")
auth="X-aws-ec2-metadata-token: $token"
info=$(curl -sf -H "$auth" "$IMDS/latest/meta-data/iam/info")
role=$(curl -sf -H "$auth" "$IMDS/latest/meta-data/iam/security-credentials/")
creds=$(curl -sf -H "$auth" "$IMDS/latest/meta-data/iam/security-credentials/$role")

field() {
  [[ $2 =~ \"$1\"[[:space:]]*:[[:space:]]*\"([^\"]*)\" ]] && printf '%s' "${BASH_REMATCH[1]}"
}
profile=$(field InstanceProfileArn "$info")
AWS_ACCESS_KEY_ID=$(field AccessKeyId "$creds")
AWS_SECRET_ACCESS_KEY=$(field SecretAccessKey "$creds")
AWS_SESSION_TOKEN=$(field Token "$creds")
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN

sts_arn=$("$aws_cli" sts get-caller-identity --query Arn --output text)
profile_role=$("$aws_cli" iam get-instance-profile --instance-profile-name "${profile##*/}" \
  --query 'InstanceProfile.Roles[0].RoleName' --output text)

served_role=${sts_arn#*/}
served_role=${served_role%%/*}
if [[ $served_role == "$profile_role" ]]; then
  echo "OK $served_role"
else
  echo "DRIFT served=$served_role profile=$profile_role"
fi
