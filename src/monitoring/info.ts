/**
 * INFO: the server's report on itself, in Redis 7.2's sections, field names and formats.
 *
 * Monitoring tools, client libraries (which read redis_version and role from it) and people
 * parse this text, so its shape is Redis's exactly: "# Section" headers, "field:value" lines
 * ending in \r\n, a blank line between sections, sections in Redis's order, and the same rules
 * for which sections a request selects ("default", "all", "everything", several names, unknown
 * names ignored). The values are cachica's own: memory is the V8 heap plus the off-heap
 * keyspace, CPU is the process's. What cachica does not have yet (replication, Lua, latency
 * histograms) is reported as a Redis with that feature idle would report it, and the fork and
 * copy-on-write fields as 0, as there is no fork.
 *
 * It also keeps the identity a server shows there (run_id, the replication ID), which is per
 * engine, not per process, so several embedded stores in one process stay distinct.
 */

import { randomBytes } from 'node:crypto';
import { arch, machine, release, totalmem, type as osType } from 'node:os';
import type { Engine } from '../server/engine.js';
import { ChannelKind } from '../server/pubsub.js';
import { CACHICA_VERSION, SERVER_VERSION } from '../server/version.js';
import type { SlicedLoad } from '../server/snapshot.js';
import { AofState } from '../server/aof.js';

// ---------------------------------------------------------------------------------------------
// Identity: run_id and replication IDs
// ---------------------------------------------------------------------------------------------

interface Identity {
  /** A random 40-hex-digit ID for this run (Redis's server.runid). */
  runId: string;
  replId: string;
  replId2: string;
}


const identities = new WeakMap<Engine, Identity>();
const NO_REPL_ID = '0'.repeat(40);

function randomHex40(): string {
  return randomBytes(20).toString('hex');
}

/** The engine's run_id and replication IDs, made on first use. */
export function identity(engine: Engine): Identity {
  let id = identities.get(engine);
  if (id === undefined) {
    id = { runId: randomHex40(), replId: randomHex40(), replId2: NO_REPL_ID };
    identities.set(engine, id);
  }
  return id;
}

/** DEBUG CHANGE-REPL-ID: a new replication ID, and no secondary one (changeReplicationId + clearReplicationId2). */
export function changeReplicationId(engine: Engine): void {
  const id = identity(engine);
  id.replId = randomHex40();
  id.replId2 = NO_REPL_ID;
}

// ---------------------------------------------------------------------------------------------
// Section selection (Redis's genInfoSectionDict)
// ---------------------------------------------------------------------------------------------

/** What INFO with no argument shows. "module_list" is the Modules section's other name. */
const DEFAULT_SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'module_list', 'errorstats', 'cluster', 'keyspace'];

interface Selection {
  names: Set<string>;
  all: boolean;
}

function select(args: readonly string[]): Selection {
  const names = new Set<string>();
  let all = false;
  if (args.length === 0) return { names: new Set(DEFAULT_SECTIONS), all };
  for (const arg of args) {
    const name = arg.toLowerCase();
    if (name === 'default') for (const s of DEFAULT_SECTIONS) names.add(s);
    else if (name === 'all' || name === 'everything') all = true;
    else names.add(name);
  }
  return { names, all };
}

// ---------------------------------------------------------------------------------------------
// The report
// ---------------------------------------------------------------------------------------------

type Lines = string[];

/** A section: its header, the names that select it, and its lines. */
interface Section {
  title: string;
  names: readonly string[];
  lines: (engine: Engine) => Lines;
}

const SECTIONS: readonly Section[] = [
  { title: 'Server', names: ['server'], lines: serverSection },
  { title: 'Clients', names: ['clients'], lines: clientsSection },
  { title: 'Memory', names: ['memory'], lines: memorySection },
  { title: 'Persistence', names: ['persistence'], lines: persistenceSection },
  { title: 'Stats', names: ['stats'], lines: statsSection },
  { title: 'Replication', names: ['replication'], lines: replicationSection },
  { title: 'CPU', names: ['cpu'], lines: cpuSection },
  { title: 'Modules', names: ['module_list', 'modules'], lines: () => [] },
  { title: 'Commandstats', names: ['commandstats'], lines: commandStatsSection },
  { title: 'Errorstats', names: ['errorstats'], lines: errorStatsSection },
  // Redis fills this from per-command latency histograms (latency-tracking); cachica keeps none
  // yet, so it shows what Redis shows with latency-tracking off: the header alone.
  { title: 'Latencystats', names: ['latencystats'], lines: () => [] },
  { title: 'Cluster', names: ['cluster'], lines: () => ['cluster_enabled:0'] },
  { title: 'Keyspace', names: ['keyspace'], lines: keyspaceSection },
];

