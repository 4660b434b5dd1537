package mta.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** AcceptLoop.onlyAddress: the bound address stands for the kernel's answer only where it is the same. */
class AcceptLoopTest {
    @Test
    void aSpecificAddressIsTheOneEveryConnectionReaches() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (ServerSocket server = AcceptLoop.bind(new InetSocketAddress(loopback, 0));
             Socket client = new Socket(loopback, server.getLocalPort());
             Socket accepted = server.accept()) {
            assertEquals(loopback, AcceptLoop.onlyAddress(server));
            assertEquals(accepted.getLocalAddress().getHostAddress(), AcceptLoop.onlyAddress(server).getHostAddress(),
                    "the same text as the kernel's answer");
        }
    }

    @Test
    void aWildcardLeavesItToTheKernel() throws Exception {
        try (ServerSocket any4 = AcceptLoop.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0))) {
            assertNull(AcceptLoop.onlyAddress(any4));
        }
        try (ServerSocket any = AcceptLoop.bind(new InetSocketAddress(0))) {
            assertNull(AcceptLoop.onlyAddress(any));
        }
    }
}
