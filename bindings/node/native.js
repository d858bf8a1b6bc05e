'use strict';
// Loads the addon of this platform: a build next to this file (a source checkout:
// scripts/test-node.sh), else the prebuilt package of the platform, which npm installed as an
// optional dependency of wechatpay-notify. Prebuilt: Linux x64 and arm64, glibc 2.17+ and musl.
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const PREBUILT = ['linux-x64-gnu', 'linux-arm64-gnu', 'linux-x64-musl', 'linux-arm64-musl'];

/** `gnu` or `musl`: the C library this Node.js runs on (Linux only). */
function libc() {
  try {
    if (readFileSync('/usr/bin/ldd', 'latin1').includes('musl')) return 'musl';
  } catch {
    // no ldd: ask Node itself
  }
  const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null;
  return report?.header?.glibcVersionRuntime ? 'gnu' : 'musl';
}

function platformName() {
  const base = `${process.platform}-${process.arch}`;
  return process.platform === 'linux' ? `${base}-${libc()}` : base;
}

function load() {
  const platform = platformName();
  const local = join(__dirname, `wechatpay-notify.${platform}.node`);
  if (existsSync(local)) return require(local);
  const pkg = `@wechatpay-notify/${platform}`;
  try {
    return require(pkg);
  } catch (err) {
    if (err?.code !== 'MODULE_NOT_FOUND' || !String(err.message).includes(pkg)) {
      // The package is there but its addon did not load (an older glibc, a damaged install).
      err.message = `wechatpay-notify: the prebuilt addon ${pkg} did not load: ${err.message}`;
      throw err;
    }
  }
  const supported = PREBUILT.includes(platform);
  throw new Error(
    `wechatpay-notify: no addon for ${platform} (Node.js ${process.version}, N-API ${process.versions.napi}). ` +
      (supported
        ? `Its prebuilt package ${pkg} is not installed: reinstall without --no-optional/--omit=optional, ` +
          `or install ${pkg} alongside wechatpay-notify.`
        : `Prebuilt packages exist for ${PREBUILT.join(', ')}; on another platform, build the addon from ` +
          'source (crates/wechatpay-notify-node) or use the C library, Go, Java or Python package.'),
  );
}

module.exports = load();
