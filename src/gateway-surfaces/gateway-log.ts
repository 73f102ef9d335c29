import path from "node:path";
import { dataDir } from "../core/paths.js";

/** The gateway's log file, where `cao gateway logs` reads and the service appends. */
export const gatewayLogFile = (dir = dataDir()): string => path.join(dir, "gateway.log");
