package org.qdsr.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.qdsr.app.config.LbConfig;
import org.qdsr.quic.tls.Certificates;
import org.qdsr.quic.tls.CertifiedKey;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code qdsr certs}: a cluster CA plus one certificate per LB and RS for the mutually
 * authenticated control channel. Layout (read by org.qdsr.control.channel.ControlTls):
 * {@code ca.pem}, {@code ca.key}, and per node {@code NAME.pem} (leaf then CA) and
 * {@code NAME.key} (PKCS#8), and {@code vip.secret} (32 random bytes: the LBs' endpoint secret,
 * see {@code lb --secret-file}). Keys are written with mode 0600.
 */
@Command(name = "certs", mixinStandardHelpOptions = true,
        description = "Write a cluster CA and LB/RS certificates for the control channel (--control-tls DIR).")
public final class CertsCommand implements Callable<Integer> {
    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder to write (created if missing)")
    private Path out;

    @Option(names = {"--lb-names", "--lb-name"}, defaultValue = "lb", split = ",", paramLabel = "NAME,...",
            description = "LB node names (default: lb); one per LB when several serve a VIP (see lb --peer)")
    private List<String> lbNames;

    @Option(names = "--rs-names", defaultValue = "rs", split = ",", paramLabel = "NAME,...",
            description = "RS node names (default: rs)")
    private List<String> rsNames;

    @Option(names = "--validity-days", defaultValue = "365", paramLabel = "N", description = "validity (default: 365)")
    private int validityDays;

    @Override
    public Integer call() throws IOException {
        List<String> nodes = nodes();
        if (validityDays < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--validity-days must be at least 1");
        }
        Duration validity = Duration.ofDays(validityDays);
        Files.createDirectories(out);
        PrintWriter w = spec.commandLine().getOut();
        CertifiedKey ca = Certificates.generateCa("qdsr cluster CA", validity);
        writeCertificate(out.resolve("ca.pem"), List.of(ca.certificate()), w);
        writeKey(out.resolve("ca.key"), ca, w);
        for (String node : nodes) {
            CertifiedKey leaf = Certificates.issue(ca, node, List.of(node), true, validity);
            writeCertificate(out.resolve(node + ".pem"), leaf.chain(), w);
            writeKey(out.resolve(node + ".key"), leaf, w);
        }
        writeSecret(out.resolve(LbConfig.SECRET_FILE_NAME), w);
        w.println("cluster CA and " + nodes.size() + " node certificates (" + String.join(", ", nodes)
                + ") valid for " + validityDays + " days; keep ca.key off the nodes");
        w.flush();
        return Main.OK;
    }

    private List<String> nodes() {
        Set<String> nodes = new LinkedHashSet<>();
        for (String n : concat(lbNames, rsNames)) {
            if (!nodes.add(n.trim())) {
                throw new CommandLine.ParameterException(spec.commandLine(), "duplicate node name: " + n);
            }
        }
        for (String n : nodes) {
            if (!NODE_NAME.matcher(n).matches() || n.equals("ca")) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "bad node name '" + n + "' (letters, digits, '.', '_', '-'; not 'ca')");
            }
        }
        return new ArrayList<>(nodes);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static void writeCertificate(Path file, List<java.security.cert.X509Certificate> chain, PrintWriter w)
            throws IOException {
        Files.writeString(file, Certificates.toPem(chain), StandardCharsets.US_ASCII);
        w.println("wrote " + file + " (" + chain.get(0).getSubjectX500Principal().getName() + ")");
    }

    /** Creates the file with mode 0600 before any key byte is written. */
    private static void writeKey(Path file, CertifiedKey key, PrintWriter w) throws IOException {
        writePrivate(file, Certificates.toPem(key.privateKey()).getBytes(StandardCharsets.US_ASCII));
        w.println("wrote " + file + " (private key, 0600)");
    }

    /** The LBs' endpoint secret (stateless-reset and address-token keys; {@code lb --secret-file}). */
    private static void writeSecret(Path file, PrintWriter w) throws IOException {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        writePrivate(file, secret);
        w.println("wrote " + file + " (LB endpoint secret, 0600; give every LB of the VIP the same one)");
    }

    private static void writePrivate(Path file, byte[] content) throws IOException {
        Files.deleteIfExists(file);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
        }
        Files.write(file, content, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
