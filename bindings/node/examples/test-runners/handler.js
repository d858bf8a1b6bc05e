'use strict';
// A framework-free notify handler, the unit the Jest and Vitest suites test with the kit: it
// takes the request's headers and raw body and returns the reply to send.
const { replyFailure, replySuccess } = require('wechatpay-notify');

function makeHandler(verifier, recorded = new Map()) {
  return function handle(headers, body) {
    try {
      const n = verifier.parse(headers, body);
      if (!recorded.has(n.id)) recorded.set(n.id, n.kind === 'transaction' ? n.transaction().out_trade_no : n.kind);
      return replySuccess();
    } catch (err) {
      return replyFailure(err);
    }
  };
}

module.exports = { makeHandler };
