/*
 * EfbackupDeepCheck proves copies of Apache Derby databases with the real
 * engine. efbackup runs it on scratch copies (it writes to them):
 *
 *   java -cp <dir of this class>:<derby.jar> EfbackupDeepCheck <home> <db dir>...
 *   java -cp ... EfbackupDeepCheck @<file with those arguments, one a line, UTF-8>
 *
 * For each database it boots the copy writable, so that recovery runs as it
 * would when e-Faktur next starts; runs SYSCS_CHECK_TABLE on every table;
 * reads every row of every table, LOBs included, counting rows and hashing
 * them; shuts the database and the engine down; and reads derby.log for the
 * engine's own complaints. It prints one JSON document on stdout.
 *
 * Nothing here may print the contents of a row: the output holds counts,
 * hashes, SQLStates and Derby's messages, cut short (a message about a
 * damaged page goes on to dump the page, and some messages quote values).
 * derby.log itself stays in <home>, which the caller removes.
 *
 * Only the JDK (Java 8 or later) and derby.jar are on the classpath, so the
 * JSON is written by hand. The class is compiled with javac --release 8
 * because Java 8 is the runtime e-Faktur ships.
 */

import java.io.BufferedReader;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.io.Reader;
import java.nio.charset.Charset;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

public final class EfbackupDeepCheck {

    /** The version of the JSON document, for the reader in Go. */
    private static final int FORMAT = 1;

    /** Derby messages are cut to this many characters. */
    private static final int MAX_MESSAGE = 300;

    /** At most this many derby.log lines are reported per database. */
    private static final int MAX_LOG_LINES = 40;

    /** Causes followed from one exception (XJ040 wraps the real reason). */
    private static final int MAX_CAUSES = 4;

    private static final Charset UTF8 = Charset.forName("UTF-8");

    /**
     * What derby.log says when the engine lost or doubted log records, or
     * met an error. Matched against whole lines; page dumps are skipped.
     */
    private static final String[] LOG_PATTERNS = {
        "ERROR ",
        "Incomplete log record",
        "System may be in a inconsistent state",
        "Log file not found",
        "Deleting incompatible old Logfile",
        "Bad start instant",
        "Log record is Not first",
        "Log record is first but",
        "New log file exist",
        "Cannot create a new log file",
        "in READ ONLY mode",
        "status of the database has been changed to read only",
        "Checkpoint Daemon caught",
        "Begin Error Message",
        "Begin Shutdown Error Stack",
        "may not be able to recover",
    };

    private EfbackupDeepCheck() {
    }

    /** The engine's version, from the first database that booted. */
    private static String derbyVersion;

    public static void main(String[] args) {
        if (args.length == 1 && args[0].startsWith("@")) {
            args = readArgs(args[0].substring(1));
        }
        if (args.length < 2) {
            System.err.println("usage: EfbackupDeepCheck <home> <database dir>... | @<file of those, one a line, UTF-8>");
            System.exit(2);
        }
        File home = new File(args[0]).getAbsoluteFile();
        StringBuilder out = new StringBuilder(4096);
        out.append("{\"format\":").append(FORMAT);
        field(out, "java", System.getProperty("java.version"));
        field(out, "java_vendor", System.getProperty("java.vendor"));
        out.append(",\"databases\":[");
        for (int i = 1; i < args.length; i++) {
            if (i > 1) {
                out.append(',');
            }
            File sys = new File(home, "system" + i);
            if (!sys.isDirectory() && !sys.mkdirs()) {
                System.err.println("cannot create " + sys);
                System.exit(2);
            }
            try {
                checkDatabase(new File(args[i]).getAbsoluteFile(), sys, out);
            } catch (ClassNotFoundException e) {
                System.err.println("the Derby engine is not on the classpath: " + e.getMessage());
                System.exit(3);
            }
        }
        out.append(']');
        field(out, "derby", derbyVersion);
        out.append("}\n");
        // Every character above 0x7e is escaped, so the platform's default
        // encoding cannot change these bytes.
        PrintStream ps = System.out;
        ps.print(out);
        ps.flush();
        System.exit(ps.checkError() ? 4 : 0);
    }

