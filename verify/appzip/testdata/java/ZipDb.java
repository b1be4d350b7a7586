import java.io.*;
import java.nio.file.*;
import java.util.zip.*;

// ZipDb OUT.zip DIR: zips DIR's files under "db/" the way a Java program
// such as e-Faktur's updater does, with java.util.zip.ZipOutputStream
// (DEFLATED entries, sizes and CRC in a data descriptor after the data).
public class ZipDb {
    public static void main(String[] args) throws IOException {
        Path dir = Paths.get(args[1]);
        try (ZipOutputStream zos = new ZipOutputStream(new FileOutputStream(args[0]))) {
            File[] files = dir.toFile().listFiles();
            java.util.Arrays.sort(files);
            for (File f : files) {
                zos.putNextEntry(new ZipEntry("db/" + f.getName()));
                Files.copy(f.toPath(), zos);
                zos.closeEntry();
            }
        }
    }
}
