package dev.berth.outbound;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.NoHttpResponseException;

/**
 * Turns what HttpClient throws into an {@link OutboundException} with a fixed message. Exception
 * messages are never copied: they can carry addresses a name resolved to, or the receiver's bytes.
 */
final class Failures {
    private Failures() {}

    static OutboundException translate(IOException e, boolean redirect) {
        if (e instanceof GuardedDnsResolver.Refused refused) {
            return new TargetRefusedException(refused.reason(), redirect);
        }
        if (e.getCause() instanceof ProxyRoutePlanner.Refused refused) {
            return new TargetRefusedException(refused.reason(), redirect);
        }
        if (e.getCause() instanceof ProxyRoutePlanner.Unresolved) {
            return new OutboundException(OutboundException.Kind.UNRESOLVED, "the host name does not resolve", e);
        }
        if (e.getCause() instanceof ProxyRoutePlanner.ProxyUnresolved) {
            return new OutboundException(
                    OutboundException.Kind.UNRESOLVED, "the proxy's host name does not resolve", e);
        }
        if (e instanceof UnknownHostException) {
            return new OutboundException(OutboundException.Kind.UNRESOLVED, "the host name does not resolve", e);
        }
        if (e instanceof ConnectTimeoutException) {
            return new OutboundException(OutboundException.Kind.TIMEOUT, "connecting timed out", e);
        }
        if (e instanceof SocketTimeoutException || e instanceof InterruptedIOException) {
            return new OutboundException(OutboundException.Kind.TIMEOUT, "no response within the timeout", e);
        }
        if (e instanceof SSLException) {
            return new OutboundException(OutboundException.Kind.TLS, tlsMessage(e), e);
        }
        if (e instanceof NoRouteToHostException) {
            return new OutboundException(OutboundException.Kind.CONNECT, "the host is unreachable", e);
        }
        if (e instanceof ConnectException) {
            return new OutboundException(OutboundException.Kind.CONNECT, "the connection was refused", e);
        }
        if (e instanceof NoHttpResponseException) {
            return new OutboundException(
                    OutboundException.Kind.IO, "the receiver closed the connection without a response", e);
        }
        if (e instanceof org.apache.hc.client5.http.ClientProtocolException) {
            return new OutboundException(OutboundException.Kind.IO, "the receiver did not answer in HTTP", e);
        }
        return new OutboundException(OutboundException.Kind.IO, "the connection failed", e);
    }

    private static String tlsMessage(IOException e) {
        if (e instanceof SSLPeerUnverifiedException) {
            return "TLS: the certificate does not match the host name";
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof GeneralSecurityException) {
                return "TLS: the certificate is not trusted";
            }
        }
        return "TLS handshake failed";
    }
}
