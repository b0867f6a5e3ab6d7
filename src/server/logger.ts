/**
 * Logger: log lines in redis-server's format ("pid:M 23 Nov 2026 19:52:01.123 * message"), so
 * tools and people that read Redis logs can read ours. Levels and the log file follow the
 * `loglevel` and `logfile` parameters.
 */

import { appendFileSync } from 'node:fs';
import { pathBytes, type Config } from './config.js';

const LEVELS = ['debug', 'verbose', 'notice', 'warning', 'nothing'] as const;
export type LogLevel = (typeof LEVELS)[number];
const MARKS: Record<string, string> = { debug: '.', verbose: '-', notice: '*', warning: '#' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export class Logger {
  /** 'M' for a primary, 'S' for a replica, 'C' for a child process, as Redis marks its role. */
  role = 'M';

  constructor(private readonly config: Config) {}

  private enabled(level: LogLevel): boolean {
    return LEVELS.indexOf(level) >= LEVELS.indexOf(this.config.get('loglevel') as LogLevel);
  }

  write(level: LogLevel, message: string): void {
    if (!this.enabled(level)) return;
    const d = new Date();
    const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
    const stamp = `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
    const line = `${process.pid}:${this.role} ${stamp} ${MARKS[level]} ${message}\n`;
    const file = this.config.get('logfile');
    if (file === '') process.stdout.write(line);
    else appendFileSync(pathBytes(file), line);
  }

  debug(message: string): void {
    this.write('debug', message);
  }
  verbose(message: string): void {
    this.write('verbose', message);
  }
  notice(message: string): void {
    this.write('notice', message);
  }
  warning(message: string): void {
    this.write('warning', message);
  }
}
