/**
 * cachica's TypeScript client library: a promise-based RESP2/RESP3 client with automatic
 * pipelining, and the reply decoder and request encoder it is built from, which the CLI and the
 * tests use on their own.
 */

export { Client, type ClientOptions, type ClientEvents } from './connection.js';
export {
  ReplyDecoder,
  ReplyError,
  PushFrame,
  type ReplyDecoderOptions,
  type DecodedFrame,
  type ReplyValue,
  type ReplyMap,
  type ReplyNode,
  type ReplyType,
} from './decoder.js';
export { encodeCommand, type CommandArg } from './encoder.js';
