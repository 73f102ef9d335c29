import { defineCommand } from "citty";

export default defineCommand({
  meta: {
    name: "gateway",
    description: "Run and manage the local gateway that switches accounts per request",
  },
  subCommands: {
    start: () => import("./gateway/start.js").then((m) => m.default),
    stop: () => import("./gateway/stop.js").then((m) => m.default),
    status: () => import("./gateway/status.js").then((m) => m.default),
    logs: () => import("./gateway/logs.js").then((m) => m.default),
    enable: () => import("./gateway/enable.js").then((m) => m.default),
    disable: () => import("./gateway/disable.js").then((m) => m.default),
    service: () => import("./gateway/service.js").then((m) => m.default),
  },
});
