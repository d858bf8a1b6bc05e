'use strict';
const { once } = require('node:events');
const testing = require('wechatpay-notify/testing');
const { notifySuite } = require('../notify-suite');
const { createApp, NotificationDb } = require('./app');

const quiet = { info() {}, warn() {} };

notifySuite('express', {
  testing,
  async start(verifier) {
    const db = new NotificationDb();
    const server = createApp(verifier, { db, log: quiet }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    return {
      url: `http://127.0.0.1:${server.address().port}/notify`,
      db,
      close() {
        server.closeAllConnections(); // fetch's keep-alive connections (Node 18 waits for them)
        return new Promise((resolve) => server.close(resolve));
      },
    };
  },
});
