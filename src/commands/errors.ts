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

// Hashes (t_hash.c; the field expiry texts are Redis 7.4's).
export const HASH_VALUE_NOT_INTEGER = 'ERR hash value is not an integer';
export const HASH_VALUE_NOT_FLOAT = 'ERR hash value is not a float';
export const NAN_OR_INFINITY_VALUE = 'ERR value is NaN or Infinity';
export const VALUE_OUT_OF_RANGE = 'ERR value is out of range';
/** getRangeLongFromObjectOrReply's text for the range [-LONG_MAX, LONG_MAX] (random counts). */
export const COUNT_OUT_OF_RANGE = 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807';
export const FIELDS_KEYWORD_MISSING = 'ERR Mandatory argument FIELDS is missing or not at the right position';
export const NUMFIELDS_MISMATCH = 'ERR The `numfields` parameter must match the number of arguments';
export const NUMFIELDS_NOT_POSITIVE = 'ERR Number of fields must be a positive integer';
export const EXPIRE_NUMFIELDS_NOT_POSITIVE = 'ERR Parameter `numFields` should be greater than 0';
export const NEGATIVE_EXPIRE_TIME = 'ERR invalid expire time, must be >= 0';

// Sorted sets (t_zset.c).
export const ZSET_XX_AND_NX = 'ERR XX and NX options at the same time are not compatible';
export const ZSET_GT_LT_NX = 'ERR GT, LT, and/or NX options at the same time are not compatible';
export const ZSET_INCR_PAIRS = 'ERR INCR option supports a single increment-element pair';
export const ZSET_NAN_SCORE = 'ERR resulting score is not a number (NaN)';
export const ZSET_SCORE_RANGE = 'ERR min or max is not a float';
export const ZSET_LEX_RANGE = 'ERR min or max not valid string range item';
export const ZSET_LIMIT_WITH_RANK = 'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX';
export const ZSET_WITHSCORES_WITH_LEX = 'ERR syntax error, WITHSCORES not supported in combination with BYLEX';
export const NUMKEYS_NOT_POSITIVE = 'ERR numkeys should be greater than 0';
export const POP_COUNT_NOT_POSITIVE = 'ERR count should be greater than 0';
export const ZSET_WEIGHT_NOT_FLOAT = 'ERR weight value is not a float';
export const ZSET_LIMIT_NEGATIVE = "ERR LIMIT can't be negative";

// Lists (t_list.c) and blocking commands (timeout.c, blocked.c). LMPOP/BLMPOP and ZMPOP/BZMPOP
// share NUMKEYS_NOT_POSITIVE and POP_COUNT_NOT_POSITIVE (args.ts parseMpopArgs).
export const LPOS_RANK_ZERO =
  "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list";
export const LPOS_COUNT_NEGATIVE = "ERR COUNT can't be negative";
export const LPOS_MAXLEN_NEGATIVE = "ERR MAXLEN can't be negative";
export const TIMEOUT_NOT_FLOAT = 'ERR timeout is not a float or out of range';
export const TIMEOUT_OUT_OF_RANGE = 'ERR timeout is out of range';
export const TIMEOUT_NEGATIVE = 'ERR timeout is negative';
export const TIMEOUT_NOT_INTEGER = 'ERR timeout is not an integer or out of range';
export const UNBLOCKED_BY_CLIENT = 'UNBLOCKED client unblocked via CLIENT UNBLOCK';
export const UNBLOCK_REASON = 'ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR';

/** ZUNION/ZINTER/ZDIFF (and their STORE forms, ZINTERCARD) with numkeys below 1. */
export function zsetNoInputKeys(fullname: string): string {
  return `ERR at least 1 input key is needed for '${fullname}' command`;
}

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
