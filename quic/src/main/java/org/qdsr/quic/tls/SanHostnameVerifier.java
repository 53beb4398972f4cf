package org.qdsr.quic.tls;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import tech.kwik.agent15.engine.DefaultHostnameVerifier;
import tech.kwik.agent15.engine.HostnameVerifier;

/**
 * Checks the server certificate against the name the client connects to (RFC 9110 §4.3.4): an IP
 * literal must equal an iPAddress subject alternative name (RFC 5280 §4.2.1.6), anything else
 * goes to agent15's dNSName check. agent15 alone compares every name with the dNSName entries
 * only, so {@code https://127.0.0.1/} failed against a certificate issued for IP 127.0.0.1.
 */
final class SanHostnameVerifier implements HostnameVerifier {
    /** GeneralName tag of iPAddress in {@link X509Certificate#getSubjectAlternativeNames()}. */
    private static final int IP_ADDRESS = 7;
    private final HostnameVerifier dnsNames = new DefaultHostnameVerifier();

    @Override
    public boolean verify(String hostname, X509Certificate cert) {
        byte[] ip = ipLiteral(hostname);
        return ip == null ? dnsNames.verify(hostname, cert) : hasIpAddress(cert, ip);
    }

    private static boolean hasIpAddress(X509Certificate cert, byte[] ip) {
        Collection<List<?>> sans;
        try {
            sans = cert.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return false;
        }
        if (sans == null) {
            return false;
        }
        for (List<?> san : sans) {
            if (san.size() >= 2 && Integer.valueOf(IP_ADDRESS).equals(san.get(0)) && san.get(1) instanceof String s) {
                byte[] other = ipLiteral(s);
                if (other != null && Arrays.equals(ip, other)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The address bytes of an IPv4 or IPv6 literal (brackets allowed), or null for a host name. */
    static byte[] ipLiteral(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!Certificates.IPV4.matcher(h).matches() && !h.contains(":")) {
            return null;
        }
        try {
            return InetAddress.getByName(h).getAddress(); // a literal: parsed, never looked up
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }
}
