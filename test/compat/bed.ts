/**
 * The differential test bed: the same command sequences go to real Redis (the oracle) and to the
 * server under test (the subject), and what comes back must be the same bytes. A test written this
 * way states no expected value, so it cannot encode a misreading of Redis: Redis itself is the
 * specification, error strings and RESP2/RESP3 encodings included.
 *
 * A scenario is a list of steps on named connections. Each step runs on both servers at the same
 * moment and its replies are compared, by default byte for byte; a few compare modes exist for
 * replies that are legitimately different between two correct servers (key order of KEYS, the
 * value of TIME, a TTL read a millisecond apart, SCAN cursors). The subject is cachica unless
 * COMPAT_SUBJECT=redis, which runs a second redis-server instead, to check the bed itself: with
 * Redis on both sides every scenario must pass.
 */

import { after, before, it, type TestContext } from 'node:test';
import { AssertionError } from 'node:assert';
import { ConnectionClosedError, ReplyTimeoutError, RawConnection, decodeFrame, escapeBytes, type Arg, type RespFrame } from '../helpers/raw-connection.js';
import { startCachica, startRedis, type RunningServer } from '../helpers/servers.js';

export type { Arg } from '../helpers/raw-connection.js';

// ---------------------------------------------------------------------------------------------
// Scenario language
// ---------------------------------------------------------------------------------------------

/** Maps one reply to the form that is compared; both sides' replies go through it. */
export type Normalizer = (reply: Buffer) => Buffer | string;

/**
 * - exact:  the raw bytes are equal (the default).
 * - sorted: aggregate replies are equal as multisets of their elements (maps: of their pairs);
 *           for commands whose order is unspecified, like KEYS or SMEMBERS.
 * - ttl:    integers within `tolerance` of each other (default 1); negative integers (-1 no
 *           expire, -2 no key) and anything else must be exact.
 * - type:   the same RESP shape: type bytes, nulls and aggregate sizes, recursively; errors must
 *           be exact. For RANDOMKEY, TIME, OBJECT IDLETIME.
 * - scan:   the command is a SCAN/SSCAN/HSCAN/ZSCAN with cursor 0; the bed follows the cursor to
 *           0 on each server and compares the sets of elements gathered (errors exact).
 * - frames: the frames read are equal as a multiset, each exact; for messages that several
 *           subscriptions deliver in an order Redis takes from its hash tables.
 * - a Normalizer function.
 */
export type CompareMode = 'exact' | 'sorted' | 'frames' | 'ttl' | 'type' | 'scan' | Normalizer;

export interface CommandStep {
  /** A command, sent as a RESP multibulk (strings as UTF-8). */
  cmd?: readonly Arg[];
  /** Or exact bytes: inline commands, pipelines, malformed input. */
  raw?: Buffer | string;
  /** The connection to send on; default 'main'. */
  conn?: string;
  compare?: CompareMode;
  /** For compare 'ttl'. */
  tolerance?: number;
  /** Reply frames to read (a pipeline sends several); default 1, 0 for none. */
  frames?: number;
  /** Read frames until one satisfies this (and include it), instead of a fixed count. */
  until?: (frame: Buffer) => boolean;
  /** The server must close the connection after the replies (QUIT, protocol errors). */
  closes?: boolean;
  /** Per-frame read timeout; default 5000 ms. */
  timeoutMs?: number;
}

/** Wait in real time, on both servers at once: lets keys expire. */
export interface SleepStep {
  sleep: number;
}

/** Read `pushes` unsolicited frames (pub/sub messages, invalidations) on `conn` and compare them. */
export interface PushesStep {
  pushes: number;
  conn?: string;
  compare?: CompareMode;
  timeoutMs?: number;
}

/** A bare array is a command step with exact comparison. */
export type Step = readonly Arg[] | CommandStep | SleepStep | PushesStep;

export interface ConnectionOptions {
  /** Forces this connection's protocol; otherwise it follows the run (RESP2 or RESP3). */
  resp?: 2 | 3;
}

