/**
 * The versions cachica reports. Clients read the Redis version (INFO redis_version, HELLO) to
 * decide which commands they may use; cachica follows Redis 7.2's semantics and says so.
 */
export const SERVER_VERSION = '7.2.4';
/** Redis's numeric form (0x00MMmmpp), as REDIS_VERSION_NUM. */
export const SERVER_VERSION_NUM = 0x00070204;
export const CACHICA_VERSION = '0.1.0';
