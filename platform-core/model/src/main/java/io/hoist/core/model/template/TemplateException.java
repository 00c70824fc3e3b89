package io.hoist.core.model.template;

/** A template that does not parse, or that fails while rendering; the message says where and why. */
public class TemplateException extends RuntimeException {
    public TemplateException(String message) {
        super(message);
    }

    public TemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
