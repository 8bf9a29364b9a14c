// A dependency whose top-level await rejects: its importers never run, and
// the error ends the program as an uncaught exception (exit code 1), before
// the pending timer. A sibling without await still runs.
import "./tla_reject_sibling.mjs";
import { config } from "./tla_reject_dep.mjs";

console.log("never: main body", config);
