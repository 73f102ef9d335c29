import { CaoError, errnoCode } from "./errors.js";
import { ExitCode } from "./exit-codes.js";

/**
 * What a file-system error means to the user, in one line with a hint: a full
 * disk, a file where a directory belongs (or the reverse), no permission, a
 * read-only mount. Anything else stays an internal error (a bug).
 */
const FS_PROBLEMS: Record<string, { what: string; hint: string }> = {
  ENOSPC: { what: "the disk is full", hint: "free some space and try again" },
  EDQUOT: { what: "the disk quota is used up", hint: "free some space and try again" },
  EACCES: {
    what: "permission denied",
    hint: "check the owner and mode of that path (cao needs to write there)",
  },
  EPERM: {
    what: "operation not permitted",
    hint: "check the owner, mode and attributes (chattr) of that path",
  },
  EROFS: { what: "the file system is read-only", hint: "point CAO_HOME (or the option) at a writable place" },
  EISDIR: { what: "a directory is where a file belongs", hint: "move that directory away" },
  ENOTDIR: {
    what: "a file is where a directory belongs",
    hint: "check --data-dir / CAO_HOME and move that file away",
  },
  // mkdir on a path that is a file (or /dev/null): a directory cannot go there.
  EEXIST: {
    what: "it exists and is not a directory",
    hint: "check --data-dir / CAO_HOME and move that file away",
  },
  EIO: { what: "an I/O error (failing disk?)", hint: "check the disk, then try again" },
  ELOOP: { what: "too many symbolic links", hint: "check the symlinks on that path" },
  ENAMETOOLONG: { what: "the path is too long", hint: "use a shorter data dir path" },
};

export function fsErrorAsCaoError(error: unknown): CaoError | undefined {
  const code = errnoCode(error);
  const problem = code ? FS_PROBLEMS[code] : undefined;
  if (!problem) return undefined;
  const where = (error as { path?: unknown }).path;
  const at = typeof where === "string" ? `${where}: ` : "";
  return new CaoError(`${at}${problem.what} (${code})`, ExitCode.failure, problem.hint);
}
