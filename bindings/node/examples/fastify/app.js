'use strict';
// A WeChat Pay APIv3 notify endpoint with Fastify 5.
//
//   WECHATPAY_APIV3_KEY=... WECHATPAY_PUBLIC_KEY_ID=PUB_KEY_ID_... \
//   WECHATPAY_PUBLIC_KEY_FILE=pub_key.pem PORT=8000 node app.js
//
// Set notify_url to https://<your host>/notify. The tests (notify.test.js) build the app with
// the testing kit's verifier instead.

const fs = require('node:fs');
const Fastify = require('fastify');
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

function buildApp(verifier, { db = new NotificationDb(), logger = true } = {}) {
  const app = Fastify({ logger });
  // A plugin: its content-type parser applies to its own routes only (encapsulation), the
  // rest of the app keeps Fastify's JSON parser.
  app.register(async (wechatpay) => {
    // Fastify would parse application/json into an object, and that object stringified again
    // is not guaranteed to be the bytes WeChat Pay signed (spacing, escapes, number forms): the
    // most common reason a signature fails. parseAs 'buffer' hands over the raw body as is.
    wechatpay.removeContentTypeParser('application/json');
    wechatpay.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => done(null, body));

    wechatpay.post('/notify', async (request, reply) => {
      let r;
      try {
        // parseAsync verifies and decrypts on libuv's thread pool, off the event loop.
        const n = await verifier.parseAsync(request.headers, request.body);
        if (!db.apply(n)) request.log.info(`notification ${n.id} was already processed`);
        r = replySuccess(); // 204
      } catch (err) {
        request.log.warn(`refused a WeChat Pay callback: ${err.message}`);
        r = replyFailure(err); // 401 (not proven authentic) or 500: WeChat Pay retries
      }
      return reply.code(r.status).headers(r.headers).send(r.body);
    });
  });
  return app;
}

module.exports = { buildApp, NotificationDb };

if (require.main === module) {
  const verifier = new Verifier({
    apiv3Key: process.env.WECHATPAY_APIV3_KEY,
    publicKeys: { [process.env.WECHATPAY_PUBLIC_KEY_ID]: fs.readFileSync(process.env.WECHATPAY_PUBLIC_KEY_FILE) },
  });
  buildApp(verifier).listen({ port: Number(process.env.PORT ?? 8000) });
}