export interface Scenario {
  name: string;
  steps: readonly Step[];
  /** Connections opened before the first step, in this order; others open on first use. */
  conns?: Record<string, ConnectionOptions>;
  /** Commands run on the admin connection afterwards, even on failure (CONFIG SET undo). */
  cleanup?: readonly (readonly Arg[])[];
  /** Protocols to run in; default both. */
  resp?: readonly (2 | 3)[];
  /** How to reproduce a generated scenario, shown in failure messages. */
  seed?: string;
  /** Ask each connection its CLIENT ID when it opens, so steps can name it with idOf(). */
  clientIds?: boolean;
}

const ID_MARK = '\u0000client-id:';

/** An argument standing for connection `conn`'s client id on each server (needs `clientIds`). */
export function idOf(conn: string): string {
  return ID_MARK + conn;
}

/** Step builders for the common compare modes, so scenarios read as command lists. */
export function sorted(...cmd: Arg[]): CommandStep {
  return { cmd, compare: 'sorted' };
}

/** A TTL-like integer: 1 apart for seconds, 250 apart for the millisecond commands. */
export function ttl(...cmd: Arg[]): CommandStep {
  const name = String(cmd[0]).toUpperCase();
  return { cmd, compare: 'ttl', tolerance: name.startsWith('P') ? 250 : 1 };
}

export function typeOnly(...cmd: Arg[]): CommandStep {
  return { cmd, compare: 'type' };
}

export function scan(...cmd: Arg[]): CommandStep {
  return { cmd, compare: 'scan' };
}

export function sleep(ms: number): SleepStep {
  return { sleep: ms };
}

/** The most frames a drain step reads before it gives up. */
const DRAIN_LIMIT = 10_000;

const DRAIN_MARKER = 'drain-marker-5f1c';

/**
 * Collect everything `conn` has been sent so far: a PING goes behind it, and the frames are read
 * up to its reply. Both servers write pushes (pub/sub messages, keyspace notifications) before
 * they run the next command of the same connection, so what comes before the PING's reply is
 * exactly what was pushed until then: no guessing at counts, no waiting on timers.
 */
export function drain(conn: string, compare?: CompareMode): CommandStep {
  return { cmd: ['PING', DRAIN_MARKER], conn, compare, until: (frame) => frame.includes(DRAIN_MARKER) };
}

export function raw(bytes: Buffer | string, frames = 1): CommandStep {
  return { raw: bytes, frames };
}

// ---------------------------------------------------------------------------------------------
// Where the oracle (Redis 7.0) and the target (Redis 7.2) differ
// ---------------------------------------------------------------------------------------------

/**
 * Normalizer for `<COMMAND> HELP` replies: Redis 7.0 ends every help text with
 * "    Prints this help.", 7.2 with "    Print this help."; 7.2 is the target.
 */
export function helpText(reply: Buffer): Buffer {
  return Buffer.from(reply.toString('latin1').replace('+    Prints this help.\r\n', '+    Print this help.\r\n'), 'latin1');
}

const DEFAULT_CONN = 'main';
/** COMPAT_TRACE=1 prints every step with the oracle's reply: a transcript to write scenarios from. */
const TRACE = Boolean(process.env.COMPAT_TRACE);
const DEFAULT_TIMEOUT_MS = 5000;
/** Steps shown before a mismatch. */
const CONTEXT_STEPS = 6;

// ---------------------------------------------------------------------------------------------
// The two servers
// ---------------------------------------------------------------------------------------------

export interface Side {
  /** 'redis' for the oracle; 'cachica' or 'redis (subject)'. */
  name: string;
  server: RunningServer;
  /** Long-lived connection for resets and probes; never used by scenario steps. */
  admin: RawConnection;
}

export interface Bed {
  oracle: Side;
  subject: Side;
  /**
   * Set when a server died or stopped answering the admin connection: every later scenario
   * fails at once with this reason instead of waiting for its own timeouts.
   */
  broken: string | null;
  stop(): Promise<void>;
}

/** Which subject runs: COMPAT_SUBJECT=cachica (default) or redis. */
export function subjectKind(): 'cachica' | 'redis' {
  const v = (process.env.COMPAT_SUBJECT ?? 'cachica').toLowerCase();
  if (v !== 'cachica' && v !== 'redis') throw new Error(`COMPAT_SUBJECT must be 'cachica' or 'redis', not ${JSON.stringify(v)}`);
  return v;
}

