'use strict';
// The typed accessors of the event catalog (models/events.json): one per kind, named after it
// in camelCase. Each returns the model's fields as WeChat Pay names them, with every required
// field present; every other kind's accessor throws FormatError UNEXPECTED_EVENT; a required
// field missing, null or of the wrong type is MALFORMED_RESOURCE naming its path (never its
// value).

const test = require('node:test');
const assert = require('node:assert/strict');

const {
  wpn,
  testing,
  NOW,
  at,
  CATALOG,
  KIND_INFO,
  MODELS,
  sample,
  accessorName,
  callAccessor,
  assertLibraryError,
  outcome,
  expectedKind,
  withoutUndefined,
  project,
  modelOf,
  requiredPaths,
  withoutPath,
  withPath,
} = require('./helpers');

const kit = new testing.Kit();
const verifier = kit.verifier();

function parsed(kind, options = {}) {
  const { headers, body } = kit.notification(kind, {}, { timestamp: NOW, ...options });
  return verifier.parse(headers, body, at(NOW));
}

/** Every accessor but `own` throws UNEXPECTED_EVENT naming what the notification is. */
function assertOthersUnexpected(n, own) {
  for (const other of wpn.KINDS) {
    if (other === own) continue;
    const { error } = outcome(() => callAccessor(n, other));
    assertLibraryError(error, 'UNEXPECTED_EVENT', `${own}: ${accessorName(other)}()`);
    assert.ok(error instanceof wpn.FormatError);
    assert.ok(error.message.includes(n.eventType), error.message);
  }
}

/** The model field at a dotted path. */
function fieldOf(modelName, dotted) {
  let model = MODELS[modelName];
  let field;
  for (const step of dotted.split('.')) {
    field = model.fields.find((f) => f.name === step);
    assert.ok(field, `${modelName}: no field ${dotted}`);
    model = MODELS[field.type];
  }
  return field;
}

/** A value of the wrong JSON type for a field, distinctive enough to look for in a message. */
function wrongValue(type) {
  if (type === 'string') return 987654321;
  return 'WRONG-VALUE-12345';
}

test('the kinds: KINDS is the catalog, every kind has its accessor', () => {
  assert.deepEqual(wpn.KINDS, CATALOG.kinds.map((k) => k.kind));
  assert.ok(wpn.KINDS.length >= 8);
  const n = parsed('transaction');
  for (const kind of wpn.KINDS) {
    assert.equal(typeof n[accessorName(kind)], 'function', accessorName(kind));
  }
});

test('every kind: parsed, typed, the other accessors refuse', async (t) => {
  let ran = 0;
  for (const kind of wpn.KINDS) {
    await t.test(kind, () => {
      ran += 1;
      const info = KIND_INFO[kind];
      const n = parsed(kind);
      assert.equal(n.kind, kind);
      assert.equal(n.eventType, info.event_types[0]);
      assert.equal(n.originalType, info.original_types[0] || '');
      // The kit's callback is the documented sample.
      assert.deepStrictEqual(n.resource, sample(kind));
      const typed = callAccessor(n, kind);
      assert.ok(typed && typeof typed === 'object' && !Array.isArray(typed), `${kind}: ${typed}`);
      // Every required field is present, of its type.
      const model = modelOf(kind);
      for (const dotted of requiredPaths(model)) {
        let value = typed;
        for (const step of dotted.split('.')) value = value[step];
        assert.ok(value !== undefined && value !== null, `${kind}: required ${dotted} absent`);
        const { type } = fieldOf(model, dotted);
        if (type === 'string') assert.equal(typeof value, 'string', `${kind}: ${dotted}`);
        else if (type === 'int') assert.ok(Number.isInteger(value), `${kind}: ${dotted} is ${typeof value}`);
        else if (type.startsWith('list<')) assert.ok(Array.isArray(value), `${kind}: ${dotted}`);
        else assert.equal(typeof value, 'object', `${kind}: ${dotted}`);
      }
      // Exactly the model's fields, holding the resource's values.
      assert.deepStrictEqual(withoutUndefined(typed), project(n.resource, model));
      // The same result again.
      assert.deepStrictEqual(callAccessor(n, kind), typed);
      assertOthersUnexpected(n, kind);
    });
  }
  assert.equal(ran, wpn.KINDS.length);
});

