/**
 * Random hex for temp and lock file names. These are not secrets: a name only
 * has to be unlikely to collide (the files are created exclusively, in private
 * dirs, next to the pid). Math.random keeps node:crypto, which costs ~3 ms to
 * load as an ES module, off the start-up path of every store read.
 */
export function randomHex(length: number): string {
  let out = "";
  while (out.length < length)
    out += Math.floor(Math.random() * 0x1_0000_0000)
      .toString(16)
      .padStart(8, "0");
  return out.slice(0, length);
}
