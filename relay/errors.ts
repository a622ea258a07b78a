/**
 * Every refusal the relay makes, with a stable code and the HTTP status (before an upgrade or on
 * a plain request) or WebSocket close code (on a live socket) it maps to. The README lists this
 * table; logs carry the code as `reason`. No message here ever holds a blob or a secret.
 */
export interface RelayErrorInfo {
  /** HTTP status, when refused as an HTTP answer. */
  readonly status?: number;
  /** WebSocket close code, when refused on a live socket. */
  readonly close?: number;
  /** One line a person can act on. */
  readonly message: string;
}

export const RELAY_ERRORS = {
  RELAY_ERR_NOT_FOUND: { status: 404, message: 'no such path' },
  RELAY_ERR_METHOD_NOT_ALLOWED: { status: 405, message: 'method not allowed on this path' },
  RELAY_ERR_BAD_QUERY: { status: 400, message: 'malformed query string' },
  RELAY_ERR_BAD_WALLET: { status: 400, message: 'wallet / owner_id must be base58 of 32 bytes or 64 hex' },
  RELAY_ERR_BAD_MACHINE_ID: { status: 400, message: 'machine_id must be 1-64 chars of [A-Za-z0-9_-]' },
  RELAY_ERR_URL_TOO_LONG: { status: 414, message: 'request URL longer than maxUrlBytes' },
  RELAY_ERR_UPGRADE_REQUIRED: { status: 426, message: 'this path speaks WebSocket only' },
  RELAY_ERR_RATE_LIMITED: { status: 429, message: 'too many requests from this address; slow down' },
  RELAY_ERR_SECRET_MISMATCH: { status: 401, message: 'registration secret does not match the one this slot first used' },
  RELAY_ERR_BAD_SECRET: { status: 400, message: 'registration secret must be 1-512 bytes' },
  RELAY_ERR_AUTH_INVALID: { status: 401, message: 'wallet signature invalid or outside the clock window' },
  RELAY_ERR_AUTH_REQUIRED: { status: 401, message: 'this slot (or relay) requires a wallet-signed registration' },
  RELAY_ERR_TOO_MANY_CONNECTIONS: { status: 503, message: 'relay at maxConnections' },
  RELAY_ERR_TOO_MANY_FROM_IP: { status: 429, message: 'this address holds maxConnectionsPerIp sockets already' },
  RELAY_ERR_WALLET_FULL: { status: 429, message: 'wallet at maxConnectionsPerWallet' },
  RELAY_ERR_TOO_MANY_WATCHERS: { status: 429, message: 'wallet at maxWatchersPerWallet' },
  RELAY_ERR_FRAME_TOO_LARGE: { close: 1009, message: 'frame larger than maxFrameBytes' },
  RELAY_ERR_BLOB_TOO_LARGE: { close: 1009, message: 'blob larger than maxBlobBytes' },
  RELAY_ERR_BLOB_NOT_BASE64: { close: 1007, message: 'blob is not standard padded base64' },
  RELAY_ERR_BINARY_FRAME: { close: 1003, message: 'binary frames are not accepted' },
  RELAY_ERR_REPLACED: { close: 4409, message: 'replaced by a newer registration of this slot' },
  RELAY_ERR_WATCHER_TOO_SLOW: { close: 1006, message: 'watcher not reading: over 1 MiB of pushes queued (terminated)' },
  RELAY_ERR_HEARTBEAT_MISSED: { close: 1006, message: 'no pong within a heartbeat interval (terminated)' },
  RELAY_ERR_SHUTTING_DOWN: { close: 1001, message: 'relay shutting down' },
} as const satisfies Record<string, RelayErrorInfo>;

/** A stable relay error code, e.g. `RELAY_ERR_BLOB_TOO_LARGE`. */
export type RelayErrorCode = keyof typeof RELAY_ERRORS;

export function isRelayErrorCode(code: string): code is RelayErrorCode {
  return Object.hasOwn(RELAY_ERRORS, code);
}
