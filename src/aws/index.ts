/** The agent's AWS side: what src/agent uses. */
export { AwsObserver, BACKOFF_BASE_MS, type AwsCall, type AwsObservation, type AwsObserverOptions, type ObserveInput } from "./observer.js";
export type { AwsViews, View } from "./views.js";
export type { StsIdentity } from "./arn.js";
export type { AssociationState, AssociationView, InstanceProfileView, ProfileRole, RevocationView } from "./parse.js";
export type { Classified, FailureKind } from "./classify.js";
export type { AwsApi } from "./api.js";
export type { Dated } from "./query.js";
export type { SigningCredentials } from "./sigv4.js";
export { queryApi } from "./api.js";
export { classify, controlPlaneOutcome, stsOutcome } from "./classify.js";
export { AwsApiError, AwsResponseError, AwsTransportError, type AwsService } from "./errors.js";
export { profileNameFromArn, parseAssumedRoleArn } from "./arn.js";
