// The wire types are generated from crates/rpc (see generated.ts); this file
// adds what only the UI needs.

export * from "./generated";

import type { Commands } from "./generated";

export type CommandName = keyof Commands;
export type Params<C extends CommandName> = Commands[C][0];
export type Result<C extends CommandName> = Commands[C][1];
