'use strict';
// Runs the compiled app: `npm run build` (tsc) first.
const testing = require('wechatpay-notify/testing');
const { notifySuite } = require('../notify-suite');
const { createApp, NotificationDb } = require('./dist/app');

notifySuite('nestjs', {
  testing,
  async start(verifier) {
    const db = new NotificationDb();
    const app = await createApp(verifier, { db, logger: false });
    await app.listen(0, '127.0.0.1');
    return {
      url: `http://127.0.0.1:${app.getHttpServer().address().port}/notify`,
      db,
      close: () => app.close(),
    };
  },
});