export interface BedOptions {
  /** Overrides COMPAT_SUBJECT: the bed's self-test needs two Redis servers whatever is tested. */
  subject?: 'cachica' | 'redis';
}

export async function startBed(opts: BedOptions = {}): Promise<Bed> {
  const kind = opts.subject ?? subjectKind();
  const [oracleServer, subjectServer] = await Promise.allSettled([startRedis(), kind === 'redis' ? startRedis() : startCachica()]);
  if (oracleServer.status === 'rejected' || subjectServer.status === 'rejected') {
    if (oracleServer.status === 'fulfilled') await oracleServer.value.stop();
    if (subjectServer.status === 'fulfilled') await subjectServer.value.stop();
    const reason = oracleServer.status === 'rejected' ? oracleServer.reason : (subjectServer as PromiseRejectedResult).reason;
    throw reason instanceof Error ? reason : new Error(String(reason));
  }
  const servers = [oracleServer.value, subjectServer.value];
  const names = ['redis', kind === 'redis' ? 'redis (subject)' : 'cachica'];
  let admins: RawConnection[];
  try {
    admins = await Promise.all(servers.map((srv, i) => RawConnection.connect(srv.port, srv.host, 5000, `${names[i]} admin`)));
  } catch (e) {
    await Promise.all(servers.map((srv) => srv.stop()));
    throw e;
  }
  const oracle: Side = { name: names[0], server: servers[0], admin: admins[0] };
  const subject: Side = { name: names[1], server: servers[1], admin: admins[1] };
  return {
    oracle,
    subject,
    broken: null,
    async stop() {
      await Promise.all([oracle.admin.close(), subject.admin.close()]);
      await Promise.all([oracle.server.stop(), subject.server.stop()]);
    },
  };
}

/**
 * Start the two servers before the enclosing describe's tests and stop them after; returns an
 * accessor (the servers exist only once the hook has run).
 */
export function useBed(opts: BedOptions = {}): () => Bed {
  let bed: Bed | null = null;
  before(async () => {
    bed = await startBed(opts);
  });
  after(async () => {
    await bed?.stop();
  });
  return () => {
    if (!bed) throw new Error('compat bed not started: call useBed() inside the describe whose tests use it');
    return bed;
  };
}

/** Register one test per scenario and protocol: `NAME [RESP2]`, `NAME [RESP3]`. */
export function defineScenarios(bed: () => Bed, scenarios: readonly Scenario[]): void {
  registerScenarios(scenarios, (scenario, resp) => () => runScenario(bed(), scenario, resp));
}

/**
 * Scenarios that need a command the subject may not have yet (the wrong-type scenarios need
 * RPUSH to make a list). They run when the subject's COMMAND INFO knows `command`. Otherwise each
 * test asserts that the subject really lacks it (the command replies "unknown command"), says so
 * in a diagnostic and is marked skipped: the gate can neither hide a regression nor pass quietly.
 * Call inside a describe: it adds a before hook.
 */
export function defineGatedScenarios(bed: () => Bed, command: string, scenarios: readonly Scenario[]): void {
  let gate: { open: boolean; probe: string } | null = null;
  before(async () => {
    const reply = await bed().subject.admin.call(['COMMAND', 'INFO', command]);
    let open = false;
    try {
      const frame = decodeFrame(reply);
      open = frame.type === '*' && frame.items?.length === 1 && !frame.items[0].isNull;
    } catch {
      open = false;
    }
    gate = { open, probe: escapeBytes(reply, 120) };
  });
  registerScenarios(scenarios, (scenario, resp) => async (t: TestContext) => {
    if (!gate) throw new Error('gate not evaluated: defineGatedScenarios must be called inside a describe');
    if (gate.open) return runScenario(bed(), scenario, resp);
    const { subject } = bed();
    const reply = await subject.admin.call([command]);
    const text = reply.toString('latin1');
    if (!text.startsWith('-ERR unknown command')) {
      throw new AssertionError({
        message:
          `${subject.name}: COMMAND INFO ${command} replied ${gate.probe}, so these scenarios are gated off, ` +
          `but ${command} itself replied ${escapeBytes(reply, 200)}: the command exists, so COMMAND INFO must describe it and the scenarios must run`,
      });
    }
    t.diagnostic(`gated off: ${subject.name} has no ${command} (COMMAND INFO ${command} -> ${gate.probe}); this scenario runs once it does`);
    t.skip(`${subject.name} has no ${command} yet`);
  });
}

