<?php
// A receiver of the events that `wechatpay-notify serve` forwards (docs/gateway.md), in plain
// PHP with no package: php -S 127.0.0.1:9000 index.php  (or behind php-fpm).
//
// serve has already verified WeChat Pay's signature and decrypted the resource. What arrives
// here is a Standard Webhooks message (https://www.standardwebhooks.com/) signed with the
// shared forward secret, so this receiver:
//   1. checks webhook-id, webhook-timestamp and webhook-signature over the raw body
//      (HMAC-SHA256, key = base64-decode of the secret after "whsec_"; the timestamp within
//      5 minutes; any of several space-separated "v1,..." signatures may match);
//   2. records webhook-id once (SQLite PRIMARY KEY) and applies the event's effect in the same
//      transaction, so a redelivery (serve delivers at least once) is acknowledged again
//      without being applied twice;
//   3. dispatches on the event's kind (docs/events.md);
//   4. answers 204 when the event is recorded; 400 for a request without the three headers,
//      401 for a signature or timestamp that does not verify, 500 when it could not record
//      the event. Anything but 2xx makes serve retry later.
//
// Environment: WEBHOOK_SECRET (whsec_..., the content of serve's forward_secret_file),
// WEBHOOK_DB (SQLite file, default events.sqlite3 in the working directory),
// WEBHOOK_PATH (default /wechatpay/events).
// Needs PHP 7.4+ with pdo_sqlite (Debian: apt-get install php-cli php-sqlite3).
// A Laravel or Symfony app can use the official library instead: see README.md.

declare(strict_types=1);

const TOLERANCE_SECONDS = 300;

function log_line(array $fields): void
{
    // One JSON object per line on stderr. Never the secret, never the body.
    file_put_contents('php://stderr', json_encode(['time' => gmdate('c')] + $fields) . "\n");
}

function reply(int $status, ?string $error = null): void
{
    http_response_code($status);
    if ($error !== null) {
        header('Content-Type: application/json');
        echo json_encode(['error' => $error]);
    }
}

/** The HMAC key: the bytes of the base64 after "whsec_". */
function secret_key(string $secret): string
{
    $secret = trim($secret);
    if (strncmp($secret, 'whsec_', 6) === 0) {
        $secret = substr($secret, 6);
    }
    $key = base64_decode($secret, true);
    if ($key === false || $key === '') {
        throw new RuntimeException('WEBHOOK_SECRET is not whsec_ followed by base64');
    }
    return $key;
}

/**
 * Verifies a Standard Webhooks message. Returns null when it verifies, otherwise the HTTP
 * status and the reason to refuse it with.
 *
 * @return array{0:int,1:string}|null
 */
function verify_webhook(string $key, string $id, string $timestamp, string $signatures, string $body, int $now): ?array
{
    if ($id === '' || $timestamp === '' || $signatures === '') {
        return [400, 'missing webhook-id, webhook-timestamp or webhook-signature'];
    }
    if (preg_match('/^[0-9]{1,15}$/', $timestamp) !== 1) {
        return [400, 'webhook-timestamp is not Unix seconds'];
    }
    if (abs($now - (int) $timestamp) > TOLERANCE_SECONDS) {
        return [401, 'webhook-timestamp outside the 5-minute tolerance'];
    }
    $expected = base64_encode(hash_hmac('sha256', $id . '.' . $timestamp . '.' . $body, $key, true));
    // Several signatures, separated by spaces, while the sender rotates its secret.
    foreach (explode(' ', $signatures) as $versioned) {
        if (substr($versioned, 0, 3) === 'v1,' && hash_equals($expected, (string) substr($versioned, 3))) {
            return null;
        }
    }
    return [401, 'no webhook-signature matches'];
}

