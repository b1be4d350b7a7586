import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * Loads each file named on the command line with java.util.Properties.load,
 * as H2 reads its lock files, and prints one line per file: "ERR" when Java
 * rejects it, else "OK" followed by " key=value" pairs, each string as the
 * hex of its UTF-8 bytes (lone surrogates as U+FFFD, as Go decodes them).
 * The Go parser is checked against this output.
 */
public class PropsDump {
    public static void main(String[] args) throws Exception {
        StringBuilder out = new StringBuilder();
        for (String f : args) {
            Properties p = new Properties();
            try (InputStream in = new FileInputStream(f)) {
                p.load(in);
            } catch (IllegalArgumentException e) {
                out.append("ERR\n");
                continue;
            }
            out.append("OK");
            for (String k : p.stringPropertyNames()) {
                out.append(' ').append(hex(k)).append('=').append(hex(p.getProperty(k)));
            }
            out.append('\n');
        }
        System.out.print(out);
    }

    static String hex(String s) {
        StringBuilder b = new StringBuilder();
        int[] cps = s.codePoints().map(c -> c >= 0xD800 && c <= 0xDFFF ? 0xFFFD : c).toArray();
        byte[] utf8 = new String(cps, 0, cps.length).getBytes(StandardCharsets.UTF_8);
        for (byte x : utf8) {
            b.append(String.format("%02x", x & 0xff));
        }
        return b.length() == 0 ? "-" : b.toString();
    }
}
