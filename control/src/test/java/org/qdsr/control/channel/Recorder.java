package org.qdsr.control.channel;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.qdsr.control.message.ControlMessage;

/** A listener that records events for assertions. */
class Recorder implements ControlListener {
    final LinkedBlockingQueue<ControlChannel> opened = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<Object> closed = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<ControlMessage> messages = new LinkedBlockingQueue<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    /** Distinct threads onMessage ran on. */
    final CopyOnWriteArrayList<String> messageThreads = new CopyOnWriteArrayList<>();

    @Override
    public void onOpen(ControlChannel channel) {
        threads.add(Thread.currentThread().getName());
        opened.add(channel);
    }

    @Override
    public void onMessage(ControlChannel channel, ControlMessage message) {
        messageThreads.addIfAbsent(Thread.currentThread().getName());
        messages.add(message);
    }

    @Override
    public void onClose(ControlChannel channel, Throwable cause) {
        closed.add(cause == null ? "orderly" : cause);
    }

    ControlChannel awaitOpen() throws InterruptedException {
        ControlChannel c = opened.poll(10, TimeUnit.SECONDS);
        if (c == null) {
            throw new AssertionError("channel did not open");
        }
        return c;
    }

    Object awaitClose() throws InterruptedException {
        Object c = closed.poll(10, TimeUnit.SECONDS);
        if (c == null) {
            throw new AssertionError("channel did not close");
        }
        return c;
    }

    ControlMessage awaitMessage() throws InterruptedException {
        ControlMessage m = messages.poll(10, TimeUnit.SECONDS);
        if (m == null) {
            throw new AssertionError("no message");
        }
        return m;
    }
}
