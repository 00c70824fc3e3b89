package io.hoist.core.model.meta;

import java.util.List;

/**
 * An MTV status condition. {@code category} is one of Required, Advisory, Critical, Error, Warn;
 * {@code durable} conditions survive a reconcile that does not set them again.
 */
public class Condition extends Extensible {
    public static final String TRUE = "True";
    public static final String FALSE = "False";

    public static final String CATEGORY_REQUIRED = "Required";
    public static final String CATEGORY_ADVISORY = "Advisory";
    public static final String CATEGORY_CRITICAL = "Critical";
    public static final String CATEGORY_ERROR = "Error";
    public static final String CATEGORY_WARN = "Warn";

    /** Characters of a message kept; the rest is summarized as "... (N more characters)". */
    public static final int MAX_MESSAGE = 4096;

    public String type;
    public String status;
    public String reason;
    public String category;
    public String message;
    public String lastTransitionTime;
    public Boolean durable;
    public List<String> items;
    public String suggestion;

    public static Condition of(String type, String status, String category, String reason, String message) {
        Condition c = new Condition();
        c.type = type;
        c.status = status;
        c.category = category;
        c.reason = reason;
        // a message may quote user input (a name, a template's output): a condition stays a few KiB at most
        c.message = io.hoist.core.model.Echo.abbreviate(message, MAX_MESSAGE);
        return c;
    }

    public boolean isTrue() {
        return TRUE.equals(status);
    }
}
