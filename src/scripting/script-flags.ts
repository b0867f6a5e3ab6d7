/**
 * Script flags (Redis's scripts_flags_def): declared by an EVAL script's shebang line
 * (`#!lua flags=no-writes,allow-oom`) or by a function at redis.register_function. A script
 * without a shebang runs in compatibility mode: it may write, and checks happen per command.
 */

import { CommandBit } from '../commands/types.js';

export const enum ScriptFlag {
  NoWrites = 1 << 0,
  AllowOom = 1 << 1,
  AllowStale = 1 << 2,
  NoCluster = 1 << 3,
  AllowCrossSlot = 1 << 4,
  /** No shebang: Redis 6's rules. */
  EvalCompat = 1 << 5,
}

export const SCRIPT_FLAG_NAMES: [string, ScriptFlag][] = [
  ['no-writes', ScriptFlag.NoWrites],
  ['allow-oom', ScriptFlag.AllowOom],
  ['allow-stale', ScriptFlag.AllowStale],
  ['no-cluster', ScriptFlag.NoCluster],
  ['allow-cross-slot-keys', ScriptFlag.AllowCrossSlot],
];

/** The flags of an EVAL body and the length of its shebang line (kept out of the compiled code). */
export interface Shebang {
  flags: number;
  length: number;
}

/** evalExtractShebangFlags: the body's flags, or the error Redis replies (without its "ERR "). */
export function parseShebang(body: Buffer): Shebang | string {
  if (body.length < 2 || body[0] !== 0x23 || body[1] !== 0x21) return { flags: ScriptFlag.EvalCompat, length: 0 };
  const end = body.indexOf(0x0a);
  if (end < 0) return 'Invalid script shebang';
  const parts = splitArgs(body.toString('latin1', 0, end));
  if (parts === null || parts.length === 0) return 'Invalid engine in script shebang';
  if (parts[0] !== '#!lua') return `Unexpected engine in script shebang: ${parts[0]}`;
  let flags = 0;
  for (const part of parts.slice(1)) {
    if (!part.startsWith('flags=')) return `Unknown lua shebang option: ${part}`;
    for (const name of part.slice(6).split(',').filter((n) => n !== '')) {
      const flag = SCRIPT_FLAG_NAMES.find(([n]) => n === name);
      if (flag === undefined) return `Unexpected flag in script shebang: ${name}`;
      flags |= flag[1];
    }
  }
  return { flags, length: end };
}

/**
 * scriptFlagsToCmdFlags: a command running a script with declared flags takes its write,
 * deny-oom and stale flags from them (the checks before it runs read these).
 */
export function commandBitsFor(bits: number, flags: number): number {
  if ((flags & ScriptFlag.EvalCompat) !== 0) return bits;
  bits &= ~(CommandBit.Stale | CommandBit.DenyOom | CommandBit.Write | CommandBit.MayReplicate);
  if ((flags & (ScriptFlag.AllowOom | ScriptFlag.NoWrites)) === 0) bits |= CommandBit.DenyOom;
  if ((flags & ScriptFlag.NoWrites) === 0) bits |= CommandBit.Write;
  if ((flags & ScriptFlag.AllowStale) !== 0) bits |= CommandBit.Stale;
  return bits;
}

/**
 * sdssplitargs: words separated by spaces, where "double quotes" take C escapes (\n, \xHH)
 * and 'single quotes' take \' only. Null when the quoting is unbalanced.
 */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  const isSpace = (c: string): boolean => c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === '\v' || c === '\f';
  for (;;) {
    while (i < n && isSpace(line[i])) i++;
    if (i >= n) return out;
    let word = '';
    let inDouble = false;
    let inSingle = false;
    for (;;) {
      const c = line[i];
      if (inDouble) {
        if (i >= n) return null;
        if (c === '\\' && line[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
          word += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === '\\' && i + 1 < n) {
          const e = line[++i];
          word += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (c === '"') {
          // A closing quote must be followed by a space or the end.
          if (i + 1 < n && !isSpace(line[i + 1])) return null;
          i++;
          break;
        } else {
          word += c;
        }
      } else if (inSingle) {
        if (i >= n) return null;
        if (c === '\\' && line[i + 1] === "'") {
          word += "'";
          i++;
        } else if (c === "'") {
          if (i + 1 < n && !isSpace(line[i + 1])) return null;
          i++;
          break;
        } else {
          word += c;
        }
      } else {
        if (i >= n || isSpace(c)) break;
        if (c === '"') inDouble = true;
        else if (c === "'") inSingle = true;
        else word += c;
      }
      i++;
    }
    out.push(word);
  }
}
