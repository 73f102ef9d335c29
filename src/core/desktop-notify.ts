import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/**
 * A desktop notification through what the system has: notify-send (Linux,
 * BSD), osascript (macOS), PowerShell's toast API (Windows). Silent where none
 * exists. Arguments go to the program directly (no shell), detached, output
 * ignored: a notification never blocks or fails the gateway.
 */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const exts = process.platform === "win32" ? (env.PATHEXT ?? ".EXE;.CMD").split(";") : [""];
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const file = path.join(dir, name + ext);
      try {
        fs.accessSync(file, fs.constants.X_OK);
        if (fs.statSync(file).isFile()) return file;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** The command that shows `title`/`body` here, or undefined when there is none. */
export function notifyCommand(
  title: string,
  body: string,
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): [string, string[]] | undefined {
  if (platform === "darwin") {
    const bin = findOnPath("osascript", env);
    const quote = (s: string) => JSON.stringify(s); // AppleScript strings take the same escapes
    return bin ? [bin, ["-e", `display notification ${quote(body)} with title ${quote(title)}`]] : undefined;
  }
  if (platform === "win32") {
    const bin = findOnPath("powershell", env) ?? findOnPath("pwsh", env);
    const ps = (s: string) => `'${s.replace(/'/g, "''")}'`;
    const script = [
      "[Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, ContentType = WindowsRuntime] > $null",
      "$t = [Windows.UI.Notifications.ToastNotificationManager]::GetTemplateContent([Windows.UI.Notifications.ToastTemplateType]::ToastText02)",
      `$t.GetElementsByTagName('text').Item(0).AppendChild($t.CreateTextNode(${ps(title)})) > $null`,
      `$t.GetElementsByTagName('text').Item(1).AppendChild($t.CreateTextNode(${ps(body)})) > $null`,
      "[Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier('cao').Show([Windows.UI.Notifications.ToastNotification]::new($t))",
    ].join("; ");
    return bin ? [bin, ["-NoProfile", "-NonInteractive", "-Command", script]] : undefined;
  }
  const bin = findOnPath("notify-send", env);
  return bin ? [bin, ["--app-name=cao", title, body]] : undefined;
}

/** Shows it if the system can; true when a notifier was started. */
export function notifyDesktop(title: string, body: string): boolean {
  const command = notifyCommand(title, body);
  if (!command) return false;
  try {
    const child = spawn(command[0], command[1], { stdio: "ignore", detached: true, windowsHide: true });
    child.on("error", () => {});
    child.unref();
    return true;
  } catch {
    return false;
  }
}
