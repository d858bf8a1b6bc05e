// The ES module entry point: the same objects as the CommonJS one (index.js).
import wechatpayNotify from './index.js';

export const {
  Verifier,
  V2Verifier,
  Notification,
  Diagnosis,
  NotificationError,
  SignatureError,
  DecryptionError,
  FormatError,
  ConfigError,
  replySuccess,
  replyFailure,
  v2ReplySuccess,
  v2ReplyFailure,
  decryptResource,
  decryptCertificates,
  ERROR_CODES,
  AUTHENTICITY_CODES,
  KINDS,
  BACKEND,
  version,
  DEFAULT_MAX_BODY_SIZE,
  DEFAULT_MAX_CLOCK_SKEW,
  DEFAULT_V2_MAX_BODY_SIZE,
} = wechatpayNotify;
export default wechatpayNotify;
