/** A callback was refused. `code` is the stable error code, `message` the details (log-safe). */
export declare class NotificationError extends Error {
  constructor(code: string, message: string);
  /** The stable error code, e.g. `SIGNATURE_MISMATCH` (one of `ERROR_CODES`, docs/errors.md). */
  readonly code: string;
}
/** The request is not proven to be WeChat Pay's: reply 401 (`replyFailure` does). */
export declare class SignatureError extends NotificationError {}
/** The signed resource could not be decrypted or decoded (a wrong APIv3 key, most often). */
export declare class DecryptionError extends NotificationError {}
/** The body is not a callback of the expected form, or not the expected kind of event. */
export declare class FormatError extends NotificationError {}
/** The configuration is invalid (`code` is always `CONFIG_INVALID`). */
export declare class ConfigError extends Error {
  constructor(code: string, message: string);
  /** Always `CONFIG_INVALID`. */
  readonly code: 'CONFIG_INVALID';
}
