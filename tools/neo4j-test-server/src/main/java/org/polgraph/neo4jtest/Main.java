package org.polgraph.neo4jtest;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.io.ByteUnit;

/**
 * Starts Neo4j Community on a fresh temporary directory with its Bolt
 * connector on 127.0.0.1, authentication on, prints the Bolt URI once the
 * port accepts connections, and shuts down cleanly on SIGTERM/SIGINT or,
 * with --watch-stdin, when standard input closes. The directory is deleted
 * on shutdown.
 *
 * Usage: Main [--port N] [--password P] [--page-cache SIZE] [--data DIR] [--watch-stdin]
 * The password may also come from NEO4J_PASSWORD; port 0 (the default)
 * picks a free one. With --data the database lives in DIR (created if
 * absent) and is kept on shutdown, so that a server stopped (even killed)
 * can be started again on the same data, as the outage tests do.
 */
public final class Main {
    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable e) {
            // Neo4j's own threads would keep the JVM alive after a failed
            // start: exit, so that the caller sees the failure at once.
            e.printStackTrace();
            fail("failed to start: " + e);
        }
    }

    private static void run(String[] args) throws Exception {
        int port = 0;
        String password = System.getenv().getOrDefault("NEO4J_PASSWORD", "");
        String pageCache = "256m";
        boolean watchStdin = false;
        String data = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--password" -> password = args[++i];
                case "--page-cache" -> pageCache = args[++i];
                case "--watch-stdin" -> watchStdin = true;
                case "--data" -> data = args[++i];
                default -> fail("unknown argument " + args[i]
                        + "; usage: [--port N] [--password P] [--page-cache SIZE] [--data DIR] [--watch-stdin]");
            }
        }
        if (password.length() < 8) {
            fail("a password of at least 8 characters is required (--password or NEO4J_PASSWORD)");
        }
        if (port == 0) {
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
        }

        boolean keep = data != null;
        Path home = keep ? Files.createDirectories(Path.of(data)) : Files.createTempDirectory("polgraph-neo4j-test-");
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.parse(pageCache))
                .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ofMinutes(5))
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runnable stop = () -> {
            try {
                dbms.shutdown();
            } finally {
                if (!keep) {
                    deleteTree(home);
                }
                stopped.countDown();
            }
        };
        Thread hook = new Thread(stop, "neo4j-test-server-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        // The built-in user: set its password, with no change required,
        // as NEO4J_AUTH=neo4j/<password> does for the Docker image.
        // A kept data directory (--data) may have it already.
        try {
            dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
        } catch (QueryExecutionException e) {
            if (!keep || !String.valueOf(e.getMessage()).contains("cannot be the same")) {
                throw e;
            }
        }

        waitForPort(port);
        System.out.println("bolt://127.0.0.1:" + port);
        System.out.flush();

        if (watchStdin) {
            Thread watcher = new Thread(() -> {
                try (InputStream in = System.in) {
                    while (in.read() >= 0) {
                        // discard: only the end of input matters
                    }
                } catch (IOException ignored) {
                    // a broken pipe is an end of input too
                }
                System.exit(0); // runs the shutdown hook
            }, "neo4j-test-server-stdin");
            watcher.setDaemon(true);
            watcher.start();
        }
        stopped.await();
    }

    private static void waitForPort(int port) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        fail("Bolt did not accept connections on 127.0.0.1:" + port + " within 60 s");
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: the directory is under the system's temporary directory
        }
    }

    private static void fail(String message) {
        System.err.println("neo4j-test-server: " + message);
        System.exit(2);
    }
}
