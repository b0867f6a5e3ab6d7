/**
 * COMMAND and its subcommands (Redis's server.c commandCommand and friends): the server
 * describing its own command table.
 *
 * Client libraries and proxies read COMMAND to learn arities, flags and key positions, so the
 * replies are Redis's byte for byte, written by meta/ from the metadata Redis publishes. Only
 * what this server implements is described: a command Redis has and cachica does not is, to
 * COMMAND INFO, a name it has never heard of.
 */

import type { Argv } from '../protocol/argv.js';
import type { Client } from '../server/client.js';
import { globMatchString } from '../store/glob.js';
import { commandMeta, INVALID_COMMAND, writeCommandDocs, writeCommandInfo, writeGetKeys, type CommandMeta } from './meta/index.js';
import type { CommandRegistry } from './registry.js';
import { SYNTAX } from './errors.js';
import { replyHelp } from './server.js';
import type { Command, CommandEntry } from './types.js';

/** The metadata of every implemented top-level command, in the table's order. */
function implementedMetas(registry: CommandRegistry): CommandMeta[] {
  const out: CommandMeta[] = [];
  for (const cmd of registry.all()) {
    const meta = commandMeta(cmd.name);
    if (meta !== undefined && registry.isImplemented(cmd.name)) out.push(meta);
  }
  return out;
}

/** COMMAND, and COMMAND INFO without names: every implemented command. */
function commandAll(c: Client): void {
  const { commands } = c.engine;
  const metas = implementedMetas(commands);
  const implemented = (name: string): boolean => commands.isImplemented(name);
  c.reply.arrayLen(metas.length);
  for (const meta of metas) writeCommandInfo(c.reply, meta, implemented);
}

function commandCount(c: Client): void {
  c.reply.integer(implementedMetas(c.engine.commands).length);
}

/** COMMAND INFO [name ...]: one element per name, null for a name not implemented here. */
function commandInfo(c: Client, argv: Argv): void {
  if (argv.count === 2) {
    commandAll(c);
    return;
  }
  const { commands } = c.engine;
  const implemented = (name: string): boolean => commands.isImplemented(name);
  c.reply.arrayLen(argv.count - 2);
  for (let i = 2; i < argv.count; i++) writeCommandInfo(c.reply, commandMeta(argv.str(i)), implemented);
}

/** COMMAND DOCS [name ...]: a map of name to docs; names not implemented here are left out. */
function commandDocs(c: Client, argv: Argv): void {
  const { commands } = c.engine;
  if (argv.count === 2) {
    writeCommandDocs(c.reply, implementedMetas(commands));
    return;
  }
  const metas: (CommandMeta | undefined)[] = [];
  for (let i = 2; i < argv.count; i++) {
    const meta = commandMeta(argv.str(i));
    metas.push(meta !== undefined && commands.isImplemented(meta.name) ? meta : undefined);
  }
  writeCommandDocs(c.reply, metas);
}

/** COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]. */
function commandList(c: Client, argv: Argv): void {
  let filter: ((cmd: Command) => boolean) | null = null;
  for (let i = 2; i < argv.count; i++) {
    if (!argv.is(i, 'FILTERBY') || argv.count - 1 - i !== 2) {
      c.reply.error(SYNTAX);
      return;
    }
    const value = argv.str(i + 2);
    if (argv.is(i + 1, 'MODULE')) {
      // cachica loads no modules, so no command belongs to one.
      filter = () => false;
    } else if (argv.is(i + 1, 'ACLCAT')) {
      const category = value.toLowerCase();
      filter = (cmd) => commandMeta(cmd.name)?.aclCategories.includes(category) ?? false;
    } else if (argv.is(i + 1, 'PATTERN')) {
      filter = (cmd) => globMatchString(value, cmd.name, true);
    } else {
      c.reply.error(SYNTAX);
      return;
    }
    i += 2;
  }
  const names: string[] = [];
  const { commands } = c.engine;
  for (const cmd of commands.all()) {
    if (!commands.isImplemented(cmd.name)) continue;
    if (filter === null || filter(cmd)) names.push(cmd.name);
    if (cmd.subcommands === null) continue;
    for (const sub of cmd.subcommands.values()) {
      if (commands.isImplemented(sub.name) && (filter === null || filter(sub))) names.push(sub.name);
    }
  }
  c.reply.bulkArray(names);
}

/**
 * COMMAND GETKEYS / GETKEYSANDFLAGS: the command must be one this server runs (as Redis's
 * lookupCommand finds it: a container with arguments means its subcommand); the keys come from
 * the metadata.
 */
function getKeys(c: Client, argv: Argv, withFlags: boolean): void {
  const args = argv.strs(2);
  const { commands } = c.engine;
  const base = commands.get(args[0].toLowerCase());
  const cmd = base !== undefined && base.subcommands !== null && args.length > 1 ? base.subcommands.get(args[1].toLowerCase()) : base;
  if (cmd === undefined || !commands.isImplemented(cmd.name)) {
    c.reply.error(INVALID_COMMAND);
    return;
  }
  writeGetKeys(c.reply, args, withFlags);
}

function commandGetKeys(c: Client, argv: Argv): void {
  getKeys(c, argv, false);
}

function commandGetKeysAndFlags(c: Client, argv: Argv): void {
  getKeys(c, argv, true);
}

const COMMAND_HELP = [
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
];

function commandHelp(c: Client): void {
  replyHelp(c, 'command', COMMAND_HELP);
}

export const commandCommands: CommandEntry[] = [
  { name: 'command', handler: commandAll },
  { name: 'command|count', handler: commandCount },
  { name: 'command|info', handler: commandInfo },
  { name: 'command|docs', handler: commandDocs },
  { name: 'command|list', handler: commandList },
  { name: 'command|getkeys', handler: commandGetKeys },
  { name: 'command|getkeysandflags', handler: commandGetKeysAndFlags },
  { name: 'command|help', handler: commandHelp },
];
