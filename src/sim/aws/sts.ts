import type { ActionTable } from "./actions.js";

/** STS 2011-06-15: the one call the agent makes (docs/wire.md, STS GetCallerIdentity). No policy can deny it. */
export const stsActions: ActionTable = {
  GetCallerIdentity: ({ caller }) => ({ Arn: caller.arn, UserId: caller.userId, Account: caller.account }),
};
