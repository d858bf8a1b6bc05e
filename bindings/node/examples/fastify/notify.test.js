'use strict';
const testing = require('wechatpay-notify/testing');
const { notifySuite } = require('../notify-suite');
const { buildApp, NotificationDb } = require('./app');

notifySuite('fastify', {
  testing,
  async start(verifier) {
    const db = new NotificationDb();
    const app = buildApp(verifier, { db, logger: false });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    return { url: `${address}/notify`, db, close: () => app.close() };
  },
});
