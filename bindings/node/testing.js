'use strict';
/**
 * wechatpay-notify/testing: test a WeChat Pay notify handler without WeChat Pay. Callbacks are
 * signed and encrypted exactly as WeChat Pay sends them, with throwaway TEST keys made for each
 * Kit (never WeChat Pay's, never a merchant's):
 *
 *     const { Kit } = require('wechatpay-notify/testing');
 *     const kit = new Kit();                           // TEST keys, generated (~0.1 s)
 *     const verifier = kit.verifier();                 // configure the handler with this
 *     const { headers, body } = kit.notification('transaction', { amount: { total: 100 } });
 *     const { headers: h2, body: b2 } = kit.notification('transaction', {}, { failure: 'tampered_body' });
 *
 * Works with node:test, Jest and Vitest alike. The signing is the Rust core's testing kit, the
 * same as the `wechatpay-notify simulate` command's.
 */
const native = require('./native');
// Loading the package registers its error classes, which the kit's errors are instances of.
require('./index');

module.exports = {
  Kit: native.Kit,
  FAILURES: Object.freeze(Object.fromEntries(native.constants().failures)),
};