function registerScenarios(scenarios: readonly Scenario[], body: (scenario: Scenario, resp: 2 | 3) => (t: TestContext) => Promise<void>): void {
  const seen = new Set<string>();
  for (const scenario of scenarios) {
    if (seen.has(scenario.name)) throw new Error(`duplicate scenario name ${JSON.stringify(scenario.name)}`);
    seen.add(scenario.name);
    for (const resp of scenario.resp ?? [2, 3]) it(`${scenario.name} [RESP${resp}]`, body(scenario, resp as 2 | 3));
  }
}

// ---------------------------------------------------------------------------------------------
// Running a scenario
// ---------------------------------------------------------------------------------------------

/** What a step produced on one server. */
interface Outcome {
  frames: Buffer[];
  /** How reading ended, when not simply with the frames: a timeout, a close, a failure. */
  trouble: string | null;
  /** For compare 'scan': every reply of the cursor loop (the frame compared is a summary). */
  scanReplies?: Buffer[];
}

interface History {
  index: number;
  text: string;
}

type Conns = Map<string, RawConnection>;

/** Client ids by connection, per side, for idOf(). */
const connectionIds = new WeakMap<RawConnection, string>();

/** `step` with idOf() markers replaced by the ids of the connections on this side. */
function withIds(step: CommandStep, conns: Conns): CommandStep {
  if (step.cmd === undefined || !step.cmd.some((a) => typeof a === 'string' && a.startsWith(ID_MARK))) return step;
  const cmd = step.cmd.map((a) => {
    if (typeof a !== 'string' || !a.startsWith(ID_MARK)) return a;
    const conn = conns.get(a.slice(ID_MARK.length));
    const id = conn === undefined ? undefined : connectionIds.get(conn);
    if (id === undefined) throw new Error(`idOf('${a.slice(ID_MARK.length)}'): no such connection with a known id (set clientIds and open it first)`);
    return id;
  });
  return { ...step, cmd };
}

export async function runScenario(bed: Bed, scenario: Scenario, resp: 2 | 3): Promise<void> {
  const label = `${scenario.name} [RESP${resp}]`;
  await resetBed(bed);
  const conns: [Conns, Conns] = [new Map(), new Map()];
  const sides: [Side, Side] = [bed.oracle, bed.subject];
  const history: History[] = [];
  let failure: unknown = null;
  try {
    const declared = Object.keys(scenario.conns ?? {});
    if (!declared.includes(DEFAULT_CONN)) declared.unshift(DEFAULT_CONN);
    for (const name of declared) await openOnBoth(sides, conns, scenario, name, resp);

    for (let i = 0; i < scenario.steps.length; i++) {
      const action = classify(scenario.steps[i]);
      if (action.kind === 'sleep') {
        await delay(action.ms);
        history.push({ index: i, text: `sleep ${action.ms} ms` });
        continue;
      }
      const connName = action.step.conn ?? DEFAULT_CONN;
      if (!conns[0].has(connName)) await openOnBoth(sides, conns, scenario, connName, resp);
      const mode: CompareMode = action.step.compare ?? 'exact';
      const description = action.kind === 'pushes' ? `(read ${action.step.pushes} unsolicited frames)` : describeCommand(action.step);

      const [oracleOut, subjectOut] = await Promise.all(
        conns.map((c) => {
          const conn = c.get(connName)!;
          return action.kind === 'pushes' ? readPushes(conn, action.step) : execute(conn, withIds(action.step, c));
        }),
      );
      const tolerance = action.kind === 'command' ? (action.step.tolerance ?? 1) : 1;
      const problem = compareOutcomes(mode, tolerance, oracleOut, subjectOut);
      if (problem) {
        throw mismatch(bed, label, scenario, i, connName, description, mode, oracleOut, subjectOut, problem, history);
      }
      const text = `[${connName}] ${description} -> ${summarize(oracleOut)}`;
      if (TRACE) process.stderr.write(`${label} #${i} ${text}\n`);
      history.push({ index: i, text });
    }

    // Anything still arriving is unsolicited output that one server sent and the other may not.
    const many = conns[0].size > 1 || scenario.steps.some((s) => classify(s).kind === 'pushes');
    if (many) await delay(20);
    for (const name of conns[0].keys()) {
      const left = [conns[0].get(name)!.takePending(), conns[1].get(name)!.takePending()];
      const outs: Outcome[] = left.map((frames) => ({ frames, trouble: null }));
      const problem = compareOutcomes('exact', 0, outs[0], outs[1]);
      if (problem) {
        throw mismatch(bed, label, scenario, scenario.steps.length, name, '(unread frames at the end of the scenario)', 'exact', outs[0], outs[1], problem, history);
      }
    }
  } catch (e) {
    failure = e;
  } finally {
    await Promise.all([...conns[0].values(), ...conns[1].values()].map((c) => c.close()));
    if (scenario.cleanup) {
      for (const cmd of scenario.cleanup) {
        const replies = await Promise.all(sides.map((s) => s.admin.call(cmd).catch((e: Error) => Buffer.from(`<${e.message}>`))));
        if (!failure && !replies[0].equals(replies[1])) {
          failure = new AssertionError({
            message: `${label}: cleanup ${describeArgs(cmd)} replied differently\n  ${sides[0].name}: ${escapeBytes(replies[0])}\n  ${sides[1].name}: ${escapeBytes(replies[1])}`,
          });
        }
      }
    }
  }
  if (failure) throw failure;
}

