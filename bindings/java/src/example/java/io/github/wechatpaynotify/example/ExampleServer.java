package io.github.wechatpaynotify.example;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.wechatpaynotify.Headers;
import io.github.wechatpaynotify.Notification;
import io.github.wechatpaynotify.NotificationException;
import io.github.wechatpaynotify.Reply;
import io.github.wechatpaynotify.V2Verifier;
import io.github.wechatpaynotify.Verifier;
import io.github.wechatpaynotify.events.PartnerTransaction;
import io.github.wechatpaynotify.events.Refund;
import io.github.wechatpaynotify.events.Transaction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * A merchant's callback endpoint on the JDK's built-in HTTP server, end to end:
 *
 * <ul>
 *   <li>{@code POST /wechatpay/notify}: APIv3 callbacks. Verifies and decrypts with {@link
 *       Verifier#parse}, handles each notification id once, and answers 204; a refused callback
 *       gets {@link Reply#failure} (401 or 500, JSON body), so WeChat Pay retries it.
 *   <li>{@code POST /wechatpay/notify/v2}: APIv2 (XML) payment results, with {@link
 *       V2Verifier}; answers the {@code SUCCESS} or {@code FAIL} XML.
 * </ul>
 *
 * <p>The business logic is a {@code Consumer<Notification>}; {@link Shop} is one, which
 * dispatches on {@link Notification#kind()}: a payment is checked against the order and marks it
 * paid, a refund is recorded, and a callback of a kind the catalog does not describe is
 * acknowledged and logged.
 *
 * <p>Run it with the merchant's keys in the environment:
 *
 * <pre>
 * WECHATPAY_APIV3_KEY=... WECHATPAY_PUBLIC_KEY_ID=PUB_KEY_ID_... WECHATPAY_PUBLIC_KEY_FILE=pub_key.pem \
 *   [WECHATPAY_PLATFORM_CERT_FILE=cert.pem] [WECHATPAY_APIV2_KEY=...] [PORT=8080] \
 *   mvn -q test-compile exec:java -Dexec.mainClass=io.github.wechatpaynotify.example.ExampleServer
 * </pre>
 */
public final class ExampleServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ExampleServer.class.getName());

    private final HttpServer server;
    private final ExecutorService executor;
    private final Verifier verifier;
    private final V2Verifier v2Verifier;
    private final Consumer<Notification> onNotification;
    /** Ids already handled; a real service keeps these in its database. */
    private final Set<String> handled = ConcurrentHashMap.newKeySet();

    private ExampleServer(
            InetSocketAddress address, Verifier verifier, V2Verifier v2Verifier, Consumer<Notification> onNotification)
            throws IOException {
        this.verifier = verifier;
        this.v2Verifier = v2Verifier;
        this.onNotification = onNotification;
        this.server = HttpServer.create(address, 64);
        this.executor = Executors.newFixedThreadPool(4);
        server.setExecutor(executor);
        server.createContext("/wechatpay/notify", this::handleV3);
        if (v2Verifier != null) {
            server.createContext("/wechatpay/notify/v2", this::handleV2);
        }
        server.start();
    }

    /**
     * Starts the server.
     *
     * @param address where to listen, e.g. {@code 127.0.0.1:0} for any free port
     * @param verifier the APIv3 verifier (shared by every request)
     * @param v2Verifier the APIv2 verifier, or null to serve APIv3 only
     * @param onNotification called once per new notification id (the business logic)
     * @return the running server
     * @throws IOException when the address cannot be bound
     */
    public static ExampleServer start(
            InetSocketAddress address, Verifier verifier, V2Verifier v2Verifier, Consumer<Notification> onNotification)
            throws IOException {
        return new ExampleServer(address, verifier, v2Verifier, onNotification);
    }

    /**
     * The port the server listens on.
     *
     * @return the bound port
     */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handleV3(HttpExchange exchange) throws IOException {
        Reply reply;
        try {
            if (!"POST".equals(exchange.getRequestMethod())) {
                reply = Reply.failure(405, "use POST");
            } else {
                // Read at most one byte past the limit: the verifier reports BODY_TOO_LARGE.
                byte[] body = readBody(exchange.getRequestBody(), verifier.maxBodySize() + 1);
                Notification n = verifier.parse(Headers.fromMultiMap(exchange.getRequestHeaders()), body);
                if (handled.add(n.id())) {
                    try {
                        onNotification.accept(n);
                    } catch (RuntimeException e) {
                        handled.remove(n.id()); // not handled: accept WeChat Pay's retry
                        throw e;
                    }
                }
                reply = Reply.success();
            }
        } catch (NotificationException e) {
            // The message is safe to log: never a key, never the plaintext.
            LOG.warning("refused WeChat Pay callback: " + e.getMessage());
            reply = Reply.failure(e);
        } catch (RuntimeException e) {
            // Our own processing failed: 500 makes WeChat Pay retry later.
            LOG.severe("callback handling failed: " + e);
            reply = Reply.failure(500, "internal error");
        }
        send(exchange, reply);
    }

    private void handleV2(HttpExchange exchange) throws IOException {
        Reply reply;
        try {
            byte[] body = readBody(exchange.getRequestBody(), V2Verifier.DEFAULT_MAX_BODY_SIZE + 1);
            Map<String, String> fields = v2Verifier.parsePayment(body);
            LOG.info("APIv2 payment " + fields.get("out_trade_no") + " " + fields.get("result_code"));
            reply = Reply.v2Success();
        } catch (NotificationException e) {
            LOG.warning("refused APIv2 callback: " + e.getMessage());
            reply = Reply.v2Failure(e.code().name());
        }
        send(exchange, reply);
    }

    private static byte[] readBody(InputStream in, long limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        int n;
        while (out.size() < limit && (n = in.read(chunk, 0, (int) Math.min(chunk.length, limit - out.size()))) > 0) {
            out.write(chunk, 0, n);
        }
        return out.toByteArray();
    }

    private static void send(HttpExchange exchange, Reply reply) throws IOException {
        byte[] body = reply.bodyBytes();
        reply.contentType().ifPresent(type -> exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8"));
        exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(body);
        }
    }

    /** Stops the server. The verifiers belong to the caller. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /**
     * Runs the example with the configuration from the environment (see the class comment).
     *
     * @param args ignored
     * @throws Exception when the configuration or the port is unusable
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        Verifier.Builder builder = Verifier.builder().apiV3Key(require(env, "WECHATPAY_APIV3_KEY"));
        if (env.containsKey("WECHATPAY_PUBLIC_KEY_FILE")) {
            builder.publicKeyFile(require(env, "WECHATPAY_PUBLIC_KEY_ID"), Path.of(env.get("WECHATPAY_PUBLIC_KEY_FILE")));
        }
        if (env.containsKey("WECHATPAY_PLATFORM_CERT_FILE")) {
            builder.platformCertificate(Files.readString(Path.of(env.get("WECHATPAY_PLATFORM_CERT_FILE"))));
        }
        Verifier verifier = builder.build();
        V2Verifier v2 = env.containsKey("WECHATPAY_APIV2_KEY") ? new V2Verifier(env.get("WECHATPAY_APIV2_KEY")) : null;
        int port = Integer.parseInt(env.getOrDefault("PORT", "8080"));
        Shop shop = new Shop();
        ExampleServer server = start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), verifier, v2, shop);
        LOG.info("listening on http://127.0.0.1:" + server.port() + "/wechatpay/notify with keys " + verifier.keyIds());
    }

    /**
     * A shop's handling of callbacks, by kind: what a real service does against its database.
     * Called once per notification id; throwing makes the server answer 500, so WeChat Pay
     * delivers the callback again later.
     */
    public static final class Shop implements Consumer<Notification> {
        /** Open orders: {@code out_trade_no} to the amount due, in fen. */
        private final Map<String, Long> orders = new ConcurrentHashMap<>();
        private final Set<String> paid = ConcurrentHashMap.newKeySet();
        private final Set<String> suspicious = ConcurrentHashMap.newKeySet();
        private final Map<String, Refund> refunds = new ConcurrentHashMap<>();

        /** An empty shop. */
        public Shop() {}

        /**
         * Records an order before the user pays it.
         *
         * @param outTradeNo the merchant's order number, as sent to WeChat Pay
         * @param totalFen the amount due, in fen
         */
        public void placeOrder(String outTradeNo, long totalFen) {
            orders.put(outTradeNo, totalFen);
        }

        /**
         * Whether a payment matching the order was received.
         *
         * @param outTradeNo the order number
         * @return true once paid
         */
        public boolean isPaid(String outTradeNo) {
            return paid.contains(outTradeNo);
        }

        /**
         * Whether a payment for this order number did not match any order (unknown order or
         * another amount): a case for a person to look at, not for a retry.
         *
         * @param outTradeNo the order number
         * @return true when such a payment arrived
         */
        public boolean isSuspicious(String outTradeNo) {
            return suspicious.contains(outTradeNo);
        }

        /**
         * The last refund result received for a refund number.
         *
         * @param outRefundNo the merchant's refund number
         * @return the refund, if a callback for it arrived
         */
        public Optional<Refund> refund(String outRefundNo) {
            return Optional.ofNullable(refunds.get(outRefundNo));
        }

        /**
         * Handles one verified notification, by kind.
         *
         * @param n the notification
         */
        @Override
        public void accept(Notification n) {
            switch (n.kind()) {
                case TRANSACTION: {
                    Transaction t = n.transaction(); // MALFORMED_RESOURCE (500, retried) if a field is missing
                    paymentReceived(t.getOutTradeNo(), t.getAmount().getTotal(), t.getTransactionId());
                    break;
                }
                case PARTNER_TRANSACTION: {
                    PartnerTransaction t = n.partnerTransaction();
                    paymentReceived(t.getOutTradeNo(), t.getAmount().getTotal(), t.getTransactionId());
                    break;
                }
                case REFUND: {
                    Refund r = n.refund();
                    refunds.put(r.getOutRefundNo(), r);
                    LOG.info("refund " + r.getOutRefundNo() + " of order " + r.getOutTradeNo() + ": "
                            + r.getRefundStatus() + ", " + r.getAmount().getRefund() + " fen");
                    break;
                }
                case UNKNOWN:
                    // Not an error: WeChat Pay sends many kinds of callback. Acknowledge it (204), so
                    // it is not delivered again, and keep what is needed to look at it later.
                    LOG.info("acknowledged callback " + n.id() + " of a kind not in the catalog: " + n.eventType()
                            + " / " + n.originalType());
                    break;
                default:
                    // A catalog kind this shop does not use (profit sharing, complaints, ...).
                    LOG.info("acknowledged " + n.kind().wireName() + " callback " + n.id());
            }
        }

        private void paymentReceived(String outTradeNo, long total, String transactionId) {
            Long due = orders.get(outTradeNo);
            if (due == null || due != total) {
                // Never mark an order paid for another amount. WeChat Pay cannot fix this by
                // retrying, so acknowledge and flag it for a person.
                suspicious.add(outTradeNo);
                LOG.severe("payment " + transactionId + " does not match order " + outTradeNo + " (due "
                        + due + " fen, paid " + total + " fen)");
                return;
            }
            if (paid.add(outTradeNo)) {
                LOG.info("order " + outTradeNo + " paid: " + total + " fen, WeChat Pay order " + transactionId);
            }
        }
    }

    private static String require(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("set " + name);
        }
        return value;
    }
}
