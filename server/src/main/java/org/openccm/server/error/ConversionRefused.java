// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.error;

/**
 * A synchronous conversion (the converter tool) that could not be made: the input image could not be pulled or
 * converted, or the output could not be pushed. 422, naming the image field it is about.
 */
public final class ConversionRefused extends ApiException {
    private static final long serialVersionUID = 1L;
    private final String field;

    public ConversionRefused(String field, String message) {
        super(message);
        this.field = field;
    }

    @Override
    public int status() {
        return 422;
    }

    @Override
    public String code() {
        return "conversion_failed";
    }

    @Override
    public String field() {
        return field;
    }
}