type Action = { kind: 'sleep'; ms: number } | { kind: 'pushes'; step: PushesStep } | { kind: 'command'; step: CommandStep };

function classify(step: Step): Action {
  if (Array.isArray(step)) return { kind: 'command', step: { cmd: step as readonly Arg[] } };
  if ('sleep' in step) return { kind: 'sleep', ms: step.sleep };
  if ('pushes' in step) return { kind: 'pushes', step };
  return { kind: 'command', step: step as CommandStep };
}

/** FLUSHALL so every scenario starts from empty databases; notices a dead or wedged server. */
async function resetBed(bed: Bed): Promise<void> {
  for (const side of [bed.oracle, bed.subject]) {
    const status = side.server.exitStatus();
    if (status && !bed.broken) bed.broken = `${side.name} is no longer running (${status})\n  log tail:\n${logTail(side)}`;
  }
  if (bed.broken) throw new Error(`not run: ${bed.broken}`);
  const replies = await Promise.all(
    [bed.oracle, bed.subject].map(async (side) => {
      try {
        return await side.admin.call(['FLUSHALL']);
      } catch (e) {
        bed.broken = `${side.name} stopped answering: FLUSHALL on its admin connection: ${(e as Error).message}\n  log tail:\n${logTail(side)}`;
        throw new Error(bed.broken);
      }
    }),
  );
  replies.forEach((reply, i) => {
    const side = i === 0 ? bed.oracle : bed.subject;
    if (reply.toString('latin1') !== '+OK\r\n') throw new Error(`${side.name}: FLUSHALL before the scenario replied ${escapeBytes(reply)}`);
  });
}

function logTail(side: Side, lines = 15): string {
  return side.server
    .logs()
    .trimEnd()
    .split('\n')
    .slice(-lines)
    .map((l) => `    ${l}`)
    .join('\n');
}

async function openOnBoth(sides: [Side, Side], conns: [Conns, Conns], scenario: Scenario, name: string, runResp: 2 | 3): Promise<void> {
  const resp = scenario.conns?.[name]?.resp ?? runResp;
  for (let s = 0; s < 2; s++) {
    const { server } = sides[s];
    const conn = await RawConnection.connect(server.port, server.host, 5000, `${sides[s].name} ${name}`);
    conns[s].set(name, conn);
    if (resp === 3) {
      // HELLO's reply carries the server's name, version and client id: only its shape matters.
      const hello = await conn.call(['HELLO', '3']);
      if (hello[0] !== 0x25 /* % */) {
        throw new Error(`${scenario.name}: HELLO 3 on connection '${name}' of ${sides[s].name} did not reply a map: ${escapeBytes(hello)}`);
      }
    }
    if (scenario.clientIds) connectionIds.set(conn, (await conn.call(['CLIENT', 'ID'])).toString('latin1').slice(1, -2));
  }
}

