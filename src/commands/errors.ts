/**
 * Every error reply, spelled exactly as Redis 7 spells it, in one place.
 * (Replies carry the code; the writer adds the leading '-'.)
 */

export const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
export const SYNTAX = 'ERR syntax error';
export const NOT_INTEGER = 'ERR value is not an integer or out of range';
export const NOT_FLOAT = 'ERR value is not a valid float';
export const OVERFLOW = 'ERR increment or decrement would overflow';
export const NO_SUCH_KEY = 'ERR no such key';
export const DB_INDEX_OUT_OF_RANGE = 'ERR DB index is out of range';
export const SAME_OBJECT = 'ERR source and destination objects are the same';
export const INDEX_OUT_OF_RANGE = 'ERR index out of range';
export const STRING_TOO_LONG = 'ERR string exceeds maximum allowed size (proto-max-bulk-len)';
export const NOAUTH = 'NOAUTH Authentication required.';
export const NOT_POSITIVE = 'ERR value is out of range, must be positive';
export const INVALID_CURSOR = 'ERR invalid cursor';
export const NAN_OR_INFINITY = 'ERR increment would produce NaN or Infinity';
/** getIntFromObjectOrReply's text for an int64 outside the int range (sic: "must between"). */
export const INT_RANGE = 'ERR value is out of range, value must between -2147483648 and 2147483647';
export const SELECT_NOT_ALLOWED_IN_CLUSTER = 'ERR SELECT is not allowed in cluster mode';

// Family-specific replies.
export const DECREMENT_OVERFLOW = 'ERR decrement would overflow';
export const OFFSET_OUT_OF_RANGE = 'ERR offset is out of range';
export const LCS_NOT_STRINGS = 'ERR The specified keys must contain string values';
export const LCS_LEN_AND_IDX = 'ERR If you want both the length and indexes, please just use IDX.';
export const LCS_TOO_MUCH_MEMORY = 'ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len';
export const INVALID_FIRST_DB = 'ERR invalid first DB index';
export const INVALID_SECOND_DB = 'ERR invalid second DB index';
export const NX_WITH_OTHERS = 'ERR NX and XX, GT or LT options at the same time are not compatible';
export const GT_AND_LT = 'ERR GT and LT options at the same time are not compatible';
export const UNKNOWN_TYPE_OBJECT = 'ERR unknown type object';

export function wrongArity(fullname: string): string {
  return `ERR wrong number of arguments for '${fullname}' command`;
}

export function invalidExpireTime(command: string): string {
  return `ERR invalid expire time in '${command}' command`;
}

export function unknownSubcommand(sub: string, container: string): string {
  return `ERR unknown subcommand '${cString(sub, 128)}'. Try ${container.toUpperCase()} HELP.`;
}

/**
 * A user string as C's "%.<max>s" prints it: cut at the first NUL byte and at `max` bytes.
 * Redis formats names from the request this way into its error messages.
 */
export function cString(s: string, max: number): string {
  const nul = s.indexOf('\0');
  const t = nul >= 0 ? s.slice(0, nul) : s;
  return t.length > max ? t.slice(0, max) : t;
}
