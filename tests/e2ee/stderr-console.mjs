// stdout carries the peer's protocol only; js-sdk and its Rust crypto log through `console`, so every
// console method writes to stderr. Imported first by peer.mjs, before js-sdk binds its loggers.
import { format } from "node:util";

for (const method of ["log", "info", "warn", "error", "debug", "trace"]) {
    console[method] = (...args) => {
        process.stderr.write(`${new Date().toISOString()} ${method} ${format(...args)}\n`);
    };
}
