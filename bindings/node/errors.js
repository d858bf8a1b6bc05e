'use strict';
// The error classes of wechatpay-notify. The addon throws instances of these (it is handed
// them when the package loads: index.js), so `instanceof`, `.code` and `.name` work as for any
// Node.js error.

/** A callback was refused. `code` is the stable error code, `message` the details (log-safe). */
class NotificationError extends Error {
  /**
   * @param {string} code the stable error code (one of ERROR_CODES)
   * @param {string} message what went wrong, free of keys and plaintext
   */
  constructor(code, message) {
    super(message);
    /** The stable error code, e.g. `SIGNATURE_MISMATCH` (docs/errors.md). */
    this.code = code;
  }
}

/** The request is not proven to be WeChat Pay's (reply 401): a signature, serial, timestamp or header problem. */
class SignatureError extends NotificationError {}

/** The signed resource could not be decrypted or decoded (a wrong APIv3 key, most often). */
class DecryptionError extends NotificationError {}

/** The body is not a callback of the expected form: too large, XML on the APIv3 path, malformed, a missing field, or not the expected kind of event. */
class FormatError extends NotificationError {}

/** The configuration is invalid (`code` is always `CONFIG_INVALID`): an APIv3 or APIv2 key, public key or certificate that cannot be used. */
class ConfigError extends Error {
  /**
   * @param {string} code always `CONFIG_INVALID`
   * @param {string} message what is wrong with the configuration (never the key itself)
   */
  constructor(code, message) {
    super(message);
    /** Always `CONFIG_INVALID`. */
    this.code = code;
  }
}

for (const cls of [NotificationError, SignatureError, DecryptionError, FormatError, ConfigError]) {
  Object.defineProperty(cls.prototype, 'name', { value: cls.name, writable: true, configurable: true });
}

module.exports = { NotificationError, SignatureError, DecryptionError, FormatError, ConfigError };
