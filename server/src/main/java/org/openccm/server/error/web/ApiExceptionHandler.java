// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.error.web;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import org.openccm.server.error.ApiException;
import org.openccm.server.error.BodyTooLarge;
import org.openccm.server.error.EnumNames;
import org.openccm.server.error.InvalidField;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/** Every error leaves the server through here: domain refusals keep their status, bad input is a 400 naming the field. */
@RestControllerAdvice
public class ApiExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ErrorBody> api(ApiException e) {
        ResponseEntity<ErrorBody> response = ErrorBody.of(HttpStatus.valueOf(e.status()), e.code(), e.getMessage(), e.field())
                .withReason(e.reason())
                .toResponse();
        if (e instanceof org.openccm.server.error.TooManyRequests tooMany) {
            return ResponseEntity.status(response.getStatusCode()).contentType(ErrorBody.PROBLEM_JSON)
                    .header("Retry-After", Long.toString(tooMany.retryAfterSeconds())).body(response.getBody());
        }
        return response;
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ErrorBody> unreadable(HttpMessageNotReadableException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BodyTooLarge tooLarge) {
                return tooLarge(tooLarge.getMessage());
            }
        }
        if (e.getMostSpecificCause() instanceof JacksonException json) {
            return api(invalidJson(json, "body"));
        }
        return invalid("body", "a JSON body is required");
    }

    /**
     * What was wrong with a JSON document, as an {@link InvalidField} naming the path of the bad value in the
     * request's own snake_case names. {@code document} names the whole document (e.g. a multipart part).
     */
    public static InvalidField invalidJson(JacksonException e, String document) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return new InvalidField(path(unknown), "unknown field; known fields here: " + unknown.getKnownPropertyIds());
        }
        if (e instanceof InvalidFormatException format) {
            return new InvalidField(
                    path(format), "expected " + describe(format.getTargetType()) + ", got " + format.getValue());
        }
        if (e instanceof tools.jackson.databind.exc.InvalidNullException nulled) {
            return new InvalidField(path(nulled), "must not be null");
        }
        if (e instanceof MismatchedInputException mismatch) {
            // at the top level too: "expected an object", never the Java type Jackson names
            return new InvalidField(mismatch.getPath().isEmpty() ? document : path(mismatch), "expected " + describe(mismatch.getTargetType()));
        }
        if (e instanceof StreamReadException read) {
            return new InvalidField(document, "not valid JSON: " + read.getOriginalMessage());
        }
        // Anything else Jackson says names Java types: the client learns where, and that the value is not acceptable.
        return new InvalidField(e.getPath().isEmpty() ? document : path(e), "not an acceptable value here");
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ErrorBody> typeMismatch(MethodArgumentTypeMismatchException e) {
        return invalid(e.getName(), "expected " + describe(e.getRequiredType()) + ", got " + e.getValue());
    }

    // A blank path segment (GET /v1/apps/%20) leaves the variable unset.
    @ExceptionHandler(org.springframework.web.bind.MissingPathVariableException.class)
    ResponseEntity<ErrorBody> missingPathVariable(org.springframework.web.bind.MissingPathVariableException e) {
        return invalid(e.getVariableName(), "required in the path, not blank");
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ErrorBody> missingParameter(MissingServletRequestParameterException e) {
        return invalid(e.getParameterName(), "required");
    }

    @ExceptionHandler(MissingServletRequestPartException.class)
    ResponseEntity<ErrorBody> missingPart(MissingServletRequestPartException e) {
        return invalid(e.getRequestPartName(), "required part of the multipart request");
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    ResponseEntity<ErrorBody> uploadTooLarge(MaxUploadSizeExceededException e) {
        return tooLarge("uploaded file exceeds " + e.getMaxUploadSize() + " bytes");
    }

    @ExceptionHandler(MultipartException.class)
    ResponseEntity<ErrorBody> multipart(MultipartException e) {
        return invalid("body", "not a readable multipart request");
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ErrorBody> mediaType(HttpMediaTypeNotSupportedException e) {
        return ErrorBody.of(
                        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                        "unsupported_media_type",
                        "Content-Type " + e.getContentType() + " is not accepted here; use "
                                + e.getSupportedMediaTypes(),
                        null)
                .toResponse();
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<ErrorBody> notAcceptable(HttpMediaTypeNotAcceptableException e) {
        return ErrorBody.of(HttpStatus.NOT_ACCEPTABLE, "not_acceptable", "this resource answers in JSON", null)
                .toResponse();
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ErrorBody> method(HttpRequestMethodNotSupportedException e) {
        return ErrorBody.of(
                        HttpStatus.METHOD_NOT_ALLOWED,
                        "method_not_allowed",
                        e.getMethod() + " is not allowed here; allowed: " + e.getSupportedHttpMethods(),
                        null)
                .toResponse();
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ErrorBody> noResource(NoResourceFoundException e) {
        return ErrorBody.of(HttpStatus.NOT_FOUND, "not_found", "no such resource: /" + e.getResourcePath(), null)
                .toResponse();
    }

    @ExceptionHandler(AccessDeniedException.class)
    ResponseEntity<ErrorBody> denied(AccessDeniedException e) {
        return ErrorBody.of(
                        HttpStatus.FORBIDDEN,
                        "forbidden",
                        "your role in the selected account does not allow this request",
                        null)
                .toResponse();
    }

    @ExceptionHandler(AuthenticationException.class)
    ResponseEntity<ErrorBody> unauthenticated(AuthenticationException e) {
        return ErrorBody.of(HttpStatus.UNAUTHORIZED, "unauthenticated", "authentication required", null)
                .toResponse();
    }

    // Reached only if two requests race past the service's own duplicate check.
    @ExceptionHandler(DuplicateKeyException.class)
    ResponseEntity<ErrorBody> duplicate(DuplicateKeyException e) {
        return ErrorBody.of(HttpStatus.CONFLICT, "conflict", "an object with the same unique values exists", null)
                .toResponse();
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ErrorBody> unexpected(Exception e) {
        log.error("Unexpected error", e);
        return ErrorBody.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error", "internal error; see the server log", null)
                .toResponse();
    }

    private static ResponseEntity<ErrorBody> invalid(String field, String rule) {
        return ErrorBody.of(HttpStatus.BAD_REQUEST, "invalid_field", field + ": " + rule, field).toResponse();
    }

    private static ResponseEntity<ErrorBody> tooLarge(String detail) {
        return ErrorBody.of(HttpStatus.CONTENT_TOO_LARGE, "body_too_large", detail, null).toResponse();
    }

    /** The JSON path of the failing value in the request's own (snake_case) names: {@code docker_info.exposed_ports[0].port}. */
    static String path(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "body" : path.toString();
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "a different type";
        }
        if (type.isEnum()) {
            List<String> names = Arrays.stream(type.getEnumConstants())
                    .map(EnumNames::jsonName)
                    .collect(Collectors.toList());
            return "one of " + names;
        }
        return switch (type.getSimpleName()) {
            case "UUID" -> "a UUID";
            case "Integer", "int", "Long", "long" -> "an integer";
            case "Boolean", "boolean" -> "true or false";
            case "String" -> "a string";
            case "Double", "double", "Float", "float", "BigDecimal" -> "a number";
            default -> java.util.Collection.class.isAssignableFrom(type) || type.isArray() ? "an array" : "an object";
        };
    }
}
