'use strict';
/**
 * wechatpay-notify: verify, decrypt and explain WeChat Pay callbacks (回调通知).
 *
 *     const { Verifier, replySuccess, replyFailure } = require('wechatpay-notify');
 *     const verifier = new Verifier({ apiv3Key, publicKeys: { [publicKeyId]: publicKeyPem } });
 *     app.post('/notify', express.raw({ type: 'application/json' }), (req, res) => {
 *       let n;
 *       try {
 *         n = verifier.parse(req.headers, req.body);   // the raw Buffer, never a parsed body
 *       } catch (err) {
 *         const r = replyFailure(err);                 // 401 or 500, {"code":"FAIL",...}
 *         return res.status(r.status).set(r.headers).send(r.body);
 *       }
 *       recordOnce(n.id, n.transaction());             // idempotent on n.id
 *       res.status(204).end();
 *     });
 *
 * Every check, decryption and reply is the Rust core's (the same as the C library, Python, Go
 * and Java packages); README "Node.js" and docs/node.md describe the API.
 */
const { inspect } = require('node:util');
const native = require('./native');
const errors = require('./errors');

// The addon throws instances of these classes, in this environment (each worker thread loads
// the package, and so registers them, for itself).
native.registerErrorClasses(errors.SignatureError, errors.DecryptionError, errors.FormatError, errors.ConfigError);

const constants = native.constants();

// What console.log shows of a notification: the envelope, never the decrypted resource.
native.Notification.prototype[inspect.custom] = function inspectNotification(depth, options, show) {
  const { id, eventType, kind, createTime, serial, mchid } = this;
  return `Notification ${show({ id, eventType, kind, createTime, serial, mchid }, options)}`;
};

module.exports = {
  Verifier: native.Verifier,
  V2Verifier: native.V2Verifier,
  Notification: native.Notification,
  Diagnosis: native.Diagnosis,
  NotificationError: errors.NotificationError,
  SignatureError: errors.SignatureError,
  DecryptionError: errors.DecryptionError,
  FormatError: errors.FormatError,
  ConfigError: errors.ConfigError,
  replySuccess: native.replySuccess,
  replyFailure: native.replyFailure,
  v2ReplySuccess: native.v2ReplySuccess,
  v2ReplyFailure: native.v2ReplyFailure,
  decryptResource: native.decryptResource,
  decryptCertificates: native.decryptCertificates,
  ERROR_CODES: Object.freeze(constants.errorCodes),
  AUTHENTICITY_CODES: Object.freeze(constants.authenticityCodes),
  KINDS: Object.freeze(constants.kinds),
  BACKEND: constants.backend,
  version: constants.version,
  DEFAULT_MAX_BODY_SIZE: constants.defaultMaxBodySize,
  DEFAULT_MAX_CLOCK_SKEW: constants.defaultMaxClockSkew,
  DEFAULT_V2_MAX_BODY_SIZE: constants.defaultV2MaxBodySize,
};