    /**
     * Reads the arguments from a UTF-8 file, one a line. On Windows the
     * java launcher passes its command line through the ANSI code page,
     * which mangles a folder name outside it (a user name with an accent,
     * say); a file keeps every character.
     */
    private static String[] readArgs(String path) {
        List<String> list = new ArrayList<String>();
        BufferedReader r = null;
        try {
            r = new BufferedReader(new InputStreamReader(new FileInputStream(path), UTF8));
            String line;
            while ((line = r.readLine()) != null) {
                if (line.length() > 0) {
                    list.add(line);
                }
            }
        } catch (IOException e) {
            System.err.println("cannot read the arguments: " + e);
            System.exit(2);
        } finally {
            if (r != null) {
                try {
                    r.close();
                } catch (IOException e) {
                    // Read-only; nothing to lose.
                }
            }
        }
        return list.toArray(new String[0]);
    }

    /**
     * Proves one database and appends its JSON object to out. Tables are
     * {schema, name, type} triples; the type is 'S' (catalog) or 'T'.
     */
    private static void checkDatabase(File dir, File sys, StringBuilder out) throws ClassNotFoundException {
        long start = System.nanoTime();
        File derbyLog = new File(sys, "derby.log");
        // The engine reads these when it boots; it is shut down after each
        // database, so each database gets a derby.log of its own.
        System.setProperty("derby.system.home", sys.getPath());
        System.setProperty("derby.stream.error.file", derbyLog.getPath());
        System.setProperty("derby.infolog.append", "false");
        // Reading a table can start the background statistics update,
        // which rewrites SYS.SYSSTATISTICS while it is read; the check
        // writes no more than recovery needs.
        System.setProperty("derby.storage.indexStats.auto", "false");
        loadDriver();

        out.append("{\"dir\":");
        quote(out, dir.getPath());
        long checkpointBefore = readCheckpoint(dir);
        long checkpointAfter = -1;
        String bootError = null;
        String[] reopenError = new String[1];
        String shutdownState = null;
        String shutdownError = null;
        List<String> tables = new ArrayList<String>();
        Connection c = null;
        try {
            c = connect(dir, null);
        } catch (SQLException e) {
            bootError = error(e);
        }
        boolean booted = c != null;
        if (booted) {
            // Recovery that replayed anything ends with a checkpoint, which
            // rewrites log.ctrl; a boot with nothing to recover leaves it.
            checkpointAfter = readCheckpoint(dir);
            try {
                if (derbyVersion == null) {
                    derbyVersion = c.getMetaData().getDatabaseProductVersion();
                }
            } catch (SQLException e) {
                // The version is only a label; go on without it.
            }
            List<String[]> list = null;
            try {
                list = listTables(c);
            } catch (SQLException e) {
                reopenError[0] = error(e);
            }
            if (list != null) {
                for (String[] t : list) {
                    c = checkAndRead(c, dir, t, tables, reopenError);
                }
            }
            // A failure that closed the database and could not be undone
            // left nothing to shut down.
            if (c != null && !isClosed(c)) {
                close(c);
                try {
                    connect(dir, "true");
                    shutdownState = "";
                } catch (SQLException e) {
                    // 08006 is the normal answer to ;shutdown=true.
                    shutdownState = e.getSQLState();
                    if (!"08006".equals(shutdownState)) {
                        shutdownError = error(e);
                    }
                }
            }
        }
        shutdownEngine();
        List<String> log = scanLog(derbyLog);

        out.append(",\"booted\":").append(booted);
        raw(out, "boot_error", bootError);
        out.append(",\"checkpoint_before\":").append(checkpointBefore);
        out.append(",\"checkpoint_after\":").append(checkpointAfter);
        raw(out, "reopen_error", reopenError[0]);
        field(out, "shutdown_sqlstate", shutdownState);
        raw(out, "shutdown_error", shutdownError);
        out.append(",\"tables\":[");
        for (int i = 0; i < tables.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(tables.get(i));
        }
        out.append("],\"log\":[");
        for (int i = 0; i < log.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            quote(out, log.get(i));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        out.append("],\"seconds\":").append(String.format(Locale.ROOT, "%.3f", seconds));
        out.append('}');
    }

    /**
     * Checks and reads one table, appends its JSON to tables, and returns
     * the connection to go on with: a new one when the failure closed the
     * database (XSDG2 and XSDG0 do), null when it cannot be opened again.
     */
    private static Connection checkAndRead(Connection c, File dir, String[] t, List<String> tables,
            String[] reopenError) {
        if (c == null) {
            tables.add(tableJSON(t, NOT_REOPENED, 0, false, null, NOT_REOPENED));
            return null;
        }
        String checkError = null;
        try {
            if (!checkTable(c, t)) {
                checkError = "{\"sqlstate\":\"\",\"message\":\"SYSCS_CHECK_TABLE did not return 1\"}";
            }
        } catch (SQLException e) {
            checkError = error(e);
        } catch (RuntimeException e) {
            // The engine's own bugs on damaged pages surface this way.
            checkError = error(e);
        }
        if (checkError != null) {
            c = reopenIfClosed(c, dir, reopenError);
            if (c == null) {
                tables.add(tableJSON(t, checkError, 0, false, null, NOT_REOPENED));
                return null;
            }
        }
        long[] acc = new long[5]; // the sum of the row digests, then the row count
        String readError = null;
        try {
            readTable(c, t, acc);
        } catch (SQLException e) {
            readError = error(e);
        } catch (IOException e) {
            readError = error(e);
        } catch (RuntimeException e) {
            readError = error(e);
        }
        if (readError != null) {
            try {
                c.rollback();
                c.setAutoCommit(true);
            } catch (SQLException e) {
                // The connection is gone; reopened below.
            }
            c = reopenIfClosed(c, dir, reopenError);
        }
        tables.add(tableJSON(t, checkError, acc[4], readError == null, readError == null ? hex(acc) : null, readError));
        return c;
    }

    private static final String NOT_REOPENED =
            "{\"sqlstate\":\"\",\"message\":\"not done: the database could not be opened again\"}";

    /**
     * Loads (again, after an engine shutdown deregistered it) the embedded
     * driver. Derby 10.15 moved EmbeddedDriver into derbytools.jar; there
     * the autoloaded driver of derby.jar serves.
     */
    private static void loadDriver() throws ClassNotFoundException {
        try {
            Class.forName("org.apache.derby.jdbc.EmbeddedDriver").getDeclaredConstructor().newInstance();
            return;
        } catch (ClassNotFoundException e) {
            // Derby 10.15 and later: try the engine's own driver below.
        } catch (ReflectiveOperationException e) {
            throw new ClassNotFoundException("org.apache.derby.jdbc.EmbeddedDriver: " + e);
        }
        Class.forName("org.apache.derby.iapi.jdbc.AutoloadedDriver");
    }

    /**
     * Connects to (or, with shutdown "true", shuts down) the database in
     * dir. The folder goes in the databaseName property, not in the URL,
     * so that a ';' in a path cannot be read as an attribute.
     */
    private static Connection connect(File dir, String shutdown) throws SQLException {
        Properties p = new Properties();
        p.setProperty("databaseName", dir.getPath());
        if (shutdown != null) {
            p.setProperty("shutdown", shutdown);
        }
        return DriverManager.getConnection("jdbc:derby:", p);
    }

    private static boolean isClosed(Connection c) {
        try {
            return c.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    private static Connection reopenIfClosed(Connection c, File dir, String[] reopenError) {
        if (!isClosed(c)) {
            return c;
        }
        try {
            return connect(dir, null);
        } catch (SQLException e) {
            if (reopenError[0] == null) {
                reopenError[0] = error(e);
            }
            return null;
        }
    }

    private static void shutdownEngine() {
        try {
            DriverManager.getConnection("jdbc:derby:;shutdown=true");
        } catch (SQLException e) {
            // XJ015 is the normal answer; anything else changes nothing here.
        }
    }

    private static void close(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            // Closing a connection with an open transaction: roll back first.
            try {
                c.rollback();
                c.close();
            } catch (SQLException e2) {
                // The shutdown that follows closes it.
            }
        }
    }

    /**
     * The checkpoint instant recorded in log/log.ctrl, or -1 when the file
     * cannot be read.
     */
    private static long readCheckpoint(File dir) {
        File f = new File(new File(dir, "log"), "log.ctrl");
        RandomAccessFile raf = null;
        try {
            raf = new RandomAccessFile(f, "r");
            if (raf.length() < 16) {
                return -1;
            }
            raf.seek(8);
            return raf.readLong();
        } catch (IOException e) {
            return -1;
        } finally {
            if (raf != null) {
                try {
                    raf.close();
                } catch (IOException e) {
                    // Read-only; nothing to lose.
                }
            }
        }
    }

    /**
     * The tables as {schema, name, type, heap, indexes}: type 'S' (catalog)
     * or 'T'; heap the conglomerate number of the rows' container, indexes
     * those of its indexes, comma-separated (container n is seg0/c<hex n>.dat).
     */
    private static List<String[]> listTables(Connection c) throws SQLException {
        List<String[]> list = new ArrayList<String[]>();
        Map<String, String[]> byId = new HashMap<String, String[]>();
        Statement s = c.createStatement();
        try {
            ResultSet rs = s.executeQuery("SELECT s.schemaname, t.tablename, t.tabletype, t.tableid"
                    + " FROM sys.sysschemas s JOIN sys.systables t ON s.schemaid = t.schemaid"
                    + " WHERE t.tabletype IN ('S', 'T') ORDER BY 1, 2");
            while (rs.next()) {
                String[] t = {rs.getString(1), rs.getString(2), rs.getString(3), "", ""};
                list.add(t);
                byId.put(rs.getString(4), t);
            }
            rs.close();
            rs = s.executeQuery("SELECT tableid, conglomeratenumber, isindex FROM sys.sysconglomerates"
                    + " ORDER BY 1, 2");
            while (rs.next()) {
                String[] t = byId.get(rs.getString(1));
                String n = Long.toString(rs.getLong(2));
                if (t == null) {
                    continue;
                }
                if (!rs.getBoolean(3)) {
                    t[3] = n;
                } else if (!("," + t[4] + ",").contains("," + n + ",")) {
                    // Indexes that back constraints share a conglomerate.
                    t[4] = t[4].length() == 0 ? n : t[4] + "," + n;
                }
            }
            rs.close();
        } finally {
            s.close();
        }
        return list;
    }

    /**
     * SYSCS_CHECK_TABLE returns 1 or throws. It is called once per table,
     * because the one-statement form stops at the first damaged table.
     */
    private static boolean checkTable(Connection c, String[] t) throws SQLException {
        PreparedStatement ps = c.prepareStatement("VALUES SYSCS_UTIL.SYSCS_CHECK_TABLE(?, ?)");
        try {
            ps.setString(1, t[0]);
            ps.setString(2, t[1]);
            ResultSet rs = ps.executeQuery();
            try {
                return rs.next() && rs.getInt(1) == 1;
            } finally {
                rs.close();
            }
        } finally {
            ps.close();
        }
    }

    /**
     * Adds a row's SHA-256 digest to the table's sum, modulo 2^256 (four
     * big-endian words): the same rows give the same hash in any order, and
     * a repeated row counts twice.
     */
    private static void addDigest(long[] acc, byte[] d) {
        long carry = 0;
        for (int i = 3; i >= 0; i--) {
            long w = 0;
            for (int k = 0; k < 8; k++) {
                w = (w << 8) | (d[i * 8 + k] & 0xff);
            }
            long s = acc[i] + w;
            long c1 = Long.compareUnsigned(s, acc[i]) < 0 ? 1 : 0;
            long s2 = s + carry;
            long c2 = Long.compareUnsigned(s2, s) < 0 ? 1 : 0;
            acc[i] = s2;
            carry = c1 | c2;
        }
    }

    private static String hex(long[] acc) {
        StringBuilder b = new StringBuilder(64);
        for (int i = 0; i < 4; i++) {
            String h = Long.toHexString(acc[i]);
            for (int k = h.length(); k < 16; k++) {
                b.append('0');
            }
            b.append(h);
        }
        return b.toString();
    }

    private static String quoteIdent(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    /**
     * The select list: every column, as SELECT * has it, except that an XML
     * column, which cannot be fetched as it is, is serialized to a CLOB.
     */
    private static String selectList(Connection c, String[] t) throws SQLException {
        ResultSet rs = c.getMetaData().getColumns(null, t[0], t[1], null);
        StringBuilder b = new StringBuilder();
        boolean xml = false;
        try {
            while (rs.next()) {
                String col = quoteIdent(rs.getString("COLUMN_NAME"));
                if (b.length() > 0) {
                    b.append(", ");
                }
                if (rs.getInt("DATA_TYPE") == Types.SQLXML || "XML".equals(rs.getString("TYPE_NAME"))) {
                    xml = true;
                    b.append("XMLSERIALIZE(").append(col).append(" AS CLOB)");
                } else {
                    b.append(col);
                }
            }
        } finally {
            rs.close();
        }
        return xml ? b.toString() : "*";
    }

    private static void readTable(Connection c, String[] t, long[] acc) throws SQLException, IOException {
        MessageDigest md = sha256();
        byte[] buf = new byte[8192];
        char[] cbuf = new char[4096];
        // A scan of the table itself, never through an index: the rows are
        // what is proven, and a damaged index must not hide them.
        String sql = "SELECT " + selectList(c, t) + " FROM " + quoteIdent(t[0]) + "." + quoteIdent(t[1])
                + " --DERBY-PROPERTIES index=null\n";
        c.setAutoCommit(false);
        Statement s = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
        try {
            ResultSet rs = s.executeQuery(sql);
            try {
                ResultSetMetaData meta = rs.getMetaData();
                int n = meta.getColumnCount();
                int[] types = new int[n + 1];
                for (int i = 1; i <= n; i++) {
                    types[i] = meta.getColumnType(i);
                }
                while (rs.next()) {
                    md.reset();
                    for (int i = 1; i <= n; i++) {
                        hashValue(md, rs, i, types[i], buf, cbuf);
                    }
                    addDigest(acc, md.digest());
                    acc[4]++;
                }
            } finally {
                rs.close();
            }
        } finally {
            s.close();
        }
        c.commit();
        c.setAutoCommit(true);
    }

    /**
     * Feeds one value to the row's digest: a tag, then the bytes in
     * length-prefixed chunks, then -1, so that no two rows of different
     * values give the same input. Long values are streamed, never held.
     */
    private static void hashValue(MessageDigest md, ResultSet rs, int i, int type, byte[] buf, char[] cbuf)
            throws SQLException, IOException {
        switch (type) {
            case Types.BLOB:
            case Types.BINARY:
            case Types.VARBINARY:
            case Types.LONGVARBINARY: {
                InputStream in = rs.getBinaryStream(i);
                if (in == null) {
                    md.update((byte) 0);
                    return;
                }
                md.update((byte) 1);
                try {
                    int k;
                    while ((k = in.read(buf)) > 0) {
                        chunk(md, buf, k);
                    }
                } finally {
                    in.close();
                }
                end(md);
                return;
            }
            case Types.CLOB:
            case Types.LONGVARCHAR:
            case Types.SQLXML: {
                Reader in = rs.getCharacterStream(i);
                if (in == null) {
                    md.update((byte) 0);
                    return;
                }
                md.update((byte) 2);
                try {
                    int k;
                    while ((k = in.read(cbuf)) > 0) {
                        byte[] b = new String(cbuf, 0, k).getBytes(UTF8);
                        chunk(md, b, b.length);
                    }
                } finally {
                    in.close();
                }
                end(md);
                return;
            }
            default: {
                String v = rs.getString(i);
                if (v == null) {
                    md.update((byte) 0);
                    return;
                }
                md.update((byte) 3);
                byte[] b = v.getBytes(UTF8);
                chunk(md, b, b.length);
                end(md);
            }
        }
    }

    private static void chunk(MessageDigest md, byte[] b, int n) {
        md.update((byte) (n >>> 24));
        md.update((byte) (n >>> 16));
        md.update((byte) (n >>> 8));
        md.update((byte) n);
        md.update(b, 0, n);
    }

    private static void end(MessageDigest md) {
        md.update(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static String tableJSON(String[] t, String checkError, long rows, boolean complete, String hash,
            String readError) {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"schema\":");
        quote(b, t[0]);
        field(b, "name", t[1]);
        field(b, "type", t[2]);
        b.append(",\"heap\":").append(t[3].length() == 0 ? "null" : t[3]);
        b.append(",\"indexes\":[").append(t[4]).append(']');
        b.append(",\"check_ok\":").append(checkError == null);
        raw(b, "check_error", checkError);
        b.append(",\"rows\":").append(rows);
        b.append(",\"complete\":").append(complete);
        field(b, "hash", hash);
        raw(b, "read_error", readError);
        b.append('}');
        return b.toString();
    }

    /**
     * The JSON of an exception and the causes it chains (getNextException,
     * then getCause): SQLState and message only, never a stack trace.
     */
    private static String error(Throwable e) {
        StringBuilder b = new StringBuilder(256);
        errorInto(b, e, 0);
        return b.toString();
    }

    private static void errorInto(StringBuilder b, Throwable e, int depth) {
        String state = "";
        String msg = e.getMessage();
        if (e instanceof SQLException) {
            state = ((SQLException) e).getSQLState();
        } else {
            msg = e.getClass().getName() + (msg == null ? "" : ": " + msg);
        }
        b.append("{\"sqlstate\":");
        quote(b, state == null ? "" : state);
        field(b, "message", cut(msg));
        Throwable next = next(e);
        // Derby wraps its internal exception, message and all, as the
        // cause of the SQLException: skip a cause that repeats the message.
        while (next != null && e.getMessage() != null && next.getMessage() != null
                && next.getMessage().equals(e.getMessage())) {
            next = next(next);
        }
        if (next != null && depth < MAX_CAUSES) {
            b.append(",\"cause\":");
            errorInto(b, next, depth + 1);
        }
        b.append('}');
    }

    /** The exception e chains to: Derby's next exception, else the cause. */
    private static Throwable next(Throwable e) {
        Throwable n = null;
        if (e instanceof SQLException) {
            n = ((SQLException) e).getNextException();
        }
        if (n == null) {
            n = e.getCause();
        }
        return n == e ? null : n;
    }

    /**
     * A message fit for a report: one line, without the page dump some
     * messages carry (it holds row data), at most MAX_MESSAGE characters.
     */
    static String cut(String s) {
        if (s == null) {
            return "";
        }
        int dump = s.indexOf("page dump follows");
        if (dump >= 0) {
            s = s.substring(0, dump) + "page dump omitted";
        }
        int hex = s.indexOf("Hex dump");
        if (hex >= 0) {
            s = s.substring(0, hex);
        }
        // XJ040 names the JVM's class loader object: noise in a report.
        int loader = s.indexOf(" with class loader ");
        if (loader >= 0) {
            int end = s.indexOf(',', loader);
            s = s.substring(0, loader) + (end >= 0 ? s.substring(end) : "");
        }
        s = s.replace('\r', ' ').replace('\n', ' ').replace('\t', ' ').trim();
        if (s.length() > MAX_MESSAGE) {
            s = s.substring(0, MAX_MESSAGE) + "...";
        }
        return s;
    }

    /**
     * Collects the lines of derby.log that say the engine met an error or
     * lost or doubted log records. A page dump (it follows "page dump
     * follows" or "Hex dump", up to the next blank line) holds row data
     * and is never looked at.
     */
    private static List<String> scanLog(File f) {
        List<String> out = new ArrayList<String>();
        if (!f.isFile()) {
            return out;
        }
        Set<String> seen = new LinkedHashSet<String>();
        BufferedReader r = null;
        try {
            r = new BufferedReader(new InputStreamReader(new FileInputStream(f), UTF8));
            boolean inDump = false;
            String line;
            while ((line = r.readLine()) != null) {
                if (hexDumpLine(line)) {
                    continue;
                }
                if (inDump) {
                    if (line.trim().length() == 0 || line.startsWith("---") || line.startsWith("\tat ")) {
                        inDump = false;
                    }
                    continue;
                }
                for (String p : LOG_PATTERNS) {
                    if (line.contains(p)) {
                        if (seen.size() < MAX_LOG_LINES) {
                            seen.add(cut(line));
                        }
                        break;
                    }
                }
                inDump = line.contains("page dump follows") || line.contains("Hex dump");
            }
        } catch (IOException e) {
            seen.add("derby.log could not be read: " + cut(e.toString()));
        } finally {
            if (r != null) {
                try {
                    r.close();
                } catch (IOException e) {
                    // Read-only; nothing to lose.
                }
            }
        }
        out.addAll(seen);
        return out;
    }

    /** A line of Derby's hex dumps: "0000a0f0: 0075 0000 ...  .u..". */
    private static boolean hexDumpLine(String line) {
        if (line.length() < 10 || line.charAt(8) != ':') {
            return false;
        }
        for (int i = 0; i < 8; i++) {
            if (Character.digit(line.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    private static void field(StringBuilder b, String name, String value) {
        b.append(",\"").append(name).append("\":");
        if (value == null) {
            b.append("null");
        } else {
            quote(b, value);
        }
    }

    private static void raw(StringBuilder b, String name, String json) {
        b.append(",\"").append(name).append("\":").append(json == null ? "null" : json);
    }

    /** Appends s as a JSON string, ASCII only. */
    static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"':
                    b.append("\\\"");
                    break;
                case '\\':
                    b.append("\\\\");
                    break;
                case '\n':
                    b.append("\\n");
                    break;
                case '\r':
                    b.append("\\r");
                    break;
                case '\t':
                    b.append("\\t");
                    break;
                default:
                    if (ch < 0x20 || ch > 0x7e) {
                        String h = Integer.toHexString(ch);
                        b.append("\\u");
                        for (int k = h.length(); k < 4; k++) {
                            b.append('0');
                        }
                        b.append(h);
                    } else {
                        b.append(ch);
                    }
            }
        }
        b.append('"');
    }
}