/** Shown only when asked for by name, never by "all" or "everything" (as in Redis 7.2). */
const DEBUG_SECTION: Section = { title: 'Debug', names: ['debug'], lines: debugSection };

/**
 * The INFO text for the section arguments `args` (empty: the default sections), exactly as
 * genRedisInfoString lays it out. An unknown section name contributes nothing.
 */
export function infoText(engine: Engine, args: readonly string[]): string {
  const { names, all } = select(args);
  let out = '';
  for (const section of [...SECTIONS, DEBUG_SECTION]) {
    const wanted = section === DEBUG_SECTION ? names.has('debug') : all || section.names.some((n) => names.has(n));
    if (!wanted) continue;
    if (out !== '') out += '\r\n';
    out += `# ${section.title}\r\n`;
    for (const line of section.lines(engine)) out += `${line}\r\n`;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Formatting helpers
// ---------------------------------------------------------------------------------------------

/** Redis's bytesToHuman: 1023B, 1.00K, 2.50M, ... */
export function bytesToHuman(n: number): string {
  const units = ['K', 'M', 'G', 'T', 'P'];
  if (n < 1024) return `${n}B`;
  let scale = 1024;
  for (const unit of units) {
    if (n < scale * 1024) return `${(n / scale).toFixed(2)}${unit}`;
    scale *= 1024;
  }
  return `${n}B`;
}

/** C's "%.2f" of a value Redis computes as a float. */
function fixed2(v: number): string {
  return Math.fround(v).toFixed(2);
}

/** "%ld.%06ld" of a microsecond count, as Redis prints rusage times. */
function seconds6(usec: number): string {
  const s = Math.floor(usec / 1e6);
  return `${s}.${String(Math.floor(usec - s * 1e6)).padStart(6, '0')}`;
}

/** INFO values must not break the format: Redis replaces '#', ':', CR and LF with '_'. */
function safe(s: string): string {
  return s.replace(/[#:\r\n]/g, '_');
}

/** Current time in microseconds. */
function nowUsec(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

// ---------------------------------------------------------------------------------------------
// Sections
// ---------------------------------------------------------------------------------------------

function serverSection(engine: Engine): Lines {
  const { config, store } = engine;
  const uptime = Math.floor(Date.now() / 1000) - Math.floor(engine.startedAt / 1000);
  const hz = config.getNumber('hz');
  const port = config.getNumber('port');
  const lines = [
    `redis_version:${SERVER_VERSION}`,
    'redis_git_sha1:00000000',
    'redis_git_dirty:0',
    `redis_build_id:${buildId()}`,
    'redis_mode:standalone',
    `os:${osType()} ${release()} ${machine()}`,
    `arch_bits:${arch().endsWith('64') ? 64 : 32}`,
    'monotonic_clock:POSIX clock_gettime',
    `multiplexing_api:${process.platform === 'linux' ? 'epoll' : process.platform === 'win32' ? 'iocp' : 'kqueue'}`,
    'atomicvar_api:c11-builtin',
    'gcc_version:0.0.0',
    `process_id:${process.pid}`,
    'process_supervised:no',
    `run_id:${identity(engine).runId}`,
    `tcp_port:${port}`,
    `server_time_usec:${nowUsec()}`,
    `uptime_in_seconds:${uptime}`,
    `uptime_in_days:${Math.floor(uptime / 86400)}`,
    `hz:${hz}`,
    `configured_hz:${hz}`,
    `lru_clock:${store.lruClock}`,
    `executable:${executable()}`,
    `config_file:${config.configFile}`,
    'io_threads_active:0',
  ];
  // Redis 7.2's listener lines (getListensInfoString): TCP, then the unix socket.
  if (port !== 0) {
    const binds = config.get('bind').split(' ').filter((b) => b !== '');
    lines.push(`listener0:name=tcp${binds.map((b) => `,bind=${b}`).join('')},port=${port}`);
  }
  const unix = config.get('unixsocket');
  if (unix !== '') lines.push(`listener1:name=unix,bind=${unix}`);
  lines.push(`cachica_version:${CACHICA_VERSION}`);
  return lines;
}

/** A stable build identifier, as redis_build_id is: derived from what was built. */
function buildId(): string {
  let h = 0x811c9dc5;
  for (const ch of `cachica-${CACHICA_VERSION}-node-${process.version}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return h.toString(16).padStart(8, '0') + ((h ^ 0x5bd1e995) >>> 0).toString(16).padStart(8, '0');
}

/** The program that runs the server: the script Node was given, else Node itself (embedded). */
function executable(): string {
  const script = process.argv[1];
  return script !== undefined && script !== '' ? script : process.execPath;
}

function clientsSection(engine: Engine): Lines {
  let maxInput = 0;
  let maxOutput = 0;
  for (const client of engine.clients.values()) {
    maxInput = Math.max(maxInput, client.parser.pending);
    maxOutput = Math.max(maxOutput, client.reply.pos + (client.socket?.writableLength ?? 0));
  }
  return [
    `connected_clients:${engine.clients.size}`,
    'cluster_connections:0',
    `maxclients:${engine.config.get('maxclients')}`,
    `client_recent_max_input_buffer:${maxInput}`,
    `client_recent_max_output_buffer:${maxOutput}`,
    `blocked_clients:${engine.blocking.blockedClients + engine.pause.waiting}`,
    `tracking_clients:${engine.tracking.clients}`,
    `clients_in_timeout_table:${engine.blocking.clientsWithDeadline}`,
    `total_blocking_keys:${engine.blocking.totalBlockingKeys}`,
    `total_blocking_keys_on_nokey:${engine.blocking.totalBlockingKeysOnNoKey}`,
  ];
}

interface MemoryFigures {
  /** used_memory: the dataset and the clients' buffers (Engine.usedMemory). */
  used: number;
  rss: number;
  heapTotal: number;
  offHeap: number;
  /** Input and output buffers held for clients. */
  clients: number;
}

function usedMemory(engine: Engine): MemoryFigures {
  const m = process.memoryUsage();
  const used = engine.usedMemory();
  return { used, rss: m.rss, heapTotal: m.heapTotal, offHeap: engine.store.offHeapBytes, clients: engine.clientBufferBytes() };
}

function memorySection(engine: Engine): Lines {
  const mem = usedMemory(engine);
  const used = mem.used;
  // used_memory counts data and client buffers, not the runtime's own heap (code, the command
  // table), which is in used_memory_rss: an empty server starts from nothing.
  const startup = 0;
  const peak = engine.stats.trackMemory(used);
  const allocated = used;
  const active = mem.heapTotal + mem.offHeap;
  const resident = mem.rss;
  const overhead = Math.min(used, startup + mem.clients);
  const dataset = used - overhead;
  const netUsage = used > startup ? used - startup : 1;
  const maxmemory = engine.config.getNumber('maxmemory');
  const total = totalmem();
  const lua = engine.scripting.memory();
  return [
    `used_memory:${used}`,
    `used_memory_human:${bytesToHuman(used)}`,
    `used_memory_rss:${mem.rss}`,
    `used_memory_rss_human:${bytesToHuman(mem.rss)}`,
    `used_memory_peak:${peak}`,
    `used_memory_peak_human:${bytesToHuman(peak)}`,
    `used_memory_peak_perc:${fixed2((used * 100) / peak)}%`,
    `used_memory_overhead:${overhead}`,
    `used_memory_startup:${startup}`,
    `used_memory_dataset:${dataset}`,
    `used_memory_dataset_perc:${fixed2((dataset * 100) / netUsage)}%`,
    `allocator_allocated:${allocated}`,
    `allocator_active:${active}`,
    `allocator_resident:${resident}`,
    `total_system_memory:${total}`,
    `total_system_memory_human:${bytesToHuman(total)}`,
    `used_memory_lua:${lua.evalVm}`,
    `used_memory_vm_eval:${lua.evalVm}`,
    `used_memory_lua_human:${bytesToHuman(lua.evalVm)}`,
    `used_memory_scripts_eval:${lua.scriptBytes}`,
    `number_of_cached_scripts:${lua.scripts}`,
    `number_of_functions:${lua.functions}`,
    `number_of_libraries:${lua.libraries}`,
    `used_memory_vm_functions:${lua.functionsVm}`,
    `used_memory_vm_total:${lua.evalVm + lua.functionsVm}`,
    `used_memory_vm_total_human:${bytesToHuman(lua.evalVm + lua.functionsVm)}`,
    `used_memory_functions:${lua.libraryBytes}`,
    `used_memory_scripts:${lua.scriptBytes + lua.libraryBytes}`,
    `used_memory_scripts_human:${bytesToHuman(lua.scriptBytes + lua.libraryBytes)}`,
    `maxmemory:${maxmemory}`,
    `maxmemory_human:${bytesToHuman(maxmemory)}`,
    `maxmemory_policy:${engine.config.get('maxmemory-policy')}`,
    `allocator_frag_ratio:${fixed2(active / allocated)}`,
    `allocator_frag_bytes:${Math.max(0, active - allocated)}`,
    `allocator_rss_ratio:${fixed2(resident / active)}`,
    `allocator_rss_bytes:${resident - active}`,
    'rss_overhead_ratio:1.00',
    'rss_overhead_bytes:0',
    `mem_fragmentation_ratio:${fixed2(mem.rss / used)}`,
    `mem_fragmentation_bytes:${mem.rss - used}`,
    'mem_not_counted_for_evict:0',
    'mem_replication_backlog:0',
    'mem_total_replication_buffers:0',
    'mem_clients_slaves:0',
    `mem_clients_normal:${mem.clients}`,
    'mem_cluster_links:0',
    `mem_aof_buffer:${engine.persistence.aof.bufferLength}`,
    // Redis names its allocator here (jemalloc-5.3.0, libc); ours is V8's heap plus our slabs.
    `mem_allocator:v8-${process.versions.v8}`,
    'active_defrag_running:0',
    `lazyfree_pending_objects:${engine.store.pendingLazyFree}`,
    `lazyfreed_objects:${engine.store.lazyFreedObjects}`,
  ];
}

/** INFO persistence: snapshots, background saves and the AOF, with Redis's field names. */
function persistenceSection(engine: Engine): Lines {
  const loading = engine.loading;
  const p = engine.persistence;
  const aof = p.aof;
  const saving = p.bgsave ?? aof.rewrite;
  const lines = [
    `loading:${loading === null ? 0 : 1}`,
    'async_loading:0',
    'current_cow_peak:0',
    'current_cow_size:0',
    'current_cow_size_age:0',
    'current_fork_perc:0.00',
    `current_save_keys_processed:${saving?.keysProcessed ?? 0}`,
    `current_save_keys_total:${saving?.keysTotal ?? 0}`,
    `rdb_changes_since_last_save:${engine.dirty}`,
    `rdb_bgsave_in_progress:${p.bgsave === null ? 0 : 1}`,
    `rdb_last_save_time:${p.lastSaveTime}`,
    `rdb_last_bgsave_status:${p.lastSaveOk ? 'ok' : 'err'}`,
    `rdb_last_bgsave_time_sec:${p.lastBgsaveSeconds}`,
    `rdb_current_bgsave_time_sec:${p.bgsaveSeconds}`,
    `rdb_saves:${p.saves}`,
    'rdb_last_cow_size:0',
    `rdb_last_load_keys_expired:${p.lastLoadKeysExpired}`,
    `rdb_last_load_keys_loaded:${p.lastLoadKeysLoaded}`,
    `aof_enabled:${aof.state === AofState.Off ? 0 : 1}`,
    `aof_rewrite_in_progress:${aof.rewrite === null ? 0 : 1}`,
    `aof_rewrite_scheduled:${aof.rewriteScheduled ? 1 : 0}`,
    `aof_last_rewrite_time_sec:${aof.lastRewriteSeconds}`,
    `aof_current_rewrite_time_sec:${aof.rewriteSeconds}`,
    `aof_last_bgrewrite_status:${aof.lastRewriteOk ? 'ok' : 'err'}`,
    `aof_rewrites:${aof.rewrites}`,
    `aof_rewrites_consecutive_failures:${aof.rewriteFailures}`,
    `aof_last_write_status:${aof.lastWriteOk ? 'ok' : 'err'}`,
    'aof_last_cow_size:0',
    'module_fork_in_progress:0',
    'module_fork_last_cow_size:0',
  ];
  if (aof.state !== AofState.Off) {
    lines.push(
      `aof_current_size:${aof.currentSize}`,
      `aof_base_size:${aof.baseSize}`,
      `aof_pending_rewrite:${aof.rewriteScheduled ? 1 : 0}`,
      `aof_buffer_length:${aof.bufferLength}`,
      `aof_pending_bio_fsync:${aof.pendingFsync ? 1 : 0}`,
      `aof_delayed_fsync:${aof.delayedFsyncs}`,
    );
  }
  if (loading !== null) lines.push(...loadingLines(loading.loader, loading.startedAt, loading.rdbUsedMem));
  return lines;
}

/** The progress of a load, as Redis adds it to the section while it loads. */
function loadingLines(loader: SlicedLoad, startedAt: number, rdbUsedMem: number): Lines {
  const total = loader.totalBytes;
  const loaded = loader.loadedBytes;
  const elapsed = (Date.now() - startedAt) / 1000;
  const eta = loaded === 0 ? 1 : Math.floor((elapsed * (total - loaded)) / loaded);
  return [
    `loading_start_time:${Math.floor(startedAt / 1000)}`,
    `loading_total_bytes:${total}`,
    `loading_rdb_used_mem:${rdbUsedMem}`,
    `loading_loaded_bytes:${loaded}`,
    `loading_loaded_perc:${fixed2((loaded * 100) / total)}`,
    `loading_eta_seconds:${eta}`,
  ];
}

function statsSection(engine: Engine): Lines {
  const { stats, store } = engine;
  return [
    `total_connections_received:${stats.connectionsReceived}`,
    `total_commands_processed:${stats.commandsProcessed}`,
    `instantaneous_ops_per_sec:${stats.instantaneousOps}`,
    `total_net_input_bytes:${stats.netInputBytes}`,
    `total_net_output_bytes:${stats.netOutputBytes}`,
    'total_net_repl_input_bytes:0',
    'total_net_repl_output_bytes:0',
    `instantaneous_input_kbps:${fixed2(stats.instantaneousInputKbps)}`,
    `instantaneous_output_kbps:${fixed2(stats.instantaneousOutputKbps)}`,
    'instantaneous_input_repl_kbps:0.00',
    'instantaneous_output_repl_kbps:0.00',
    `rejected_connections:${stats.rejectedConnections}`,
    'sync_full:0',
    'sync_partial_ok:0',
    'sync_partial_err:0',
    `expired_keys:${store.expiredKeys}`,
    `expired_stale_perc:${fixed2(store.expiredStalePercent * 100)}`,
    `expired_time_cap_reached_count:${store.expiredTimeCapReached}`,
    'expire_cycle_cpu_milliseconds:0',
    `evicted_keys:${stats.evictedKeys}`,
    `evicted_clients:${stats.evictedClients}`,
    `total_eviction_exceeded_time:${engine.eviction.totalExceededMs}`,
    `current_eviction_exceeded_time:${engine.eviction.currentExceededMs}`,
    `keyspace_hits:${store.keyspaceHits}`,
    `keyspace_misses:${store.keyspaceMisses}`,
    `pubsub_channels:${engine.pubsub.channelCount(ChannelKind.Global)}`,
    `pubsub_patterns:${engine.pubsub.patternCount}`,
    `pubsubshard_channels:${engine.pubsub.channelCount(ChannelKind.Shard)}`,
    'latest_fork_usec:0',
    'total_forks:0',
    'migrate_cached_sockets:0',
    'slave_expires_tracked_keys:0',
    'active_defrag_hits:0',
    'active_defrag_misses:0',
    'active_defrag_key_hits:0',
    'active_defrag_key_misses:0',
    'total_active_defrag_time:0',
    'current_active_defrag_time:0',
    `tracking_total_keys:${engine.tracking.keys}`,
    `tracking_total_items:${engine.tracking.items}`,
    `tracking_total_prefixes:${engine.tracking.prefixCount}`,
    `unexpected_error_replies:${stats.unexpectedErrorReplies}`,
    `total_error_replies:${stats.errorReplies}`,
    'dump_payload_sanitizations:0',
    `total_reads_processed:${stats.readsProcessed}`,
    `total_writes_processed:${stats.writesProcessed}`,
    'io_threaded_reads_processed:0',
    'io_threaded_writes_processed:0',
    'reply_buffer_shrinks:0',
    'reply_buffer_expands:0',
    'eventloop_cycles:0',
    'eventloop_duration_sum:0',
    'eventloop_duration_cmd_sum:0',
    'instantaneous_eventloop_cycles_per_sec:0',
    'instantaneous_eventloop_duration_usec:0',
    'acl_access_denied_auth:0',
    'acl_access_denied_cmd:0',
    'acl_access_denied_key:0',
    'acl_access_denied_channel:0',
  ];
}

function replicationSection(engine: Engine): Lines {
  const id = identity(engine);
  return [
    'role:master',
    'connected_slaves:0',
    'master_failover_state:no-failover',
    `master_replid:${id.replId}`,
    `master_replid2:${id.replId2}`,
    'master_repl_offset:0',
    'second_repl_offset:-1',
    'repl_backlog_active:0',
    'repl_backlog_size:1048576',
    'repl_backlog_first_byte_offset:0',
    'repl_backlog_histlen:0',
  ];
}

/**
 * Node reports CPU time for the whole process only, so the main thread's figures are the
 * process's (they include V8's helper threads, which Redis's would not).
 */
function cpuSection(): Lines {
  const usage = process.cpuUsage();
  return [
    `used_cpu_sys:${seconds6(usage.system)}`,
    `used_cpu_user:${seconds6(usage.user)}`,
    'used_cpu_sys_children:0.000000',
    'used_cpu_user_children:0.000000',
    `used_cpu_sys_main_thread:${seconds6(usage.system)}`,
    `used_cpu_user_main_thread:${seconds6(usage.user)}`,
  ];
}

function commandStatsSection(engine: Engine): Lines {
  const lines: Lines = [];
  for (const cmd of engine.commands.everyCommand()) {
    if (cmd.calls === 0 && cmd.failedCalls === 0 && cmd.rejectedCalls === 0) continue;
    const usec = Math.floor(cmd.usec);
    const perCall = cmd.calls === 0 ? 0 : Math.fround(usec) / cmd.calls;
    lines.push(
      `cmdstat_${safe(cmd.name)}:calls=${cmd.calls},usec=${usec},usec_per_call=${fixed2(perCall)},rejected_calls=${cmd.rejectedCalls},failed_calls=${cmd.failedCalls}`,
    );
  }
  return lines;
}

/** Redis keeps error codes in a radix tree, so they come out in byte order. */
function errorStatsSection(engine: Engine): Lines {
  const codes = [...engine.stats.errorCodes.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return codes.map(([code, count]) => `errorstat_${safe(code)}:count=${count}`);
}

function keyspaceSection(engine: Engine): Lines {
  const lines: Lines = [];
  for (const db of engine.store.databases) {
    const keys = db.size;
    const expires = db.expires.size;
    if (keys === 0 && expires === 0) continue;
    lines.push(`db${db.id}:keys=${keys},expires=${expires},avg_ttl=${Math.trunc(db.avgTtl)}`);
  }
  return lines;
}

function debugSection(): Lines {
  return ['eventloop_duration_aof_sum:0', 'eventloop_duration_cron_sum:0', 'eventloop_duration_max:0', 'eventloop_cmd_per_cycle_max:0'];
}