function open_store(string $path): PDO
{
    $db = new PDO('sqlite:' . $path, null, null, [
        PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
        PDO::ATTR_TIMEOUT => 5, // seconds to wait for another writer
    ]);
    $db->exec('PRAGMA journal_mode = WAL');
    $db->exec('CREATE TABLE IF NOT EXISTS webhook_events (
        webhook_id TEXT PRIMARY KEY, kind TEXT NOT NULL, event_type TEXT NOT NULL,
        mchid TEXT, received_at INTEGER NOT NULL)');
    $db->exec('CREATE TABLE IF NOT EXISTS payments (
        webhook_id TEXT PRIMARY KEY, out_trade_no TEXT, transaction_id TEXT, trade_state TEXT,
        amount_total INTEGER)');
    $db->exec('CREATE TABLE IF NOT EXISTS refunds (
        webhook_id TEXT PRIMARY KEY, out_refund_no TEXT, refund_id TEXT, refund_status TEXT,
        amount_refund INTEGER)');
    return $db;
}

/** Applies the event's effect, in the transaction that recorded its webhook-id. */
function dispatch(PDO $db, string $id, array $event): void
{
    $r = is_array($event['resource'] ?? null) ? $event['resource'] : [];
    switch ($event['kind'] ?? 'unknown') {
        case 'transaction':
        case 'partner_transaction':
            // An application checks out_trade_no and amount.total against its order here,
            // then marks the order paid (when trade_state is SUCCESS).
            $db->prepare('INSERT INTO payments VALUES (?, ?, ?, ?, ?)')->execute([
                $id, $r['out_trade_no'] ?? null, $r['transaction_id'] ?? null,
                $r['trade_state'] ?? null, $r['amount']['total'] ?? null,
            ]);
            break;
        case 'refund':
        case 'partner_refund':
            $db->prepare('INSERT INTO refunds VALUES (?, ?, ?, ?, ?)')->execute([
                $id, $r['out_refund_no'] ?? null, $r['refund_id'] ?? null,
                $r['refund_status'] ?? null, $r['amount']['refund'] ?? null,
            ]);
            break;
        default:
            // Other kinds (combine_transaction, profit_sharing, transfer_bill, complaint,
            // unknown): recorded in webhook_events and acknowledged.
            break;
    }
}

function handle(): void
{
    $path = getenv('WEBHOOK_PATH') ?: '/wechatpay/events';
    if (parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH) !== $path) {
        reply(404, 'not found');
        return;
    }
    if (($_SERVER['REQUEST_METHOD'] ?? '') !== 'POST') {
        header('Allow: POST');
        reply(405, 'method not allowed');
        return;
    }

    $key = secret_key((string) getenv('WEBHOOK_SECRET'));
    $body = (string) file_get_contents('php://input'); // the raw bytes that were signed
    $id = $_SERVER['HTTP_WEBHOOK_ID'] ?? '';
    $refused = verify_webhook(
        $key,
        $id,
        $_SERVER['HTTP_WEBHOOK_TIMESTAMP'] ?? '',
        $_SERVER['HTTP_WEBHOOK_SIGNATURE'] ?? '',
        $body,
        time()
    );
    if ($refused !== null) {
        log_line(['message' => 'refused', 'status' => $refused[0], 'reason' => $refused[1]]);
        reply($refused[0], $refused[1]);
        return;
    }

    $event = json_decode($body, true);
    if (!is_array($event) || !is_string($event['kind'] ?? null)) {
        reply(400, 'body is not an event');
        return;
    }

    $db = open_store(getenv('WEBHOOK_DB') ?: 'events.sqlite3');
    $db->exec('BEGIN IMMEDIATE');
    try {
        $insert = $db->prepare('INSERT OR IGNORE INTO webhook_events VALUES (?, ?, ?, ?, ?)');
        $insert->execute([$id, $event['kind'], (string) ($event['event_type'] ?? ''),
            $event['mchid'] ?? null, time()]);
        $first = $insert->rowCount() === 1;
        if ($first) {
            dispatch($db, $id, $event);
        }
        $db->exec('COMMIT');
    } catch (Throwable $e) {
        $db->exec('ROLLBACK');
        throw $e;
    }
    log_line(['message' => $first ? 'handled' : 'duplicate', 'webhook_id' => $id, 'kind' => $event['kind']]);
    reply(204);
}

try {
    handle();
} catch (Throwable $e) {
    // Not recorded: 500, so serve delivers the event again later.
    log_line(['message' => 'failed', 'error' => get_class($e) . ': ' . $e->getMessage()]);
    reply(500, 'internal error');
}
