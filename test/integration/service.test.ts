import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { GATEWAY_NODE_FLAGS } from "../../src/gateway-process/detach.js";
import { renderService } from "../../src/gateway-setup/service.js";
import { caoBin, runCao } from "../helpers/cli.js";
import { tempWorld } from "../helpers/temp.js";

const hasSystemdAnalyze = spawnSync("systemd-analyze", ["--version"]).status === 0;

test("the systemd unit restarts on failure, logs to the gateway log and passes systemd-analyze verify", (t) => {
  const world = tempWorld();
  const dataDir = path.join(world.root, "data dir 100%");
  const logFile = path.join(dataDir, "gateway.log");
  const unit = renderService({
    kind: "systemd",
    home: world.home,
    dataDir,
    logFile,
    caoCommand: [process.execPath, caoBin],
  });
  assert.match(unit, /^Restart=on-failure$/m);
  assert.match(unit, /^Environment="CAO_HOME=.*data dir 100%%"$/m);
  const flags = GATEWAY_NODE_FLAGS.map((flag) => `"${flag}"`).join(" ");
  // The service runs the gateway in the foreground: it needs the detached start's memory flags itself.
  assert.match(
    unit,
    new RegExp(`^ExecStart="${process.execPath}" ${flags} "${caoBin}" "gateway" "start"$`, "m"),
  );
  assert.match(unit, new RegExp(`^StandardOutput=append:${logFile.replaceAll("%", "%")}$`, "m"));
  assert.match(unit, /^WantedBy=default\.target$/m);
  if (!hasSystemdAnalyze) {
    t.diagnostic("systemd-analyze not installed: structural checks only");
    return;
  }
  const file = path.join(world.root, "cao-gateway.service");
  fs.writeFileSync(file, unit);
  const verified = spawnSync("systemd-analyze", ["verify", file], { encoding: "utf8" });
  assert.equal(verified.status, 0, verified.stderr);
  // verify exits 0 on unknown keys or bad values but names the file: any such line is a defect.
  assert.doesNotMatch(verified.stderr, /cao-gateway\.service/);
});

test("the launchd agent runs cao in the foreground, restarts on failure and logs to the gateway log", () => {
  const world = tempWorld();
  const plist = renderService({
    kind: "launchd",
    home: world.home,
    dataDir: "/Users/me/<data> & co",
    logFile: "/Users/me/data/gateway.log",
    caoCommand: ["/usr/local/bin/node", "/opt/cao/dist/cli.js"],
  });
  const programArgs = plist.match(/<key>ProgramArguments<\/key>\s*<array>([\s\S]*?)<\/array>/)?.[1] ?? "";
  assert.deepEqual(
    [...programArgs.matchAll(/<string>(.*?)<\/string>/g)].map((m) => m[1]),
    ["/usr/local/bin/node", ...GATEWAY_NODE_FLAGS, "/opt/cao/dist/cli.js", "gateway", "start"],
  );
  assert.match(plist, /<key>KeepAlive<\/key>\s*<dict>\s*<key>SuccessfulExit<\/key>\s*<false\/>/);
  assert.match(plist, /<key>CAO_HOME<\/key>\s*<string>\/Users\/me\/&lt;data&gt; &amp; co<\/string>/);
  assert.equal(plist.match(/<string>\/Users\/me\/data\/gateway\.log<\/string>/g)?.length, 2);
  // Well-formed: every element opened is closed (no XML parser in Node; a structural check).
  const tags = [
    ...plist
      .replace(/<\?xml[^>]*>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>/g, "")
      .matchAll(/<(\/?)(\w+)[^>]*?(\/?)>/g),
  ];
  const stack: string[] = [];
  for (const [, closing, name, selfClosing] of tags) {
    if (selfClosing) continue;
    if (closing) assert.equal(stack.pop(), name);
    else stack.push(name ?? "");
  }
  assert.deepEqual(stack, []);
});

test("service install / status / uninstall round trip into a temp HOME, without touching the real service manager", async () => {
  const world = tempWorld();
  const env = { ...world.env, XDG_CONFIG_HOME: path.join(world.home, ".config") };
  const unitFile = path.join(world.home, ".config/systemd/user/cao-gateway.service");

  const before = await runCao(["gateway", "service", "status"], { env });
  assert.equal(before.code, 0, before.stderr);
  assert.match(before.stdout, /not installed/);

  const installed = await runCao(["gateway", "service", "install", "--no-activate"], { env });
  assert.equal(installed.code, 0, installed.stderr);
  assert.match(installed.stdout, /not started: --no-activate was given; run `systemctl --user daemon-reload/);
  const unit = fs.readFileSync(unitFile, "utf8");
  assert.match(unit, new RegExp(`CAO_HOME=${world.dataDir}`));
  assert.match(unit, new RegExp(`append:${path.join(world.dataDir, "gateway.log")}`));

  const status = await runCao(["gateway", "service", "status", "--json"], { env });
  const parsed = JSON.parse(status.stdout) as { installed: boolean; file: string; kind: string };
  assert.deepEqual([parsed.installed, parsed.file, parsed.kind], [true, unitFile, "systemd"]);

  const removed = await runCao(["gateway", "service", "uninstall", "--no-activate"], { env });
  assert.equal(removed.code, 0, removed.stderr);
  assert.equal(fs.existsSync(unitFile), false);
  const again = await runCao(["gateway", "service", "uninstall", "--no-activate"], { env });
  assert.match(again.stdout, /no gateway service installed/);

  // A unit file of the same name that cao did not write is never overwritten or removed.
  fs.writeFileSync(unitFile, "[Service]\nExecStart=/bin/true\n");
  const refused = await runCao(["gateway", "service", "install", "--no-activate"], { env });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /was not written by cao; left it as it is/);
  const refusedRemove = await runCao(["gateway", "service", "uninstall", "--no-activate"], { env });
  assert.equal(refusedRemove.code, 1);
  assert.equal(fs.readFileSync(unitFile, "utf8"), "[Service]\nExecStart=/bin/true\n");
});

test("install without a user service manager writes the unit and says how to start it", async (t) => {
  const probe = spawnSync("systemctl", ["--user", "show-environment"]);
  if (probe.status === 0) {
    t.skip("this session has a user service manager; the test must not enable a real service");
    return;
  }
  const world = tempWorld();
  const installed = await runCao(["gateway", "service", "install"], { env: world.env });
  assert.equal(installed.code, 0, installed.stderr);
  assert.match(installed.stdout, /not started: systemctl --user is not available in this session/);
  assert.equal(fs.existsSync(path.join(world.home, ".config/systemd/user/cao-gateway.service")), true);
});
