# bash completion for rolewatch(1). Written by npm run docs from the commands and the configuration table (src/config/options.ts).
_rolewatch() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} words
  if ((COMP_CWORD == 1)); then
    COMPREPLY=($(compgen -W "run check account sim demo config --help --version" -- "$cur"))
    return
  fi
  case $prev in
    --imds-endpoint|--imds-token-ttl|--imds-timeout|--poll-interval|--sts-interval|--control-plane-interval|--region|--aws-endpoint|--aws-sts-endpoint|--aws-iam-endpoint|--aws-ec2-endpoint|--listen|--http-max-connections|--account-interval|--account-regions|--account-assume-roles|--account-listen|--imds-port|--aws-port|--time-scale|--seed|--aws-backend|--instance-id|--instances|--profiles|--pace) COMPREPLY=(); return ;;
    --control-plane-credentials) COMPREPLY=($(compgen -W "instance environment" -- "$cur")); return ;;
    --control-plane-source) COMPREPLY=($(compgen -W "local account" -- "$cur")); return ;;
    --config|--web-config-file|--state-dir|--scenario|--endpoints-file) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --log-level) COMPREPLY=($(compgen -W "fatal error warn info debug" -- "$cur")); return ;;
    --account-credentials) COMPREPLY=($(compgen -W "environment imds" -- "$cur")); return ;;
    --http-tokens) COMPREPLY=($(compgen -W "required optional" -- "$cur")); return ;;
  esac
  case ${COMP_WORDS[1]} in
    run)
      words="--help --imds-endpoint --imds-token-ttl --imds-timeout --imds-allow-v1 --no-imds-allow-v1 --poll-interval --sts-interval --control-plane-interval --control-plane-association --no-control-plane-association --control-plane-credentials --control-plane-source --region --aws-endpoint --aws-sts-endpoint --aws-iam-endpoint --aws-ec2-endpoint --aws-ignore-configured-endpoints --no-aws-ignore-configured-endpoints --config --listen --http-max-connections --web-config-file --log-level --state-dir" ;;
    check)
      words="--help --json --no-json --imds-endpoint --imds-token-ttl --imds-timeout --imds-allow-v1 --no-imds-allow-v1 --control-plane-association --no-control-plane-association --control-plane-credentials --control-plane-source --region --aws-endpoint --aws-sts-endpoint --aws-iam-endpoint --aws-ec2-endpoint --aws-ignore-configured-endpoints --no-aws-ignore-configured-endpoints --config --state-dir" ;;
    account)
      words="--help --imds-endpoint --imds-token-ttl --imds-timeout --imds-allow-v1 --no-imds-allow-v1 --region --aws-endpoint --aws-sts-endpoint --aws-iam-endpoint --aws-ec2-endpoint --aws-ignore-configured-endpoints --no-aws-ignore-configured-endpoints --config --http-max-connections --web-config-file --log-level --account-interval --account-regions --account-credentials --account-assume-roles --account-listen" ;;
    sim)
      words="--help --imds-port --aws-port --time-scale --scenario --http-tokens --seed --aws-backend --instance-id --instances --profiles --endpoints-file" ;;
    demo)
      words="--help --listen --pace" ;;
    config)
      if ((COMP_CWORD == 2)); then COMPREPLY=($(compgen -W "check show" -- "$cur")); return; fi
      words="--help --json --no-json --imds-endpoint --imds-token-ttl --imds-timeout --imds-allow-v1 --no-imds-allow-v1 --poll-interval --sts-interval --control-plane-interval --control-plane-association --no-control-plane-association --control-plane-credentials --control-plane-source --region --aws-endpoint --aws-sts-endpoint --aws-iam-endpoint --aws-ec2-endpoint --aws-ignore-configured-endpoints --no-aws-ignore-configured-endpoints --config --listen --http-max-connections --web-config-file --log-level --state-dir --account-interval --account-regions --account-credentials --account-assume-roles --account-listen" ;;
    *) return ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _rolewatch rolewatch
