package kquant;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** kquant's own version, as Maven stamped it into the build. */
public final class Version {

    private Version() {
        throw new AssertionError("No instances of Version");
    }

    public static String get() {
        try (InputStream in = Version.class.getResourceAsStream("/kquant/version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }
}