async function execute(conn: RawConnection, step: CommandStep): Promise<Outcome> {
  const timeoutMs = step.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const frames: Buffer[] = [];
  try {
    if (step.compare === 'scan') return await scanLoop(conn, step, timeoutMs);
    if (step.cmd) conn.send(step.cmd);
    else if (step.raw !== undefined) conn.send(step.raw);
    else throw new Error('a command step needs cmd or raw');
    if (step.until !== undefined) {
      for (let i = 0; i < DRAIN_LIMIT; i++) {
        const frame = await conn.readFrame(timeoutMs);
        frames.push(frame);
        if (step.until(frame)) return { frames, trouble: null };
      }
      return { frames, trouble: `no closing frame within ${DRAIN_LIMIT}` };
    }
    const n = step.frames ?? 1;
    for (let i = 0; i < n; i++) frames.push(await conn.readFrame(timeoutMs));
    if (step.closes) {
      const rest = await conn.expectClosed(2000).catch((e: Error) => e);
      if (rest instanceof Error) return { frames, trouble: 'connection left open (expected the server to close it)' };
      if (rest.length) return { frames, trouble: `closed after extra bytes ${escapeBytes(rest)}` };
      return { frames, trouble: 'closed' };
    }
    return { frames, trouble: null };
  } catch (e) {
    return { frames, trouble: troubleText(e) };
  }
}

async function readPushes(conn: RawConnection, step: PushesStep): Promise<Outcome> {
  const frames: Buffer[] = [];
  try {
    for (let i = 0; i < step.pushes; i++) frames.push(await conn.readFrame(step.timeoutMs ?? DEFAULT_TIMEOUT_MS));
    return { frames, trouble: null };
  } catch (e) {
    return { frames, trouble: troubleText(e) };
  }
}

function troubleText(e: unknown): string {
  if (e instanceof ReplyTimeoutError) return 'no reply (timeout)';
  if (e instanceof ConnectionClosedError) return 'connection closed';
  return `failed: ${(e as Error).message}`;
}

/** Scan commands whose elements come in (field, value) or (member, score) pairs. */
const PAIR_SCANS = new Set(['HSCAN', 'ZSCAN']);
const SCAN_LIMIT = 100_000;

/**
 * Follow a cursor to 0 and return one synthetic frame: the sorted, de-duplicated elements as a
 * RESP array (pairs as 2-element arrays). SCAN may return an element twice; only the set is
 * specified.
 */
async function scanLoop(conn: RawConnection, step: CommandStep, timeoutMs: number): Promise<Outcome> {
  const cmd = step.cmd;
  if (!cmd) throw new Error("compare 'scan' needs cmd");
  const name = argText(cmd[0]).toUpperCase();
  const cursorIndex = name === 'SCAN' ? 1 : 2;
  const pairs = PAIR_SCANS.has(name);
  const seen = new Map<string, Buffer>();
  const replies: Buffer[] = [];
  let cursor = argText(cmd[cursorIndex] ?? '0');
  for (let round = 0; ; round++) {
    if (round === SCAN_LIMIT) return { frames: [], trouble: `cursor did not reach 0 after ${SCAN_LIMIT} calls`, scanReplies: replies.slice(-3) };
    const args = [...cmd];
    if (cursorIndex < args.length) args[cursorIndex] = cursor;
    const reply = await conn.call(args, timeoutMs);
    replies.push(reply);
    const frame = decodeFrame(reply);
    const items = frame.items;
    // Anything but [cursor, elements] (an error, most often) is compared as it is.
    if (frame.type !== '*' || !items || items.length !== 2 || items[0].data === undefined || !items[1].items) {
      return { frames: [reply], trouble: null };
    }
    const elements = items[1].items;
    const step2 = pairs ? 2 : 1;
    for (let i = 0; i < elements.length; i += step2) {
      const entry = pairs ? Buffer.concat([Buffer.from('*2\r\n'), elements[i].raw, elements[i + 1]?.raw ?? Buffer.alloc(0)]) : elements[i].raw;
      seen.set(entry.toString('latin1'), entry);
    }
    cursor = items[0].data.toString('latin1');
    if (cursor === '0') break;
  }
  const sorted = [...seen.values()].sort(Buffer.compare);
  return { frames: [Buffer.concat([Buffer.from(`*${sorted.length}\r\n`), ...sorted])], trouble: null, scanReplies: replies };
}

