package dev.berth.api;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;

/**
 * Renders every failure of a Spring MVC request in Harbor's body,
 * {@code {"errors":[{"code":"…","message":"…"}]}}: {@link ApiException}s as they say, Spring MVC's
 * own failures (unreadable body, bad parameter, unsupported method or media type, no handler) with
 * a matching code, and anything else as a 500 whose cause is only logged. A 5xx never tells the
 * client more than {@code internal server error}.
 */
@RestControllerAdvice
public class ApiExceptionHandler extends ResponseEntityExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);
    private static final String INTERNAL = "internal server error";

    @ExceptionHandler(ApiException.class)
    ResponseEntity<Object> handleApiException(ApiException e, HttpServletRequest request) {
        return respond(
                e, HttpStatusCode.valueOf(e.status()), e.code().name(), e.getMessage(), new HttpHeaders(), request);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> handleUnexpected(Exception e, HttpServletRequest request) {
        return respond(
                e, HttpStatus.INTERNAL_SERVER_ERROR, ApiErrorCode.UNKNOWN.name(), INTERNAL, new HttpHeaders(), request);
    }

    /** Every Spring MVC exception the base class knows ends here, with its status and headers (e.g. Allow). */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(
            Exception ex, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        HttpServletRequest servletRequest = ((ServletWebRequest) request).getRequest();
        if (body == null && ex instanceof ErrorResponse errorResponse) {
            body = errorResponse.updateAndGetBody(getMessageSource(), LocaleContextHolder.getLocale());
        }
        String code =
                ApiErrorCode.forStatus(status.value()).map(ApiErrorCode::name).orElseGet(() -> codeFromReason(status));
        return respond(ex, status, code, clientMessage(ex, body, status, servletRequest), headers, servletRequest);
    }

    private ResponseEntity<Object> respond(
            Exception e,
            HttpStatusCode status,
            String code,
            String message,
            HttpHeaders headers,
            HttpServletRequest request) {
        String requestId = Optional.ofNullable(MDC.get("requestId")).orElse("-");
        if (status.is5xxServerError()) {
            log.error(
                    "event=api_error status={} method={} path={} requestId={}",
                    status.value(),
                    request.getMethod(),
                    request.getRequestURI(),
                    requestId,
                    e);
            code = ApiErrorCode.UNKNOWN.name();
            message = INTERNAL;
        } else {
            log.debug(
                    "event=api_client_error status={} code={} method={} path={} requestId={} message=\"{}\"",
                    status.value(),
                    code,
                    request.getMethod(),
                    request.getRequestURI(),
                    requestId,
                    message);
        }
        HttpHeaders out = new HttpHeaders();
        out.putAll(headers);
        out.setContentType(MediaType.APPLICATION_JSON);
        return new ResponseEntity<>(ApiErrors.of(code, message), out, status);
    }

    /** What the client may be told about a Spring MVC failure: our own words or Spring's detail. */
    private static String clientMessage(Exception ex, Object body, HttpStatusCode status, HttpServletRequest request) {
        return switch (ex) {
            case HttpMessageNotReadableException e -> unreadableBody(e);
            case NoHandlerFoundException e -> noEndpoint(request);
            case NoResourceFoundException e -> noEndpoint(request);
            case MethodArgumentTypeMismatchException e -> "invalid value for parameter " + Quoting.quote(e.getName());
            default ->
                body instanceof ProblemDetail problem && problem.getDetail() != null
                        ? problem.getDetail()
                        : Optional.ofNullable(HttpStatus.resolve(status.value()))
                                .map(HttpStatus::getReasonPhrase)
                                .orElse("request failed");
        };
    }

    private static String noEndpoint(HttpServletRequest request) {
        return "no such API: " + request.getMethod() + " " + Quoting.quote(request.getRequestURI());
    }

    /** Names where the body went wrong without echoing Jackson's messages, which name our classes. */
    private static String unreadableBody(HttpMessageNotReadableException e) {
        Throwable cause = e.getMostSpecificCause();
        if (cause instanceof StreamReadException syntax && !(cause instanceof InputCoercionException)) {
            return "request body is not valid JSON"
                    + Optional.ofNullable(syntax.getLocation())
                            .map(l -> " (line " + l.getLineNr() + ", column " + l.getColumnNr() + ")")
                            .orElse("");
        }
        if (cause instanceof JacksonException mapping && !mapping.getPath().isEmpty()) {
            return "invalid value in request body at " + jsonPath(mapping);
        }
        return e.getMessage() != null && e.getMessage().startsWith("Required request body is missing")
                ? "request body is missing"
                : "request body could not be read";
    }

    private static String jsonPath(JacksonException e) {
        StringBuilder path = new StringBuilder("$");
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                path.append('.').append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return Quoting.quote(path.toString());
    }

    /** Harbor's rule for a status without a code of its own: the reason phrase in upper snake case. */
    private static String codeFromReason(HttpStatusCode status) {
        HttpStatus known = HttpStatus.resolve(status.value());
        return known == null
                ? ApiErrorCode.UNKNOWN.name()
                : known.getReasonPhrase().toUpperCase(Locale.ROOT).replace(' ', '_');
    }
}
