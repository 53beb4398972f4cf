package org.qdsr.quic.tls;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificate helpers (BouncyCastle bcpkix, JDK crypto providers): ECDSA P-256 self-signed
 * certificates with DNS/IP subjectAltNames, a tiny CA for mutual-TLS control channels, PEM
 * reading (certificate chains; PKCS#8, SEC1 and PKCS#1 keys) and writing (PKCS#8).
 * The overloads without {@code notBefore}/{@code random} read the clock: call them at startup,
 * not from the sans-I/O core.
 */
public final class Certificates {
    static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Duration BACKDATE = Duration.ofHours(1);

    private Certificates() {
    }

    /** A self-signed ECDSA P-256 certificate for {@code names}, valid from an hour ago. */
    public static CertifiedKey generate(List<String> names, Duration validity) {
        return generate(names, Instant.now().minus(BACKDATE), validity, new SecureRandom());
    }

    public static CertifiedKey generate(List<String> names, Instant notBefore, Duration validity,
                                        SecureRandom random) {
        return selfSign(generateEcKeyPair(random), names, notBefore, validity, random);
    }

    /** A self-signed end-entity certificate for an existing EC or RSA key pair. */
    public static CertifiedKey selfSign(KeyPair keys, List<String> names, Instant notBefore, Duration validity,
                                        SecureRandom random) {
        X500Name subject = commonName(names.isEmpty() ? "qdsr" : names.get(0));
        X509v3CertificateBuilder b = builder(subject, subject, keys.getPublic(), notBefore, validity, random);
        addNames(b, names);
        addExtension(b, Extension.basicConstraints, true, new BasicConstraints(false));
        addExtension(b, Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        return new CertifiedKey(List.of(sign(b, keys.getPrivate())), keys.getPrivate());
    }

    /** A self-signed ECDSA P-256 CA certificate (basicConstraints CA, keyCertSign). */
    public static CertifiedKey generateCa(String commonName, Duration validity) {
        return generateCa(commonName, Instant.now().minus(BACKDATE), validity, new SecureRandom());
    }

    public static CertifiedKey generateCa(String commonName, Instant notBefore, Duration validity,
                                          SecureRandom random) {
        KeyPair keys = generateEcKeyPair(random);
        X500Name subject = commonName(commonName);
        X509v3CertificateBuilder b = builder(subject, subject, keys.getPublic(), notBefore, validity, random);
        addExtension(b, Extension.basicConstraints, true, new BasicConstraints(true));
        addExtension(b, Extension.keyUsage, true,
                new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
        return new CertifiedKey(List.of(sign(b, keys.getPrivate())), keys.getPrivate());
    }

    /**
     * A fresh ECDSA P-256 leaf signed by {@code ca}; the chain is {leaf, CA}. Extended key usage
     * serverAuth, plus clientAuth when {@code clientAndServer}.
     */
    public static CertifiedKey issue(CertifiedKey ca, String commonName, List<String> names,
                                     boolean clientAndServer, Duration validity) {
        return issue(ca, commonName, names, clientAndServer, Instant.now().minus(BACKDATE), validity,
                new SecureRandom());
    }

    public static CertifiedKey issue(CertifiedKey ca, String commonName, List<String> names,
                                     boolean clientAndServer, Instant notBefore, Duration validity,
                                     SecureRandom random) {
        KeyPair keys = generateEcKeyPair(random);
        X500Name issuer = X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
        X509v3CertificateBuilder b = builder(issuer, commonName(commonName), keys.getPublic(), notBefore,
                validity, random);
        addNames(b, names);
        addExtension(b, Extension.basicConstraints, true, new BasicConstraints(false));
        addExtension(b, Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        addExtension(b, Extension.extendedKeyUsage, false, new ExtendedKeyUsage(clientAndServer
                ? new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}
                : new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth}));
        try {
            addExtension(b, Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.certificate().getPublicKey()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot derive authority key identifier", e);
        }
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(sign(b, ca.privateKey()));
        chain.addAll(ca.chain());
        return new CertifiedKey(chain, keys.getPrivate());
    }

    /** An ECDSA key pair on secp256r1. */
    public static KeyPair generateEcKeyPair(SecureRandom random) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), random);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks secp256r1", e);
        }
    }

    /** SHA-256 of the DER SubjectPublicKeyInfo, base64 (Chromium's --ignore-certificate-errors-spki-list). */
    public static String spkiSha256Base64(X509Certificate certificate) {
        try {
            byte[] spki = certificate.getPublicKey().getEncoded();
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(spki));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- PEM ----

    public static List<X509Certificate> readCertificates(Path pem) throws IOException {
        return parseCertificates(Files.readString(pem, StandardCharsets.US_ASCII));
    }

    /** All CERTIFICATE blocks in order; IllegalArgumentException if there are none or one is bad. */
    public static List<X509Certificate> parseCertificates(String pem) {
        List<X509Certificate> out = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof X509CertificateHolder holder) {
                    out.add(new JcaX509CertificateConverter().getCertificate(holder));
                }
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("malformed PEM certificate: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no CERTIFICATE in PEM input");
        }
        return out;
    }

    /**
     * Whether {@code key} is the private half of {@code certificate}'s public key: a signature made
     * with it verifies. True for key types this cannot check (neither EC, RSA nor EdDSA).
     */
    public static boolean keyMatches(X509Certificate certificate, PrivateKey key) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "EdDSA", "Ed25519", "Ed448" -> key.getAlgorithm();
            default -> null;
        };
        if (algorithm == null) {
            return true;
        }
        try {
            byte[] probe = "qdsr key check".getBytes(StandardCharsets.US_ASCII);
            java.security.Signature signer = java.security.Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false; // e.g. an RSA key for an EC certificate
        }
    }

    public static PrivateKey readPrivateKey(Path pem) throws IOException {
        return parsePrivateKey(Files.readString(pem, StandardCharsets.US_ASCII));
    }

    /** The first private key: "PRIVATE KEY" (PKCS#8), "EC PRIVATE KEY" (SEC1) or "RSA PRIVATE KEY". */
    public static PrivateKey parsePrivateKey(String pem) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof PrivateKeyInfo info) {
                    return toPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    return toPrivateKey(pair.getPrivateKeyInfo());
                }
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("malformed PEM private key: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("no unencrypted private key in PEM input");
    }

    /** Converts with the JDK's KeyFactory (BouncyCastle's converter would want the BC provider). */
    private static PrivateKey toPrivateKey(PrivateKeyInfo info) throws IOException, GeneralSecurityException {
        ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
        String algorithm;
        if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            algorithm = "EC";
        } else if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            algorithm = "RSA";
        } else if (oid.equals(PKCSObjectIdentifiers.id_RSASSA_PSS)) {
            algorithm = "RSASSA-PSS";
        } else {
            algorithm = oid.getId();
        }
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
    }

    public static String toPem(List<X509Certificate> chain) {
        StringBuilder sb = new StringBuilder();
        for (X509Certificate c : chain) {
            try {
                sb.append(pemBlock("CERTIFICATE", c.getEncoded()));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
        return sb.toString();
    }

    /** PKCS#8 "PRIVATE KEY" block. */
    public static String toPem(PrivateKey key) {
        return pemBlock("PRIVATE KEY", key.getEncoded());
    }

    private static String pemBlock(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    // ---- building blocks ----

    private static X500Name commonName(String cn) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, cn).build();
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, PublicKey key,
                                                    Instant notBefore, Duration validity, SecureRandom random) {
        BigInteger serial = new BigInteger(64, random).add(BigInteger.ONE);
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, serial, Date.from(notBefore),
                Date.from(notBefore.plus(validity)), subject, key);
        try {
            addExtension(b, Extension.subjectKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createSubjectKeyIdentifier(key));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-1 unavailable for key identifier", e);
        }
        return b;
    }

    private static void addNames(X509v3CertificateBuilder b, List<String> names) {
        if (names.isEmpty()) {
            return;
        }
        GeneralName[] sans = names.stream().map(Certificates::generalName).toArray(GeneralName[]::new);
        addExtension(b, Extension.subjectAlternativeName, false, new GeneralNames(sans));
    }

    /** IP literals become iPAddress entries, everything else dNSName (no DNS lookups). */
    static GeneralName generalName(String name) {
        boolean ip = IPV4.matcher(name).matches() || name.contains(":");
        return new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, name);
    }

    private static void addExtension(X509v3CertificateBuilder b, ASN1ObjectIdentifier oid,
                                     boolean critical, ASN1Encodable value) {
        try {
            b.addExtension(oid, critical, value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer) {
        String algorithm = "EC".equals(signer.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder(algorithm).build(signer)));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("certificate signing failed", e);
        }
    }
}
