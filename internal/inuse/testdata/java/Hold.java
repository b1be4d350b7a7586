import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;

/**
 * Opens an H2 database the way e-Faktur does, for the in-use tests.
 *
 * Usage: java -cp h2.jar:classes Hold JDBC_URL MODE
 *
 * MODE is one of:
 *   hold   print READY and keep the database open until stdin closes
 *          (the test closes stdin or kills the process; stdin EOF also means
 *          the test runner died, so no JVM outlives it)
 *   crash  write, print READY, then halt without closing: what a power cut
 *          or a killed e-Faktur leaves behind
 *   close  write, close the connection cleanly, print CLOSED and exit
 */
public class Hold {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        String mode = args.length > 1 ? args[1] : "hold";
        Class.forName("org.h2.Driver");
        Connection c = DriverManager.getConnection(url, "sa", "");
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS faktur(id INT PRIMARY KEY, nomor VARCHAR(40))");
            s.execute("DELETE FROM faktur");
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO faktur VALUES(?, ?)")) {
            for (int i = 0; i < 200; i++) {
                p.setInt(1, i);
                p.setString(2, "010.000-24." + (10000000 + i));
                p.executeUpdate();
            }
        }
        try (Statement s = c.createStatement()) {
            // flush now, so that an idle holder leaves the files alone
            s.execute("CHECKPOINT SYNC");
        }
        switch (mode) {
        case "hold":
            System.out.println("READY");
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for EOF
            }
            Runtime.getRuntime().halt(0);
            break;
        case "crash":
            System.out.println("READY");
            System.out.flush();
            Runtime.getRuntime().halt(0);
            break;
        case "close":
            c.close();
            System.out.println("CLOSED");
            System.out.flush();
            break;
        default:
            System.err.println("unknown mode " + mode);
            System.exit(2);
        }
    }
}