// ---------------------------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------------------------

/** Why two replies differ under `mode`, or null if they match. */
export function compareReplies(mode: CompareMode, oracle: Buffer, subject: Buffer, tolerance = 1): string | null {
  if (mode === 'exact' || mode === 'scan' || mode === 'frames') {
    return oracle.equals(subject) ? null : `bytes differ at offset ${firstDifference(oracle, subject)}`;
  }
  if (typeof mode === 'function') {
    const a = toBuffer(mode(oracle));
    const b = toBuffer(mode(subject));
    return a.equals(b) ? null : `normalized replies differ: ${escapeBytes(a, 200)} vs ${escapeBytes(b, 200)}`;
  }
  const decoded = decodeBoth(oracle, subject);
  if (typeof decoded === 'string') return decoded;
  const [a, b] = decoded;
  switch (mode) {
    case 'sorted': {
      const ca = sortedForm(a);
      const cb = sortedForm(b);
      return ca.equals(cb) ? null : `differ as multisets: ${escapeBytes(ca, 200)} vs ${escapeBytes(cb, 200)}`;
    }
    case 'type': {
      const sa = shape(a);
      const sb = shape(b);
      return sa === sb ? null : `shapes differ: ${sa} vs ${sb}`;
    }
    case 'ttl': {
      if (a.type === ':' && b.type === ':') {
        const x = BigInt(a.line);
        const y = BigInt(b.line);
        if (x >= 0n && y >= 0n) {
          const d = x > y ? x - y : y - x;
          return d <= BigInt(tolerance) ? null : `integers ${x} and ${y} are more than ${tolerance} apart`;
        }
      }
      return oracle.equals(subject) ? null : `bytes differ at offset ${firstDifference(oracle, subject)}`;
    }
  }
  throw new Error(`unknown compare mode ${String(mode)}`);
}

function decodeBoth(oracle: Buffer, subject: Buffer): [RespFrame, RespFrame] | string {
  let a: RespFrame;
  try {
    a = decodeFrame(oracle);
  } catch (e) {
    return `oracle reply is not RESP: ${(e as Error).message}`;
  }
  try {
    return [a, decodeFrame(subject)];
  } catch (e) {
    return `subject reply is not RESP: ${(e as Error).message}`;
  }
}

function toBuffer(v: Buffer | string): Buffer {
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
}

