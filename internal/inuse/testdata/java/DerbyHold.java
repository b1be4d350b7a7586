import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

import org.apache.derby.drda.NetworkServerControl;

/**
 * Holds a Derby database open the way e-Faktur does, for the in-use tests.
 *
 * Usage: java -cp derby.jar:derbynet.jar:derbyclient.jar:classes DerbyHold MODE DBPATH
 *
 * MODE is "embedded" (the engine inside this JVM, as e-Faktur runs it) or
 * "server" (the Derby Network Server on a free loopback port, with the
 * database booted through a client connection, as e-Faktur's "Start Db
 * Sebagai Server" does). It creates the database if needed, writes some
 * rows, prints "READY <pid>", then reads commands from stdin:
 *
 *   shutdown   shut the database down cleanly (SQLState 08006), print DOWN
 *
 * At the end of stdin it halts at once, without shutting anything down:
 * what e-Faktur's own exit does, and what a killed JVM leaves.
 */
public class DerbyHold {
    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String path = args[1];
        NetworkServerControl server = null;
        String url;
        if (mode.equals("embedded")) {
            url = "jdbc:derby:" + path;
        } else if (mode.equals("server")) {
            InetAddress lo = InetAddress.getByName("127.0.0.1");
            int port = 0;
            for (int attempt = 0; server == null; attempt++) {
                try (ServerSocket s = new ServerSocket(0, 1, lo)) {
                    port = s.getLocalPort();
                }
                NetworkServerControl c = new NetworkServerControl(lo, port);
                c.start(null);
                if (pinged(c)) {
                    server = c;
                } else if (attempt == 4) {
                    throw new IllegalStateException("the network server did not start");
                }
            }
            url = "jdbc:derby://127.0.0.1:" + port + "/" + path;
        } else {
            throw new IllegalArgumentException("unknown mode " + mode);
        }
        Connection c = DriverManager.getConnection(url + ";create=true");
        try (Statement s = c.createStatement()) {
            try {
                s.execute("CREATE TABLE faktur(id INT PRIMARY KEY, nomor VARCHAR(40))");
            } catch (SQLException e) {
                if (!"X0Y32".equals(e.getSQLState())) { // exists already
                    throw e;
                }
            }
            s.execute("DELETE FROM faktur");
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO faktur VALUES(?, ?)")) {
            for (int i = 0; i < 200; i++) {
                p.setInt(1, i);
                p.setString(2, "010.000-24." + (10000000 + i));
                p.executeUpdate();
            }
        }
        System.out.println("READY " + ProcessHandle.current().pid());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.equals("shutdown")) {
                c.close();
                try {
                    DriverManager.getConnection(url + ";shutdown=true");
                    throw new IllegalStateException("shutdown did not report 08006");
                } catch (SQLException e) {
                    if (!"08006".equals(e.getSQLState())) {
                        throw e;
                    }
                }
                if (server != null) {
                    server.shutdown();
                }
                System.out.println("DOWN");
                System.out.flush();
            }
        }
        Runtime.getRuntime().halt(0);
    }

    private static boolean pinged(NetworkServerControl c) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            try {
                c.ping();
                return true;
            } catch (Exception e) {
                Thread.sleep(100);
            }
        }
        return false;
    }
}
