import { defineCommand } from "citty";

export default defineCommand({
  meta: {
    name: "gateway",
    description: "Run and manage the local gateway that switches accounts per request",
  },
  subCommands: {
    start: () => import("./start.js").then((m) => m.default),
    stop: () => import("./stop.js").then((m) => m.default),
    status: () => import("./status.js").then((m) => m.default),
    logs: () => import("./logs.js").then((m) => m.default),
    enable: () => import("./enable.js").then((m) => m.default),
    disable: () => import("./disable.js").then((m) => m.default),
    service: () => import("./service.js").then((m) => m.default),
  },
});