test('an event_type outside the catalog is unknown: every accessor refuses', () => {
  const n = parsed('transaction', { eventType: 'COUPON.USE' });
  assert.equal(n.kind, 'unknown');
  assert.equal(n.eventType, 'COUPON.USE');
  assertOthersUnexpected(n, null);
  // The resource is still there.
  assert.deepStrictEqual(n.resource, sample('transaction'));
});

test('the other documented envelopes', () => {
  const abnormal = parsed('refund', { eventType: 'REFUND.ABNORMAL' });
  assert.equal(abnormal.kind, 'refund');
  assert.equal(abnormal.refund().out_refund_no, sample('refund').out_refund_no);
  const sharingReturn = parsed('profit_sharing', { eventType: 'PROFITSHARING.RETURN' });
  assert.equal(sharingReturn.kind, 'profit_sharing');
  assert.ok(sharingReturn.profitSharing().receiver);
});

test('unknown keys are not copied; a null optional field is absent', () => {
  const resource = { ...sample('transaction'), attach: null, brand_new: { x: 1 }, amount: { ...sample('transaction').amount, extra: 1 } };
  const n = parsed('transaction', { resource });
  const t = n.transaction();
  assert.ok(!('brand_new' in t));
  assert.ok(!('extra' in t.amount));
  assert.equal(t.attach, undefined);
  assert.equal(t.amount.total, resource.amount.total);
});

test('overrides reach the typed result', () => {
  const { headers, body } = kit.notification('transaction', { out_trade_no: 'ORDER-1', amount: { total: 512 } }, { timestamp: NOW });
  const t = verifier.parse(headers, body, at(NOW)).transaction();
  assert.equal(t.out_trade_no, 'ORDER-1');
  assert.equal(t.amount.total, 512);
  // Nested objects merge key by key.
  assert.equal(t.amount.currency, sample('transaction').amount.currency);
});

/** Builds the kind's callback with `resource`, and checks the accessor's refusal. */
function assertDefect(kind, resource, dotted, excluded) {
  const info = KIND_INFO[kind];
  const n = parsed(kind, { resource });
  const expected = expectedKind(info.event_types[0], info.original_types[0], resource);
  assert.equal(n.kind, expected, `${kind} without ${dotted}`);
  if (expected !== kind) {
    // A distinguishing field of kinds sharing an envelope: no longer this kind (models/README.md).
    assert.equal(expected, 'unknown');
    assertOthersUnexpected(n, null);
    return;
  }
  const { error } = outcome(() => callAccessor(n, kind));
  assertLibraryError(error, 'MALFORMED_RESOURCE', `${kind} ${dotted}`);
  assert.ok(error instanceof wpn.DecryptionError);
  assert.ok(error.message.includes(dotted), `${kind}: ${dotted} not named in ${JSON.stringify(error.message)}`);
  if (excluded !== undefined) {
    assert.ok(!error.message.includes(String(excluded)), `${kind}: the value shown in ${JSON.stringify(error.message)}`);
  }
  assertOthersUnexpected(n, kind);
  // parse itself accepted it: the plaintext and the generic resource are there.
  assert.deepStrictEqual(n.resource, resource);
}

test('a required field missing, null or of the wrong type: MALFORMED_RESOURCE naming it', async (t) => {
  let defects = 0;
  for (const kind of wpn.KINDS) {
    const model = modelOf(kind);
    const paths = requiredPaths(model);
    assert.ok(paths.length > 0, kind);
    for (const dotted of paths) {
      await t.test(`${kind}: ${dotted}`, () => {
        const base = sample(kind);
        assertDefect(kind, withoutPath(base, dotted), dotted);
        assertDefect(kind, withPath(base, dotted, null), dotted);
        const wrong = wrongValue(fieldOf(model, dotted).type);
        assertDefect(kind, withPath(base, dotted, wrong), dotted, wrong);
        defects += 3;
      });
    }
  }
  assert.ok(defects > 50, `only ${defects} defects`);
});
