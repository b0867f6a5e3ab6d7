/**
 * Subcommands Redis 7.2 added that the generated 7.0 table (redis-commands.ts) lacks, written
 * from Redis 7.2's src/commands/client-setinfo.json and client-no-touch.json in the form the
 * generator emits. Delete this file once the table is regenerated from a Redis 7.2 server.
 */

import type { CommandMeta } from './index.js';

export const REDIS_72_ADDITIONS: readonly CommandMeta[] = [
  {name:"client|no-touch",arity:3,flags:["noscript","loading","stale"],firstKey:0,lastKey:0,keyStep:0,aclCategories:["slow","connection"],tips:[],keySpecs:[],docs:{summary:"Controls whether commands sent by the client affect the LRU/LFU of accessed keys.",since:"7.2.0",group:"connection",complexity:"O(1)",arguments:[{name:"enabled",type:"oneof",arguments:[{name:"on",type:"pure-token",token:"ON"},{name:"off",type:"pure-token",token:"OFF"}]}]},subcommands:[]},
  {name:"client|setinfo",arity:4,flags:["noscript","loading","stale"],firstKey:0,lastKey:0,keyStep:0,aclCategories:["slow","connection"],tips:["request_policy:all_nodes","response_policy:all_succeeded"],keySpecs:[],docs:{summary:"Sets information specific to the client or connection.",since:"7.2.0",group:"connection",complexity:"O(1)",arguments:[{name:"attr",type:"oneof",arguments:[{name:"libname",type:"string",token:"lib-name"},{name:"libver",type:"string",token:"lib-ver"}]}]},subcommands:[]},
];
