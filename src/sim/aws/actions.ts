import type { Caller, ControlPlane } from "../plane/control-plane.js";
import type { Params } from "./params.js";
import type { Xml } from "./xml.js";

export interface ActionRequest {
  params: Params;
  caller: Caller;
  plane: ControlPlane;
  /** A paged list action says how many items its page holds: the API stats count pages and items (stats.ts). */
  listed: (items: number) => void;
}

/** One API action: its output as XML data (the Result's content), or null when the action has no output. */
export type Action = (request: ActionRequest) => Xml | null;

export type ActionTable = Readonly<Record<string, Action>>;
