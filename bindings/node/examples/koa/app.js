'use strict';
// A WeChat Pay APIv3 notify endpoint with Koa 3 and @koa/router.
//
//   WECHATPAY_APIV3_KEY=... WECHATPAY_PUBLIC_KEY_ID=PUB_KEY_ID_... \
//   WECHATPAY_PUBLIC_KEY_FILE=pub_key.pem PORT=8000 node app.js
//
// Set notify_url to https://<your host>/notify. The tests (notify.test.js) build the app with
// the testing kit's verifier instead.

const fs = require('node:fs');
const Koa = require('koa');
const Router = require('@koa/router');
const getRawBody = require('raw-body');
const { Verifier, replyFailure, replySuccess } = require('wechatpay-notify');

// Stands for the merchant's database, in memory. WeChat Pay delivers a notification again
// until it gets a 2xx within 5 seconds, so each id must be applied once: in production, insert
// n.id under a UNIQUE key in the same transaction as the notification's effect.
class NotificationDb {
  constructor() {
    this.seen = new Set();
    this.payments = [];
    this.refunds = [];
  }

  // Applies a verified notification unless its id was applied before (then returns false).
  apply(n) {
    if (this.seen.has(n.id)) return false;
    if (n.kind === 'transaction') {
      const t = n.transaction(); // a malformed resource throws FormatError: 500, retried
      // A shop checks out_trade_no and amount.total against its order before marking it paid.
      this.payments.push({ id: n.id, out_trade_no: t.out_trade_no, trade_state: t.trade_state, total: t.amount.total });
    } else if (n.kind === 'refund') {
      const r = n.refund();
      this.refunds.push({ id: n.id, out_refund_no: r.out_refund_no, refund_status: r.refund_status, refund: r.amount.refund });
    } // other kinds: acknowledged, not processed
    this.seen.add(n.id);
    return true;
  }
}

function createApp(verifier, { db = new NotificationDb(), log = console } = {}) {
  const app = new Koa();
  const router = new Router();

  router.post('/notify', async (ctx) => {
    // Koa leaves the request stream unread; raw-body collects it into one Buffer, the bytes
    // WeChat Pay signed (a stream cut short or over the limit throws a 400/413 HttpError).
    // Not koa-bodyparser: its ctx.request.body is parsed JSON, and that object stringified
    // again is not guaranteed to be those bytes (spacing, escapes, number forms), the most
    // common reason a signature fails.
    const body = await getRawBody(ctx.req, { length: ctx.request.length, limit: '1mb' });
    let reply;
    try {
      const n = verifier.parse(ctx.headers, body); // verifies the signature, decrypts
      if (!db.apply(n)) log.info(`notification ${n.id} was already processed`);
      reply = replySuccess(); // 204
    } catch (err) {
      log.warn(`refused a WeChat Pay callback: ${err.message}`);
      reply = replyFailure(err); // 401 (not proven authentic) or 500: WeChat Pay retries
    }
    ctx.status = reply.status;
    ctx.set(reply.headers); // before ctx.body, so Koa keeps this Content-Type
    ctx.body = reply.body;
  });

  app.use(router.routes()).use(router.allowedMethods());
  return app;
}

module.exports = { createApp, NotificationDb };

if (require.main === module) {
  const verifier = new Verifier({
    apiv3Key: process.env.WECHATPAY_APIV3_KEY,
    publicKeys: { [process.env.WECHATPAY_PUBLIC_KEY_ID]: fs.readFileSync(process.env.WECHATPAY_PUBLIC_KEY_FILE) },
  });
  createApp(verifier).listen(Number(process.env.PORT ?? 8000));
}
