package org.qdsr.control.message;

/** Which end of a control channel a node is. */
public enum Role {
    LOAD_BALANCER(1), REAL_SERVER(2);

    private final int code;

    Role(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The role with {@code code}, or null if unknown. */
    public static Role fromCode(long code) {
        for (Role r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        return null;
    }
}