function firstDifference(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

/** An aggregate with its elements (map: its pairs) in byte order; anything else as it is. */
function sortedForm(f: RespFrame): Buffer {
  if (!f.items || f.isNull) return f.raw;
  const per = f.type === '%' ? 2 : 1;
  const entries: Buffer[] = [];
  for (let i = 0; i < f.items.length; i += per) entries.push(Buffer.concat(f.items.slice(i, i + per).map((x) => x.raw)));
  entries.sort(Buffer.compare);
  return Buffer.concat([Buffer.from(`${f.type}${f.line}\r\n`, 'latin1'), ...entries]);
}

/** Type bytes, nulls and sizes, recursively; errors in full because their text is the contract. */
function shape(f: RespFrame): string {
  if (f.type === '-') return `-${f.line}`;
  if (f.type === '!') return `!${f.data?.toString('latin1')}`;
  let s = f.isNull ? `${f.type}null` : f.type;
  if (f.attribute) s = `${shape({ ...f.attribute, attribute: undefined })}${s}`;
  if (f.items) s += `[${f.items.map(shape).join(',')}]`;
  return s;
}

function compareOutcomes(mode: CompareMode, tolerance: number, oracle: Outcome, subject: Outcome): string | null {
  if (oracle.frames.length !== subject.frames.length) {
    return `${oracle.frames.length} frame(s) from the oracle, ${subject.frames.length} from the subject`;
  }
  if (mode === 'frames') {
    const order = (frames: Buffer[]): Buffer[] => [...frames].sort(Buffer.compare);
    return compareOutcomes('exact', tolerance, { ...oracle, frames: order(oracle.frames) }, { ...subject, frames: order(subject.frames) });
  }
  for (let i = 0; i < oracle.frames.length; i++) {
    const why = compareReplies(mode, oracle.frames[i], subject.frames[i], tolerance);
    if (why) return oracle.frames.length > 1 ? `frame ${i + 1}: ${why}` : why;
  }
  if (oracle.trouble !== subject.trouble) return `oracle: ${oracle.trouble ?? 'replied'}; subject: ${subject.trouble ?? 'replied'}`;
  return null;
}

// ---------------------------------------------------------------------------------------------
// Failure messages
// ---------------------------------------------------------------------------------------------

function mismatch(
  bed: Bed,
  label: string,
  scenario: Scenario,
  index: number,
  conn: string,
  description: string,
  mode: CompareMode,
  oracle: Outcome,
  subject: Outcome,
  problem: string,
  history: History[],
): AssertionError {
  const lines = [`compat mismatch in scenario "${label}", step #${index} on connection '${conn}'`];
  if (scenario.seed) lines.push(`  seed:    ${scenario.seed}`);
  lines.push(`  command: ${description}`);
  lines.push(`  compare: ${typeof mode === 'function' ? `normalizer ${mode.name || '(anonymous)'}` : mode}`);
  lines.push(`  why:     ${problem}`);
  const width = Math.max(bed.oracle.name.length, bed.subject.name.length) + 1;
  lines.push(`  ${`${bed.oracle.name}:`.padEnd(width)} ${renderOutcome(oracle)}`);
  lines.push(`  ${`${bed.subject.name}:`.padEnd(width)} ${renderOutcome(subject)}`);
  if (oracle.scanReplies || subject.scanReplies) {
    lines.push(`  (scan: ${oracle.scanReplies?.length ?? 0} calls on ${bed.oracle.name}, ${subject.scanReplies?.length ?? 0} on ${bed.subject.name}; frames above are the gathered sets)`);
  }
  const recent = history.slice(-CONTEXT_STEPS);
  if (recent.length) {
    lines.push(`  previous steps (replies from ${bed.oracle.name}):`);
    for (const h of recent) lines.push(`    #${h.index} ${h.text}`);
  }
  if (subject.trouble && subject.trouble !== oracle.trouble) {
    lines.push(`  ${bed.subject.name} log tail:`, logTail(bed.subject));
  }
  return new AssertionError({ message: lines.join('\n') });
}

function renderOutcome(o: Outcome): string {
  const parts = o.frames.map((f) => escapeBytes(f, 600));
  if (o.trouble) parts.push(`<${o.trouble}>`);
  return parts.length ? parts.join(' ') : '<nothing>';
}

function summarize(o: Outcome): string {
  const parts = o.frames.map((f) => escapeBytes(f, 100));
  if (o.trouble) parts.push(`<${o.trouble}>`);
  return parts.join(' ') || '<nothing>';
}

function argText(a: Arg): string {
  return typeof a === 'string' ? a : a.toString('latin1');
}

/** Arguments as redis-cli shows them: bare when plain, quoted and escaped otherwise. */
export function describeArgs(args: readonly Arg[]): string {
  return args
    .map((a) => {
      const b = typeof a === 'string' ? Buffer.from(a, 'utf8') : a;
      return b.length > 0 && b.length <= 60 && /^[\x21-\x7e]+$/.test(b.toString('latin1')) && !b.includes(0x22) ? b.toString('latin1') : escapeBytes(b, 60);
    })
    .join(' ');
}

function describeCommand(step: CommandStep): string {
  if (step.cmd) return describeArgs(step.cmd);
  return `raw ${escapeBytes(typeof step.raw === 'string' ? Buffer.from(step.raw, 'latin1') : (step.raw ?? Buffer.alloc(0)), 200)}`;
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
